/*
 * spnego.c - SPNEGO NegTokenInit builder and NegTokenResp parser
 * (spnego.h), after RFC 4178 4.2.1 and 4.2.2 and RFC 2743 3.1 (the
 * InitialContextToken framing), over lib/wire/der. The OIDs are those of
 * RFC 4178 (SPNEGO) and [MS-NLMP] 1.9 (NTLM, 1.3.6.1.4.1.311.2.2.10).
 */
#include <string.h>

#include "der.h"
#include "spnego.h"

/* 1.3.6.1.5.5.2 */
const uint8_t rdd_oid_spnego[6] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
/* 1.3.6.1.4.1.311.2.2.10 */
const uint8_t rdd_oid_ntlm[10] = {0x2b, 0x06, 0x01, 0x04, 0x01,
                                  0x82, 0x37, 0x02, 0x02, 0x0a};

/* 1.2.840.113554.1.2.2 */
const uint8_t rdd_oid_krb5[9] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                 0x12, 0x01, 0x02, 0x02};
/* 1.2.840.48018.1.2.2 */
const uint8_t rdd_oid_ms_krb5[9] = {0x2a, 0x86, 0x48, 0x82, 0xf7,
                                    0x12, 0x01, 0x02, 0x02};

static size_t
krb_mech_list_contents(void)
{
	return rdd_der_tlv_size(sizeof(rdd_oid_krb5)) +
	       rdd_der_tlv_size(sizeof(rdd_oid_ms_krb5)) +
	       rdd_der_tlv_size(sizeof(rdd_oid_ntlm));
}

int
rdd_spnego_krb_mech_list(struct rdd_buf *b)
{
	rdd_der_put_head(b, RDD_DER_SEQUENCE, krb_mech_list_contents());
	rdd_der_put_bytes(b, RDD_DER_OID, rdd_oid_krb5, sizeof(rdd_oid_krb5));
	rdd_der_put_bytes(b, RDD_DER_OID, rdd_oid_ms_krb5,
	                  sizeof(rdd_oid_ms_krb5));
	rdd_der_put_bytes(b, RDD_DER_OID, rdd_oid_ntlm, sizeof(rdd_oid_ntlm));
	return b->err ? -1 : 0;
}

int
rdd_spnego_build_init_krb(struct rdd_buf *b, const uint8_t *mech_token,
                          size_t len)
{
	size_t mech_list, mech_types, octets, mtok, seq, ctx0, body;
	size_t start = b->len;

	if (mech_token == NULL || len == 0)
		return -1;
	mech_list = rdd_der_tlv_size(krb_mech_list_contents());
	mech_types = rdd_der_tlv_size(mech_list); /* [0] */
	octets = rdd_der_tlv_size(len);
	mtok = rdd_der_tlv_size(octets); /* [2] */
	seq = rdd_der_tlv_size(mech_types + mtok);
	ctx0 = rdd_der_tlv_size(seq);
	body = rdd_der_tlv_size(sizeof(rdd_oid_spnego)) + ctx0;

	rdd_der_put_head(b, RDD_DER_APP(0), body);
	rdd_der_put_bytes(b, RDD_DER_OID, rdd_oid_spnego,
	                  sizeof(rdd_oid_spnego));
	rdd_der_put_head(b, RDD_DER_CTX(0), seq);
	rdd_der_put_head(b, RDD_DER_SEQUENCE, mech_types + mtok);
	rdd_der_put_head(b, RDD_DER_CTX(0), mech_list);
	(void)rdd_spnego_krb_mech_list(b);
	rdd_der_put_head(b, RDD_DER_CTX(2), octets);
	rdd_der_put_bytes(b, RDD_DER_OCTET_STRING, mech_token, len);
	if (b->err || b->len - start != rdd_der_tlv_size(body))
		return -1;
	return 0;
}

int
rdd_spnego_build_init(struct rdd_buf *b, const uint8_t *mech_token, size_t len)
{
	size_t oid_spnego, oid_ntlm, mech_list, mech_types, octets, mtok, seq,
	    ctx0, body;
	size_t start = b->len;

	if (mech_token == NULL && len > 0)
		return -1;
	oid_spnego = rdd_der_tlv_size(sizeof(rdd_oid_spnego));
	oid_ntlm = rdd_der_tlv_size(sizeof(rdd_oid_ntlm));
	mech_list = rdd_der_tlv_size(oid_ntlm);   /* SEQUENCE OF MechType */
	mech_types = rdd_der_tlv_size(mech_list); /* [0] */
	octets = rdd_der_tlv_size(len);
	mtok = rdd_der_tlv_size(octets); /* [2] */
	seq = rdd_der_tlv_size(mech_types + mtok);
	ctx0 = rdd_der_tlv_size(seq);
	body = oid_spnego + ctx0;

	rdd_der_put_head(b, RDD_DER_APP(0), body);
	rdd_der_put_bytes(b, RDD_DER_OID, rdd_oid_spnego,
	                  sizeof(rdd_oid_spnego));
	rdd_der_put_head(b, RDD_DER_CTX(0), seq);
	rdd_der_put_head(b, RDD_DER_SEQUENCE, mech_types + mtok);
	rdd_der_put_head(b, RDD_DER_CTX(0), mech_list);
	rdd_der_put_head(b, RDD_DER_SEQUENCE, oid_ntlm);
	rdd_der_put_bytes(b, RDD_DER_OID, rdd_oid_ntlm, sizeof(rdd_oid_ntlm));
	rdd_der_put_head(b, RDD_DER_CTX(2), octets);
	rdd_der_put_bytes(b, RDD_DER_OCTET_STRING, mech_token, len);
	if (b->err || b->len - start != rdd_der_tlv_size(body))
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

/* An optional [TAG] { OCTET STRING } of a NegTokenInit or NegTokenResp
 * (mechToken or responseToken [2], mechListMIC [3]): *HAS and *OUT set
 * when present. 0, or -1 when malformed. */
static int
opt_octets(struct rdd_cur *seq, unsigned tag, bool *has, struct rdd_cur *out)
{
	struct rdd_cur field, v;
	bool present;

	if (rdd_der_get_optional(seq, RDD_DER_CTX(tag), &field, &present) != 0)
		return -1;
	if (!present)
		return 0;
	if (explicit_one(&field, RDD_DER_OCTET_STRING, &v) != 0)
		return -1;
	*has = true;
	*out = v;
	return 0;
}

int
rdd_spnego_ntlm_mech_list(struct rdd_buf *b)
{
	rdd_der_put_head(b, RDD_DER_SEQUENCE,
	                 rdd_der_tlv_size(sizeof(rdd_oid_ntlm)));
	rdd_der_put_bytes(b, RDD_DER_OID, rdd_oid_ntlm, sizeof(rdd_oid_ntlm));
	return b->err ? -1 : 0;
}

int
rdd_spnego_build_resp(struct rdd_buf *b, int neg_state, const uint8_t *mech,
                      size_t mech_len, const uint8_t *token, size_t len,
                      const uint8_t *mic, size_t mic_len)
{
	size_t state = 0, smech = 0, tok = 0, m = 0, seq;
	size_t start = b->len;

	if (neg_state > 255 || (mech != NULL && mech_len == 0))
		return -1;
	if (neg_state >= 0)
		state = rdd_der_tlv_size(rdd_der_tlv_size(1));
	if (mech != NULL)
		smech = rdd_der_tlv_size(rdd_der_tlv_size(mech_len));
	if (token != NULL)
		tok = rdd_der_tlv_size(rdd_der_tlv_size(len));
	if (mic != NULL)
		m = rdd_der_tlv_size(rdd_der_tlv_size(mic_len));
	seq = state + smech + tok + m;
	rdd_der_put_head(b, RDD_DER_CTX(1), rdd_der_tlv_size(seq));
	rdd_der_put_head(b, RDD_DER_SEQUENCE, seq);
	if (neg_state >= 0) {
		uint8_t v = (uint8_t)neg_state;

		rdd_der_put_head(b, RDD_DER_CTX(0), rdd_der_tlv_size(1));
		rdd_der_put_bytes(b, RDD_DER_ENUMERATED, &v, 1);
	}
	if (mech != NULL) {
		rdd_der_put_head(b, RDD_DER_CTX(1), rdd_der_tlv_size(mech_len));
		rdd_der_put_bytes(b, RDD_DER_OID, mech, mech_len);
	}
	if (token != NULL) {
		rdd_der_put_head(b, RDD_DER_CTX(2), rdd_der_tlv_size(len));
		rdd_der_put_bytes(b, RDD_DER_OCTET_STRING, token, len);
	}
	if (mic != NULL) {
		rdd_der_put_head(b, RDD_DER_CTX(3), rdd_der_tlv_size(mic_len));
		rdd_der_put_bytes(b, RDD_DER_OCTET_STRING, mic, mic_len);
	}
	if (b->err || b->len - start != rdd_der_tlv_size(rdd_der_tlv_size(seq)))
		return -1;
	return 0;
}

int
rdd_spnego_parse_init(struct rdd_cur *c, struct rdd_spnego_init *out)
{
	struct rdd_cur in = *c, body, oid, ctx0, seq, field, list, mech;
	struct rdd_spnego_init r;
	const uint8_t *list_at;
	bool present;

	memset(&r, 0, sizeof(r));
	if (rdd_der_get(&in, RDD_DER_APP(0), &body) != 0 ||
	    rdd_der_get(&body, RDD_DER_OID, &oid) != 0 ||
	    !rdd_der_equal(&oid, rdd_oid_spnego, sizeof(rdd_oid_spnego)) ||
	    rdd_der_get(&body, RDD_DER_CTX(0), &ctx0) != 0 ||
	    rdd_cur_left(&body) != 0 ||
	    rdd_der_get(&ctx0, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_cur_left(&ctx0) != 0)
		return -1;
	/* mechTypes [0] MechTypeList: required. */
	if (rdd_der_get(&seq, RDD_DER_CTX(0), &field) != 0)
		return -1;
	list_at = field.p;
	if (rdd_der_get(&field, RDD_DER_SEQUENCE, &list) != 0 ||
	    rdd_cur_left(&field) != 0)
		return -1;
	rdd_cur_init(&r.mech_list, list_at, (size_t)(field.p - list_at));
	while (rdd_cur_left(&list) > 0) {
		if (rdd_der_get(&list, RDD_DER_OID, &mech) != 0 ||
		    rdd_cur_left(&mech) == 0)
			return -1;
		if (rdd_der_equal(&mech, rdd_oid_ntlm, sizeof(rdd_oid_ntlm))) {
			r.has_ntlm = true;
			if (r.n_mechs == 0)
				r.first_ntlm = true;
		}
		r.n_mechs++;
	}
	if (r.n_mechs == 0)
		return -1;
	/* reqFlags [1]: read past. */
	if (rdd_der_get_optional(&seq, RDD_DER_CTX(1), &field, &present) != 0)
		return -1;
	if (opt_octets(&seq, 2, &r.has_token, &r.token) != 0 ||
	    opt_octets(&seq, 3, &r.has_mic, &r.mic) != 0)
		return -1;
	if (rdd_cur_left(&seq) != 0)
		return -1;
	*c = in;
	*out = r;
	return 0;
}

int
rdd_spnego_parse_resp(struct rdd_cur *c, struct rdd_spnego_resp *out)
{
	struct rdd_cur in = *c, outer, seq, field, v;
	struct rdd_spnego_resp r;
	int64_t state;
	bool present;

	memset(&r, 0, sizeof(r));
	r.neg_state = -1;
	rdd_cur_init(&r.mech, NULL, 0);
	rdd_cur_init(&r.token, NULL, 0);
	rdd_cur_init(&r.mic, NULL, 0);
	if (rdd_der_get(&in, RDD_DER_CTX(1), &outer) != 0 ||
	    rdd_der_get(&outer, RDD_DER_SEQUENCE, &seq) != 0 ||
	    rdd_cur_left(&outer) != 0)
		return -1;

	if (rdd_der_get_optional(&seq, RDD_DER_CTX(0), &field, &present) != 0)
		return -1;
	if (present) {
		if (rdd_der_get_int(&field, RDD_DER_ENUMERATED, &state) != 0 ||
		    rdd_cur_left(&field) != 0 || state < 0 || state > 255)
			return -1;
		r.neg_state = (int)state;
	}
	if (rdd_der_get_optional(&seq, RDD_DER_CTX(1), &field, &present) != 0)
		return -1;
	if (present) {
		if (explicit_one(&field, RDD_DER_OID, &v) != 0)
			return -1;
		r.has_mech = true;
		r.mech = v;
	}
	if (opt_octets(&seq, 2, &r.has_token, &r.token) != 0 ||
	    opt_octets(&seq, 3, &r.has_mic, &r.mic) != 0)
		return -1;
	if (rdd_cur_left(&seq) != 0)
		return -1;
	*c = in;
	*out = r;
	return 0;
}

bool
rdd_spnego_looks_like(const struct rdd_cur *token)
{
	uint8_t b;

	return rdd_cur_peek_u8(token, &b) == 0 &&
	       (b == RDD_DER_APP(0) || b == RDD_DER_CTX(1));
}

bool
rdd_spnego_mech_is_ntlm(const struct rdd_spnego_resp *r)
{
	return r->has_mech &&
	       rdd_der_equal(&r->mech, rdd_oid_ntlm, sizeof(rdd_oid_ntlm));
}

bool
rdd_spnego_mech_is_krb5(const struct rdd_spnego_resp *r)
{
	return r->has_mech &&
	       (rdd_der_equal(&r->mech, rdd_oid_krb5, sizeof(rdd_oid_krb5)) ||
	        rdd_der_equal(&r->mech, rdd_oid_ms_krb5,
	                      sizeof(rdd_oid_ms_krb5)));
}

const char *
rdd_spnego_neg_state_name(int state)
{
	switch (state) {
	case RDD_SPNEGO_ACCEPT_COMPLETED:
		return "accept-completed";
	case RDD_SPNEGO_ACCEPT_INCOMPLETE:
		return "accept-incomplete";
	case RDD_SPNEGO_REJECT:
		return "reject";
	case RDD_SPNEGO_REQUEST_MIC:
		return "request-mic";
	default:
		return NULL;
	}
}
