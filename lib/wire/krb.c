/*
 * krb.c - the credential-free AS-REQ and the KRB-ERROR (krb.h).
 */
#include "krb.h"

#include <string.h>

#include "der.h"

#define GENERAL_STRING 0x1b
#define GENERALIZED_TIME 0x18

/* kdc-options 0x40810010: forwardable, renewable, canonicalize,
 * renewable-ok (the value Windows sends; reference 2.2). */
static const uint8_t kdc_options[] = {0x00, 0x40, 0x81, 0x00, 0x10};
/* The customary "no end" till of MIT and Windows. */
static const char till[] = "20370913024805Z";
static const char krbtgt[] = "krbtgt";

static int
name_ok(const char *s, size_t *len)
{
	size_t n;

	if (s == NULL)
		return -1;
	n = strnlen(s, RDD_KRB_MAX_NAME + 1);
	if (n == 0 || n > RDD_KRB_MAX_NAME)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return -1;
	*len = n;
	return 0;
}

/* PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1]
 * SEQUENCE OF KerberosString }: the size of its SEQUENCE contents. */
static size_t
principal_size(uint32_t type, const size_t *parts, size_t n, size_t *strings)
{
	size_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += rdd_der_tlv_size(parts[i]);
	*strings = s;
	return rdd_der_tlv_size(rdd_der_tlv_size(rdd_der_uint_size(type))) +
	       rdd_der_tlv_size(rdd_der_tlv_size(s));
}

static void
put_principal(struct rdd_buf *b, uint8_t ctx, uint32_t type,
              const char *const *part, const size_t *parts, size_t n)
{
	size_t strings, inner = principal_size(type, parts, n, &strings);

	rdd_der_put_head(b, RDD_DER_CTX(ctx), rdd_der_tlv_size(inner));
	rdd_der_put_head(b, RDD_DER_SEQUENCE, inner);
	rdd_der_put_head(b, RDD_DER_CTX(0),
	                 rdd_der_tlv_size(rdd_der_uint_size(type)));
	rdd_der_put_uint(b, type);
	rdd_der_put_head(b, RDD_DER_CTX(1), rdd_der_tlv_size(strings));
	rdd_der_put_head(b, RDD_DER_SEQUENCE, strings);
	for (size_t i = 0; i < n; i++)
		rdd_der_put_bytes(b, GENERAL_STRING, part[i], parts[i]);
}

int
rdd_krb_build_as_req(struct rdd_buf *b, const char *cname, const char *realm,
                     uint32_t nonce, const int32_t *etypes, size_t n, bool tcp)
{
	size_t clen, rlen, cparts[1], sparts[2], strings, et = 0, body, req,
	                                                  all;
	size_t start = b->len;
	const char *cpart[1], *spart[2];

	if (name_ok(cname, &clen) != 0 || name_ok(realm, &rlen) != 0 ||
	    etypes == NULL || n == 0 || n > 32)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (etypes[i] < 0)
			return -1;
		et += rdd_der_tlv_size(rdd_der_uint_size((uint32_t)etypes[i]));
	}
	nonce &= 0x7fffffffu;
	cpart[0] = cname;
	cparts[0] = clen;
	spart[0] = krbtgt;
	spart[1] = realm;
	sparts[0] = sizeof(krbtgt) - 1;
	sparts[1] = rlen;

	body = rdd_der_tlv_size(rdd_der_tlv_size(sizeof(kdc_options))) +
	       rdd_der_tlv_size(
	           rdd_der_tlv_size(principal_size(1, cparts, 1, &strings))) +
	       rdd_der_tlv_size(rdd_der_tlv_size(rlen)) +
	       rdd_der_tlv_size(
	           rdd_der_tlv_size(principal_size(2, sparts, 2, &strings))) +
	       rdd_der_tlv_size(rdd_der_tlv_size(sizeof(till) - 1)) +
	       rdd_der_tlv_size(rdd_der_tlv_size(rdd_der_uint_size(nonce))) +
	       rdd_der_tlv_size(rdd_der_tlv_size(et));
	req = rdd_der_tlv_size(rdd_der_tlv_size(1)) * 2 +
	      rdd_der_tlv_size(rdd_der_tlv_size(body));
	all = rdd_der_tlv_size(rdd_der_tlv_size(req));

	if (tcp)
		rdd_buf_u32be(b, (uint32_t)all);
	rdd_der_put_head(b, RDD_DER_APP(RDD_KRB_AS_REQ), rdd_der_tlv_size(req));
	rdd_der_put_head(b, RDD_DER_SEQUENCE, req);
	rdd_der_put_head(b, RDD_DER_CTX(1), rdd_der_tlv_size(1));
	rdd_der_put_uint(b, 5);
	rdd_der_put_head(b, RDD_DER_CTX(2), rdd_der_tlv_size(1));
	rdd_der_put_uint(b, RDD_KRB_AS_REQ);
	rdd_der_put_head(b, RDD_DER_CTX(4), rdd_der_tlv_size(body));
	rdd_der_put_head(b, RDD_DER_SEQUENCE, body);
	rdd_der_put_head(b, RDD_DER_CTX(0),
	                 rdd_der_tlv_size(sizeof(kdc_options)));
	rdd_der_put_bytes(b, RDD_DER_BIT_STRING, kdc_options,
	                  sizeof(kdc_options));
	put_principal(b, 1, 1, cpart, cparts, 1);
	rdd_der_put_head(b, RDD_DER_CTX(2), rdd_der_tlv_size(rlen));
	rdd_der_put_bytes(b, GENERAL_STRING, realm, rlen);
	put_principal(b, 3, 2, spart, sparts, 2);
	rdd_der_put_head(b, RDD_DER_CTX(5), rdd_der_tlv_size(sizeof(till) - 1));
	rdd_der_put_bytes(b, GENERALIZED_TIME, till, sizeof(till) - 1);
	rdd_der_put_head(b, RDD_DER_CTX(7),
	                 rdd_der_tlv_size(rdd_der_uint_size(nonce)));
	rdd_der_put_uint(b, nonce);
	rdd_der_put_head(b, RDD_DER_CTX(8), rdd_der_tlv_size(et));
	rdd_der_put_head(b, RDD_DER_SEQUENCE, et);
	for (size_t i = 0; i < n; i++)
		rdd_der_put_uint(b, (uint32_t)etypes[i]);
	if (b->err || b->len - start != all + (tcp ? 4 : 0))
		return -1;
	return 0;
}

/* [n] { TYPE }: exactly one TLV of TYPE inside an explicit tag. */
static int
explicit_one(struct rdd_cur *field, uint8_t type, struct rdd_cur *out)
{
	if (rdd_der_get(field, type, out) != 0 || rdd_cur_left(field) != 0)
		return -1;
	return 0;
}

static int
explicit_int(struct rdd_cur *field, int64_t *v)
{
	if (rdd_der_get_int(field, RDD_DER_INTEGER, v) != 0 ||
	    rdd_cur_left(field) != 0)
		return -1;
	return 0;
}

/* Days from 1970-01-01 to Y-M-D (proleptic Gregorian; H. Hinnant's
 * days_from_civil). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
digits(const uint8_t *p, size_t n, int64_t *v)
{
	int64_t x = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return 0;
}

int
rdd_krb_time(const uint8_t *p, size_t len, int64_t *t)
{
	int64_t y, mo, d, h, mi, s;
	static const uint8_t mdays[] = {31, 29, 31, 30, 31, 30,
	                                31, 31, 30, 31, 30, 31};

	if (p == NULL || len != 15 || p[14] != 'Z' || digits(p, 4, &y) != 0 ||
	    digits(p + 4, 2, &mo) != 0 || digits(p + 6, 2, &d) != 0 ||
	    digits(p + 8, 2, &h) != 0 || digits(p + 10, 2, &mi) != 0 ||
	    digits(p + 12, 2, &s) != 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || s > 60)
		return -1;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return 0;
}

int
rdd_krb_parse_etype_info2(const struct rdd_cur *v, int32_t *out, size_t max,
                          size_t *n)
{
	struct rdd_cur in = *v, seq, entry, field;
	int64_t etype;
	size_t kept = 0;

	if (rdd_der_get(&in, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_cur_left(&in) != 0)
		return -1;
	while (rdd_cur_left(&seq) > 0) {
		if (rdd_der_get(&seq, RDD_DER_SEQUENCE, &entry) != 0 ||
		    rdd_der_get(&entry, RDD_DER_CTX(0), &field) != 0 ||
		    explicit_int(&field, &etype) != 0 || etype < INT32_MIN ||
		    etype > INT32_MAX)
			return -1;
		/* salt [1] and s2kparams [2] are not needed here. */
		if (kept < max)
			out[kept++] = (int32_t)etype;
	}
	*n = kept;
	return 0;
}

/* e-data as METHOD-DATA: find PA-ETYPE-INFO2 and read its etypes. */
static void
method_data(struct rdd_krb_error *r)
{
	struct rdd_cur in = r->edata, seq, pa, field, value;
	int64_t type;

	if (rdd_der_get(&in, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_cur_left(&in) != 0)
		return;
	while (rdd_cur_left(&seq) > 0) {
		if (rdd_der_get(&seq, RDD_DER_SEQUENCE, &pa) != 0 ||
		    rdd_der_get(&pa, RDD_DER_CTX(1), &field) != 0 ||
		    explicit_int(&field, &type) != 0 ||
		    rdd_der_get(&pa, RDD_DER_CTX(2), &field) != 0 ||
		    explicit_one(&field, RDD_DER_OCTET_STRING, &value) != 0)
			return;
		if (type == RDD_KRB_PA_ETYPE_INFO2 &&
		    rdd_krb_parse_etype_info2(&value, r->etypes,
		                              RDD_KRB_MAX_ETYPES,
		                              &r->n_etypes) == 0) {
			r->has_etype_info2 = true;
			return;
		}
	}
}

int
rdd_krb_parse_error(struct rdd_cur *c, struct rdd_krb_error *out)
{
	struct rdd_cur in = *c, outer, seq, field, v;
	struct rdd_krb_error r;
	int64_t x;
	bool present;

	memset(&r, 0, sizeof(r));
	if (rdd_der_get(&in, RDD_DER_APP(RDD_KRB_ERROR), &outer) != 0 ||
	    rdd_der_get(&outer, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_cur_left(&outer) != 0)
		return -1;
	/* pvno [0] 5, msg-type [1] 30. */
	if (rdd_der_get(&seq, RDD_DER_CTX(0), &field) != 0 ||
	    explicit_int(&field, &x) != 0 || x != 5 ||
	    rdd_der_get(&seq, RDD_DER_CTX(1), &field) != 0 ||
	    explicit_int(&field, &x) != 0 || x != RDD_KRB_ERROR)
		return -1;
	/* ctime [2], cusec [3]: the client's, echoed; not needed. */
	if (rdd_der_get_optional(&seq, RDD_DER_CTX(2), &field, &present) != 0 ||
	    rdd_der_get_optional(&seq, RDD_DER_CTX(3), &field, &present) != 0)
		return -1;
	if (rdd_der_get(&seq, RDD_DER_CTX(4), &field) != 0 ||
	    explicit_one(&field, GENERALIZED_TIME, &v) != 0 ||
	    rdd_krb_time(v.p, rdd_cur_left(&v), &r.stime) != 0)
		return -1;
	if (rdd_der_get(&seq, RDD_DER_CTX(5), &field) != 0 ||
	    explicit_int(&field, &x) != 0 || x < 0 || x > 999999)
		return -1;
	r.susec = (uint32_t)x;
	if (rdd_der_get(&seq, RDD_DER_CTX(6), &field) != 0 ||
	    explicit_int(&field, &r.error_code) != 0)
		return -1;
	/* crealm [7], cname [8]. */
	if (rdd_der_get_optional(&seq, RDD_DER_CTX(7), &field, &present) != 0 ||
	    rdd_der_get_optional(&seq, RDD_DER_CTX(8), &field, &present) != 0)
		return -1;
	if (rdd_der_get(&seq, RDD_DER_CTX(9), &field) != 0 ||
	    explicit_one(&field, GENERAL_STRING, &r.realm) != 0)
		return -1;
	if (rdd_der_get(&seq, RDD_DER_CTX(10), &field) != 0 ||
	    rdd_der_get(&field, RDD_DER_SEQUENCE, &v) != 0 ||
	    rdd_cur_left(&field) != 0)
		return -1;
	if (rdd_der_get_optional(&seq, RDD_DER_CTX(11), &field, &present) != 0)
		return -1;
	if (present) {
		if (explicit_one(&field, GENERAL_STRING, &r.etext) != 0)
			return -1;
		r.has_etext = true;
	}
	if (rdd_der_get_optional(&seq, RDD_DER_CTX(12), &field, &present) != 0)
		return -1;
	if (present) {
		if (explicit_one(&field, RDD_DER_OCTET_STRING, &r.edata) != 0)
			return -1;
		r.has_edata = true;
		method_data(&r);
	}
	if (rdd_cur_left(&seq) != 0)
		return -1;
	*c = in;
	*out = r;
	return 0;
}

int
rdd_krb_msg_type(const struct rdd_cur *c)
{
	uint8_t b;

	if (rdd_cur_peek_u8(c, &b) != 0 || (b & 0xe0) != 0x60 ||
	    (b & 0x1f) == 0x1f)
		return -1;
	return b & 0x1f;
}

int
rdd_krb_tcp_record(struct rdd_cur *c, struct rdd_cur *msg)
{
	struct rdd_cur in = *c;
	uint32_t len;

	if (rdd_cur_u32be(&in, &len) != 0)
		return 0;
	if (len > RDD_KRB_MAX_MSG)
		return -1;
	if (rdd_cur_sub(&in, len, msg) != 0)
		return 0;
	*c = in;
	return 1;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* KERB-ERROR-DATA with a KERB-EXT-ERROR. */
static int
kerb_error_data(const struct rdd_cur *edata, uint32_t *status)
{
	struct rdd_cur in = *edata, seq, field, value;
	int64_t type;

	if (rdd_der_get(&in, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_cur_left(&in) != 0 ||
	    rdd_der_get(&seq, RDD_DER_CTX(1), &field) != 0 ||
	    explicit_int(&field, &type) != 0 || (type != 3 && type != 1) ||
	    rdd_der_get(&seq, RDD_DER_CTX(2), &field) != 0 ||
	    explicit_one(&field, RDD_DER_OCTET_STRING, &value) != 0 ||
	    rdd_cur_left(&seq) != 0 || rdd_cur_left(&value) != 12)
		return -1;
	*status = le32(value.p);
	return 0;
}

/* METHOD-DATA with a 12-byte PA-PW-SALT. */
static int
pw_salt(const struct rdd_cur *edata, uint32_t *status)
{
	struct rdd_cur in = *edata, seq, pa, field, value;
	int64_t type;

	if (rdd_der_get(&in, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_cur_left(&in) != 0)
		return -1;
	while (rdd_cur_left(&seq) > 0) {
		if (rdd_der_get(&seq, RDD_DER_SEQUENCE, &pa) != 0 ||
		    rdd_der_get(&pa, RDD_DER_CTX(1), &field) != 0 ||
		    explicit_int(&field, &type) != 0 ||
		    rdd_der_get(&pa, RDD_DER_CTX(2), &field) != 0 ||
		    explicit_one(&field, RDD_DER_OCTET_STRING, &value) != 0)
			return -1;
		if (type == RDD_KRB_PA_PW_SALT && rdd_cur_left(&value) == 12) {
			*status = le32(value.p);
			return 0;
		}
	}
	return -1;
}

int
rdd_krb_edata_ntstatus(const struct rdd_cur *edata, uint32_t *status)
{
	if (edata == NULL || status == NULL)
		return -1;
	if (kerb_error_data(edata, status) == 0)
		return 0;
	return pw_salt(edata, status);
}

const char *
rdd_krb_ntstatus_name(uint32_t status)
{
	switch (status) {
	case 0xC000006AU:
		return "STATUS_WRONG_PASSWORD";
	case 0xC000006DU:
		return "STATUS_LOGON_FAILURE";
	case 0xC000006EU:
		return "STATUS_ACCOUNT_RESTRICTION";
	case 0xC000006FU:
		return "STATUS_INVALID_LOGON_HOURS";
	case 0xC0000070U:
		return "STATUS_INVALID_WORKSTATION";
	case 0xC0000071U:
		return "STATUS_PASSWORD_EXPIRED";
	case 0xC0000072U:
		return "STATUS_ACCOUNT_DISABLED";
	case 0xC0000133U:
		return "STATUS_TIME_DIFFERENCE_AT_DC";
	case 0xC0000193U:
		return "STATUS_ACCOUNT_EXPIRED";
	case 0xC0000224U:
		return "STATUS_PASSWORD_MUST_CHANGE";
	case 0xC0000234U:
		return "STATUS_ACCOUNT_LOCKED_OUT";
	case 0xC00002FAU:
		return "STATUS_SMARTCARD_LOGON_REQUIRED";
	default:
		return NULL;
	}
}

const char *
rdd_krb_error_name(int64_t code)
{
	switch (code) {
	case 1:
		return "KDC_ERR_NAME_EXP";
	case 6:
		return "KDC_ERR_C_PRINCIPAL_UNKNOWN";
	case 7:
		return "KDC_ERR_S_PRINCIPAL_UNKNOWN";
	case 8:
		return "KDC_ERR_PRINCIPAL_NOT_UNIQUE";
	case 12:
		return "KDC_ERR_POLICY";
	case 14:
		return "KDC_ERR_ETYPE_NOSUPP";
	case 18:
		return "KDC_ERR_CLIENT_REVOKED";
	case 23:
		return "KDC_ERR_KEY_EXPIRED";
	case 24:
		return "KDC_ERR_PREAUTH_FAILED";
	case 25:
		return "KDC_ERR_PREAUTH_REQUIRED";
	case 31:
		return "KRB_AP_ERR_BAD_INTEGRITY";
	case 32:
		return "KRB_AP_ERR_TKT_EXPIRED";
	case 37:
		return "KRB_AP_ERR_SKEW";
	case 41:
		return "KRB_AP_ERR_MODIFIED";
	case 44:
		return "KRB_AP_ERR_BADKEYVER";
	case 52:
		return "KRB_ERR_RESPONSE_TOO_BIG";
	case 60:
		return "KRB_ERR_GENERIC";
	case 68:
		return "KDC_ERR_WRONG_REALM";
	case 69:
		return "KRB_AP_ERR_USER_TO_USER_REQUIRED";
	default:
		return NULL;
	}
}

const char *
rdd_krb_etype_name(int32_t etype)
{
	switch (etype) {
	case 16:
		return "des3-cbc-sha1";
	case 17:
		return "aes128-cts-hmac-sha1-96";
	case 18:
		return "aes256-cts-hmac-sha1-96";
	case 19:
		return "aes128-cts-hmac-sha256-128";
	case 20:
		return "aes256-cts-hmac-sha384-192";
	case 23:
		return "rc4-hmac";
	case 24:
		return "rc4-hmac-exp";
	default:
		return NULL;
	}
}
