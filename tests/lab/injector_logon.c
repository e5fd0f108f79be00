/*
 * injector_logon.c - Save Session Info PDUs for the injector's logon
 * modes (see injector_logon.h). Layouts from [MS-RDPBCGR] 2.2.10.1.1,
 * 2.2.10.1.1.1-4 and 2.2.10.1.1.4.1.1 (session.md 6.9).
 */
#include <stdio.h>
#include <string.h>

#include "injector_logon.h"
#include "wire/clientinfo.h"
#include "wire/ntlm_auth.h"
#include "wire/share.h"

#define PDUTYPE_DATA_V 0x0017 /* PDUTYPE_DATAPDU | TS_PROTOCOL_VERSION */
#define CTRL_HDR_LEN 6
#define DATA_HDR_LEN 12
#define LOGON_INFO_LEN 576 /* TS_LOGON_INFO; v2's fixed part; plain pad */
#define LOGON_DOMAIN_FIELD 52
#define LOGON_USER_FIELD 512
#define LOGON_V2_PAD 558
#define LOGON_EX_PAD 570
#define LOGON_EX_LOGONERRORS 0x2
#define LOGON_ERRORS_INFO_LEN 8
#define SEC_HDR_LEN 4 /* basic security header: flags, flagsHi */
#define SEC_INFO_PKT 0x0040

/* NAME (UTF-8, NULL is "") as UTF-16LE with its terminator into OUT (CAP
 * bytes); its length in bytes (terminator included) into *CB. -1 if not
 * UTF-8 or longer than MAX_UNITS units before the terminator. */
static int
utf16z(const char *name, size_t max_units, uint8_t *out, size_t cap,
       uint32_t *cb)
{
	struct rdd_buf b;

	rdd_buf_init(&b, out, cap);
	if (name != NULL && rdd_utf8_to_utf16le(&b, name) != 0)
		return -1;
	if (b.err || b.len / 2 > max_units)
		return -1;
	rdd_buf_u16le(&b, 0);
	if (b.err)
		return -1;
	*cb = (uint32_t)b.len;
	return 0;
}

int
inj_build_logon_info(struct rdd_buf *b, const struct inj_logon_info *li)
{
	uint8_t dom[2 * (INJ_LOGON_DOMAIN_UNITS + 1)];
	uint8_t usr[2 * (INJ_LOGON_USER_UNITS + 1)];
	uint32_t cb_dom, cb_usr;

	if (li->info_type == INJ_INFOTYPE_LOGON_PLAINNOTIFY) {
		rdd_buf_u32le(b, li->info_type);
		rdd_buf_zeros(b, LOGON_INFO_LEN);
		return b->err ? -1 : 0;
	}
	if (li->info_type != INJ_INFOTYPE_LOGON &&
	    li->info_type != INJ_INFOTYPE_LOGON_LONG)
		return -1;
	if (utf16z(li->domain, INJ_LOGON_DOMAIN_UNITS, dom, sizeof dom,
	           &cb_dom) != 0 ||
	    utf16z(li->user, INJ_LOGON_USER_UNITS, usr, sizeof usr, &cb_usr) !=
	        0)
		return -1;
	rdd_buf_u32le(b, li->info_type);
	if (li->info_type == INJ_INFOTYPE_LOGON) {
		/* fixed fields, the unused part of each zero */
		rdd_buf_u32le(b, cb_dom);
		rdd_buf_bytes(b, dom, cb_dom);
		rdd_buf_zeros(b, LOGON_DOMAIN_FIELD - cb_dom);
		rdd_buf_u32le(b, cb_usr);
		rdd_buf_bytes(b, usr, cb_usr);
		rdd_buf_zeros(b, LOGON_USER_FIELD - cb_usr);
		rdd_buf_u32le(b, li->session_id);
	} else {
		/* Version SAVE_SESSION_PDU_VERSION_ONE; Size: "excluding the
		 * Domain and UserName variable-length fields" = 576 */
		rdd_buf_u16le(b, 0x0001);
		rdd_buf_u32le(b, LOGON_INFO_LEN);
		rdd_buf_u32le(b, li->session_id);
		rdd_buf_u32le(b, cb_dom);
		rdd_buf_u32le(b, cb_usr);
		rdd_buf_zeros(b, LOGON_V2_PAD);
		rdd_buf_bytes(b, dom, cb_dom);
		rdd_buf_bytes(b, usr, cb_usr);
	}
	return b->err ? -1 : 0;
}

/*
 * Length: "the total size in bytes of this structure, including the
 * variable LogonFields field" ([MS-RDPBCGR] 2.2.10.1.1.4). Read here as
 * Length + FieldsPresent + LogonFields without the Pad (18), as IronRDP
 * writes it; FreeRDP's server writes 2 + 4 + 570 + 8. No client found
 * relies on it: FreeRDP 2.11 only checks that Length - 6 bytes follow,
 * true for both; rdpdoctor ignores it.
 */
int
inj_build_logon_error(struct rdd_buf *b, uint32_t error_type,
                      uint32_t error_data)
{
	rdd_buf_u32le(b, INJ_INFOTYPE_LOGON_EXTENDED_INFO);
	rdd_buf_u16le(b, 2 + 4 + 4 + LOGON_ERRORS_INFO_LEN);
	rdd_buf_u32le(b, LOGON_EX_LOGONERRORS);
	rdd_buf_u32le(b, LOGON_ERRORS_INFO_LEN); /* cbFieldData */
	rdd_buf_u32le(b, error_type);
	rdd_buf_u32le(b, error_data);
	rdd_buf_zeros(b, LOGON_EX_PAD);
	return b->err ? -1 : 0;
}

int
inj_build_share_data(struct rdd_buf *b, const struct inj_share_hdr *h,
                     uint8_t type2, const uint8_t *payload, size_t n)
{
	size_t total = CTRL_HDR_LEN + DATA_HDR_LEN + n;
	int64_t ulen = (int64_t)n + h->ulen_extra;
	int64_t clen = h->clen_zero ? 0 : (int64_t)n + h->clen_extra;

	if (total > 0x7fff || ulen < 0 || ulen > 0xffff || clen < 0 ||
	    clen > 0xffff)
		return -1;
	rdd_buf_u16le(b, (uint16_t)total);
	rdd_buf_u16le(b, PDUTYPE_DATA_V);
	rdd_buf_u16le(b, h->pdu_source);
	rdd_buf_u32le(b, h->share_id);
	rdd_buf_u8(b, 0); /* pad1 */
	rdd_buf_u8(b, h->stream_id);
	rdd_buf_u16le(b, (uint16_t)ulen);
	rdd_buf_u8(b, type2);
	rdd_buf_u8(b, 0); /* compressedType: not compressed */
	rdd_buf_u16le(b, (uint16_t)clen);
	rdd_buf_bytes(b, payload, n);
	return b->err ? -1 : 0;
}

int
inj_share_hdr_of(const uint8_t *ud, size_t len, struct inj_share_hdr *h)
{
	struct rdd_cur c;
	struct rdd_share_ctrl ctrl;
	struct rdd_share_data data;

	rdd_cur_init(&c, ud, len);
	if (rdd_share_parse_ctrl(&c, &ctrl) != 0 ||
	    ctrl.pdu_type != RDD_PDUTYPE_DATA || !ctrl.has_source ||
	    rdd_share_parse_data(&ctrl.body, &data) != 0)
		return -1;
	h->share_id = data.share_id;
	h->pdu_source = ctrl.pdu_source;
	h->stream_id = data.stream_id;
	h->ulen_extra = (int32_t)data.uncompressed_length -
	                (int32_t)rdd_cur_left(&data.payload);
	h->clen_zero = data.compressed_length == 0;
	h->clen_extra = (int32_t)data.compressed_length -
	                (int32_t)rdd_cur_left(&data.payload);
	return 0;
}

int
inj_client_info_names(const uint8_t *ud, size_t len, char *domain, size_t dcap,
                      char *user, size_t ucap, uint32_t *flags,
                      bool *has_password)
{
	struct rdd_client_info_parsed ci;
	struct rdd_cur c;
	uint16_t sec;
	int r;

	rdd_cur_init(&c, ud, len);
	if (rdd_cur_u16le(&c, &sec) != 0 || !(sec & SEC_INFO_PKT) ||
	    rdd_cur_skip(&c, SEC_HDR_LEN - 2) != 0)
		return -1;
	r = rdd_client_info_parse(&c, &ci);
	if (r == 0) {
		snprintf(domain, dcap, "%s", ci.domain);
		snprintf(user, ucap, "%s", ci.user);
		*flags = ci.flags;
		*has_password = ci.password_len > 0;
	}
	memset(&ci, 0, sizeof ci);
	return r == 0 ? 0 : -1;
}

const char *
inj_info_type_name(uint32_t t)
{
	static const char *const names[] = {
	    "INFOTYPE_LOGON", "INFOTYPE_LOGON_LONG",
	    "INFOTYPE_LOGON_PLAINNOTIFY", "INFOTYPE_LOGON_EXTENDED_INFO"};

	return t < 4 ? names[t] : "?";
}

const char *
inj_logon_msg_name(uint32_t t)
{
	switch (t) {
	case 0xFFFFFFF8u:
		return "LOGON_MSG_SESSION_BUSY_OPTIONS";
	case 0xFFFFFFF9u:
		return "LOGON_MSG_DISCONNECT_REFUSED";
	case 0xFFFFFFFAu:
		return "LOGON_MSG_NO_PERMISSION";
	case 0xFFFFFFFBu:
		return "LOGON_MSG_BUMP_OPTIONS";
	case 0xFFFFFFFCu:
		return "LOGON_MSG_RECONNECT_OPTIONS";
	case 0xFFFFFFFDu:
		return "LOGON_MSG_SESSION_TERMINATE";
	case 0xFFFFFFFEu:
		return "LOGON_MSG_SESSION_CONTINUE";
	default:
		return "?";
	}
}

const char *
inj_logon_data_name(uint32_t d)
{
	static const char *const names[] = {
	    "LOGON_FAILED_BAD_PASSWORD", "LOGON_FAILED_UPDATE_PASSWORD",
	    "LOGON_FAILED_OTHER", "LOGON_WARNING"};

	return d < 4 ? names[d] : "a session id";
}

/* --- self-test -------------------------------------------------------------- */

static int
fail(const char *what)
{
	fprintf(stderr, "injector self-test: logon: %s\n", what);
	return 1;
}

/* Wrap PAYLOAD in H's headers, parse it back with lib/wire/share.c: the
 * headers, then the Save Session Info (into *OUT), which must use every
 * byte. 0 if all of that holds. */
static int
round_trip(const struct inj_share_hdr *h, const uint8_t *payload, size_t n,
           struct rdd_save_session_info *out)
{
	uint8_t storage[2048];
	struct rdd_buf b;
	struct rdd_cur c;
	struct rdd_share_ctrl ctrl;
	struct rdd_share_data data;

	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_share_data(&b, h, RDD_PDUTYPE2_SAVE_SESSION_INFO, payload,
	                         n) != 0 ||
	    b.len != CTRL_HDR_LEN + DATA_HDR_LEN + n)
		return -1;
	rdd_cur_init(&c, b.p, b.len);
	if (rdd_share_parse_ctrl(&c, &ctrl) != 0 || rdd_cur_left(&c) != 0 ||
	    ctrl.total_length != b.len || ctrl.pdu_type_raw != 0x17 ||
	    !ctrl.has_source || ctrl.pdu_source != h->pdu_source ||
	    rdd_share_parse_data(&ctrl.body, &data) != 0 ||
	    data.share_id != h->share_id || data.stream_id != h->stream_id ||
	    data.pdu_type2 != 0x26 || data.compressed_type != 0 ||
	    (int32_t)data.compressed_length !=
	        (h->clen_zero ? 0 : (int32_t)n + h->clen_extra) ||
	    (int32_t)data.uncompressed_length != (int32_t)n + h->ulen_extra ||
	    rdd_cur_left(&data.payload) != n ||
	    rdd_share_parse_save_session_info(&data.payload, out) != 0 ||
	    rdd_cur_left(&data.payload) != 0)
		return -1;
	return 0;
}

/* Every proper prefix of PAYLOAD must be refused by the parser. */
static int
truncations_refused(const uint8_t *payload, size_t n)
{
	struct rdd_save_session_info out;
	struct rdd_cur c;
	size_t k;

	for (k = 0; k < n; k++) {
		rdd_cur_init(&c, payload, k);
		if (rdd_share_parse_save_session_info(&c, &out) == 0)
			return -1;
	}
	return 0;
}

static int
test_logon_info(const struct inj_share_hdr *h)
{
	static const size_t sizes[3] = {4 + 576, 4 + 576 + 8 + 12, 4 + 576};
	struct inj_logon_info li = {0, 7, "LAB", "alice"};
	struct rdd_save_session_info out;
	uint8_t storage[1200];
	struct rdd_buf b;
	uint32_t t;
	int bad = 0;

	for (t = 0; t < 3; t++) {
		li.info_type = t;
		rdd_buf_init(&b, storage, sizeof storage);
		if (inj_build_logon_info(&b, &li) != 0 || b.len != sizes[t]) {
			bad += fail("logon info: build or size");
			continue;
		}
		if (round_trip(h, b.p, b.len, &out) != 0 ||
		    out.info_type != t) {
			bad += fail("logon info: lib/wire/share.c does not "
			            "read it back");
			continue;
		}
		if (t < 2 && (!out.has_session_id || out.session_id != 7 ||
		              strcmp(out.user, "alice") != 0 ||
		              strcmp(out.domain, "LAB") != 0))
			bad += fail("logon info: session id, user or domain");
		if (t == 2 && out.has_session_id)
			bad += fail("plain notify: a session id");
		if (truncations_refused(b.p, b.len) != 0)
			bad += fail("logon info: a truncation is accepted");
	}
	/* The bytes of type 0: cbDomain 8 ("LAB" + NUL) at 4, Domain at 8,
	 * cbUserName 12 at 60, UserName at 64, SessionId at 576. */
	li.info_type = 0;
	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_logon_info(&b, &li) != 0 ||
	    memcmp(b.p, "\0\0\0\0\x08\0\0\0L\0A\0B\0\0\0", 16) != 0 ||
	    memcmp(b.p + 60, "\x0c\0\0\0a\0l\0i\0c\0e\0\0\0", 16) != 0 ||
	    memcmp(b.p + 576, "\x07\0\0\0", 4) != 0)
		bad += fail("TS_LOGON_INFO bytes");
	/* Type 1: Version 1, Size 576, SessionId, cbDomain, cbUserName. */
	li.info_type = 1;
	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_logon_info(&b, &li) != 0 ||
	    memcmp(b.p,
	           "\x01\0\0\0\x01\0\x40\x02\0\0\x07\0\0\0\x08\0\0\0\x0c\0\0\0",
	           22) != 0 ||
	    memcmp(b.p + 580, "L\0A\0B\0\0\0a\0", 10) != 0)
		bad += fail("TS_LOGON_INFO_VERSION_2 bytes");
	/* Empty names: cb 2 (the NUL alone), still read back. */
	li.user = li.domain = NULL;
	for (t = 0; t < 2; t++) {
		li.info_type = t;
		rdd_buf_init(&b, storage, sizeof storage);
		if (inj_build_logon_info(&b, &li) != 0 ||
		    round_trip(h, b.p, b.len, &out) != 0 ||
		    out.user[0] != '\0' || out.domain[0] != '\0')
			bad += fail("empty names");
	}
	return bad;
}

static int
test_limits(void)
{
	char name[300];
	struct inj_logon_info li = {0, 1, name, "u"};
	uint8_t storage[1200];
	struct rdd_buf b;
	int bad = 0;

	memset(name, 'd', sizeof name);
	name[INJ_LOGON_DOMAIN_UNITS] = '\0';
	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_logon_info(&b, &li) != 0)
		bad += fail("a 25-character domain is refused");
	name[INJ_LOGON_DOMAIN_UNITS] = 'd';
	name[INJ_LOGON_DOMAIN_UNITS + 1] = '\0';
	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_logon_info(&b, &li) == 0)
		bad += fail("a 26-character domain is accepted");
	li.domain = "";
	li.user = name;
	li.info_type = 1;
	memset(name, 'u', sizeof name);
	name[INJ_LOGON_USER_UNITS] = '\0';
	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_logon_info(&b, &li) != 0)
		bad += fail("a 255-character user is refused");
	name[INJ_LOGON_USER_UNITS] = 'u';
	name[INJ_LOGON_USER_UNITS + 1] = '\0';
	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_logon_info(&b, &li) == 0)
		bad += fail("a 256-character user is accepted");
	li.user = "\xff";
	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_logon_info(&b, &li) == 0)
		bad += fail("a user that is not UTF-8 is accepted");
	li.user = "u";
	li.info_type = 3;
	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_logon_info(&b, &li) == 0)
		bad += fail("infoType 3 as logon info");
	return bad;
}

static int
test_logon_error(const struct inj_share_hdr *h)
{
	/* The scenarios' pairs: NO_PERMISSION; SESSION_CONTINUE with
	 * BAD_PASSWORD, UPDATE_PASSWORD, OTHER; a session id as data. */
	static const uint32_t pairs[][2] = {{0xFFFFFFFAu, 0}, {0xFFFFFFFEu, 0},
	                                    {0xFFFFFFFEu, 1}, {0xFFFFFFFEu, 2},
	                                    {0xFFFFFFFBu, 7}, {0xFFFFFFFFu, 3}};
	static const uint8_t head[22] = {
	    0x03, 0x00, 0x00, 0x00, /* INFOTYPE_LOGON_EXTENDED_INFO */
	    0x12, 0x00,             /* Length 18 */
	    0x02, 0x00, 0x00, 0x00, /* LOGON_EX_LOGONERRORS */
	    0x08, 0x00, 0x00, 0x00, /* cbFieldData */
	    0xfa, 0xff, 0xff, 0xff, /* LOGON_MSG_NO_PERMISSION */
	    0x00, 0x00, 0x00, 0x00  /* LOGON_FAILED_BAD_PASSWORD */
	};
	struct rdd_save_session_info out;
	uint8_t storage[700];
	struct rdd_buf b;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		rdd_buf_init(&b, storage, sizeof storage);
		if (inj_build_logon_error(&b, pairs[i][0], pairs[i][1]) != 0 ||
		    b.len != 4 + 2 + 4 + 4 + 8 + 570) {
			bad += fail("logon error: build or size");
			continue;
		}
		if (i == 0 && memcmp(b.p, head, sizeof head) != 0)
			bad += fail("logon error bytes");
		if (round_trip(h, b.p, b.len, &out) != 0 ||
		    out.info_type != 3 || out.fields_present != 0x2 ||
		    !out.has_logon_error || out.error_type != pairs[i][0] ||
		    out.error_data != pairs[i][1] || out.has_session_id)
			bad += fail("logon error: lib/wire/share.c does not "
			            "read it back");
		if (truncations_refused(b.p, b.len) != 0)
			bad += fail("logon error: a truncation is accepted");
	}
	return bad;
}

/*
 * xrdp 0.9.21.1's Font Map on the lab's .12 (security_layer=tls), the
 * Send Data Indication's user data as the injector relayed it to xfreerdp
 * 2.11.7 (inject.log, "the Font Map's user data"): totalLength 26, pduType
 * 0x17, pduSource 1008 (the client's user channel: initiator 7), shareId
 * 0x000103EA, pad1 0, streamId 1, uncompressedLength 26, FONTMAP,
 * compressedType 0, compressedLength 26; numberEntries 0, totalNumEntries
 * 0, mapFlags 3, entrySize 4.
 */
static const uint8_t xrdp_font_map[26] = {
    0x1a, 0x00, 0x17, 0x00, 0xf0, 0x03, 0xea, 0x03, 0x01,
    0x00, 0x00, 0x01, 0x1a, 0x00, 0x28, 0x00, 0x1a, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00};

static int
test_share_hdr(struct inj_share_hdr *h)
{
	static const uint8_t payload[8] = {0, 0, 0, 0, 3, 0, 4, 0};
	uint8_t storage[64];
	struct rdd_buf b;
	size_t k;
	int bad = 0;

	if (inj_share_hdr_of(xrdp_font_map, sizeof xrdp_font_map, h) != 0 ||
	    h->share_id != 0x000103EAu || h->pdu_source != 1008 ||
	    h->stream_id != 1 || h->ulen_extra != 18 || h->clen_zero ||
	    h->clen_extra != 18)
		bad += fail("the headers of xrdp's Font Map");
	/* The same headers around the same payload: xrdp's bytes again. */
	rdd_buf_init(&b, storage, sizeof storage);
	if (inj_build_share_data(&b, h, 0x28, payload, sizeof payload) != 0 ||
	    b.len != sizeof xrdp_font_map ||
	    memcmp(b.p, xrdp_font_map, b.len) != 0)
		bad += fail("xrdp's Font Map rebuilt differs");
	for (k = 0; k < sizeof xrdp_font_map; k++) {
		struct inj_share_hdr t;

		if (inj_share_hdr_of(xrdp_font_map, k, &t) == 0)
			bad += fail("a truncated Font Map gives headers");
	}
	return bad;
}

static int
test_client_info(void)
{
	struct rdd_client_info ci;
	uint8_t storage[1024];
	struct rdd_buf b;
	char dom[64], usr[64];
	uint32_t flags = 0;
	bool pw = false;
	size_t k;
	int bad = 0;

	rdd_client_info_defaults(&ci, 0x0002, "10.201.0.2");
	ci.flags |= RDD_INFO_AUTOLOGON;
	ci.domain = "LAB";
	ci.user = "alice";
	ci.password = "not-a-secret";
	rdd_buf_init(&b, storage, sizeof storage);
	rdd_buf_u16le(&b, SEC_INFO_PKT);
	rdd_buf_u16le(&b, 0);
	if (rdd_client_info_build(&b, &ci) != 0 || b.err) {
		return fail("Client Info build");
	}
	if (inj_client_info_names(b.p, b.len, dom, sizeof dom, usr, sizeof usr,
	                          &flags, &pw) != 0 ||
	    strcmp(dom, "LAB") != 0 || strcmp(usr, "alice") != 0 || !pw ||
	    !(flags & RDD_INFO_AUTOLOGON))
		bad += fail("Client Info names");
	for (k = 0; k < SEC_HDR_LEN + 18; k++)
		if (inj_client_info_names(b.p, k, dom, sizeof dom, usr,
		                          sizeof usr, &flags, &pw) == 0)
			bad += fail("a truncated Client Info gives names");
	storage[0] = 0; /* no SEC_INFO_PKT */
	if (inj_client_info_names(b.p, b.len, dom, sizeof dom, usr, sizeof usr,
	                          &flags, &pw) == 0)
		bad += fail("a PDU without SEC_INFO_PKT gives names");
	return bad;
}

int
inj_logon_self_test(void)
{
	struct inj_share_hdr h;
	int bad = 0;

	bad += test_share_hdr(&h);
	bad += test_logon_info(&h);
	bad += test_limits();
	bad += test_logon_error(&h);
	h.ulen_extra = 0; /* FreeRDP's way of counting, pduSource 1002 */
	h.clen_zero = true;
	h.pdu_source = 1002;
	bad += test_logon_info(&h);
	bad += test_logon_error(&h);
	bad += test_client_info();
	return bad;
}
