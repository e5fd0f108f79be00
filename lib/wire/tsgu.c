/*
 * tsgu.c - the RD Gateway's HTTP-transport packets (tsgu.h).
 */
#include "tsgu.h"

#include <string.h>

#include "rdpdoctor/codes.h"

#define MAX_NAME 255
#define MAX_RESOURCES 50

int
rdd_tsgu_next(struct rdd_cur *in, struct rdd_tsgu_pkt *p)
{
	struct rdd_cur c = *in;
	uint16_t type, reserved;
	uint32_t len;

	if (rdd_cur_u16le(&c, &type) != 0 ||
	    rdd_cur_u16le(&c, &reserved) != 0 || rdd_cur_u32le(&c, &len) != 0)
		return 0;
	if (len < RDD_TSGU_HEADER || len > RDD_TSGU_MAX_PACKET)
		return -1;
	if (len - RDD_TSGU_HEADER > rdd_cur_left(&c))
		return 0;
	p->type = type;
	p->length = len;
	(void)rdd_cur_sub(&c, len - RDD_TSGU_HEADER, &p->body);
	*in = c;
	return 1;
}

const char *
rdd_tsgu_type_name(uint16_t type)
{
	switch (type) {
	case RDD_TSGU_HANDSHAKE_REQUEST:
		return "HANDSHAKE_REQUEST";
	case RDD_TSGU_HANDSHAKE_RESPONSE:
		return "HANDSHAKE_RESPONSE";
	case RDD_TSGU_EXTENDED_AUTH_MSG:
		return "EXTENDED_AUTH_MSG";
	case RDD_TSGU_TUNNEL_CREATE:
		return "TUNNEL_CREATE";
	case RDD_TSGU_TUNNEL_RESPONSE:
		return "TUNNEL_RESPONSE";
	case RDD_TSGU_TUNNEL_AUTH:
		return "TUNNEL_AUTH";
	case RDD_TSGU_TUNNEL_AUTH_RESPONSE:
		return "TUNNEL_AUTH_RESPONSE";
	case RDD_TSGU_CHANNEL_CREATE:
		return "CHANNEL_CREATE";
	case RDD_TSGU_CHANNEL_RESPONSE:
		return "CHANNEL_RESPONSE";
	case RDD_TSGU_DATA:
		return "DATA";
	case RDD_TSGU_SERVICE_MESSAGE:
		return "SERVICE_MESSAGE";
	case RDD_TSGU_REAUTH_MESSAGE:
		return "REAUTH_MESSAGE";
	case RDD_TSGU_KEEPALIVE:
		return "KEEPALIVE";
	case RDD_TSGU_CLOSE_CHANNEL:
		return "CLOSE_CHANNEL";
	case RDD_TSGU_CLOSE_CHANNEL_RESPONSE:
		return "CLOSE_CHANNEL_RESPONSE";
	default:
		return NULL;
	}
}

const char *
rdd_tsgu_code_name(uint32_t code)
{
	const struct rdd_code *row = rdd_code_find(RDD_TABLE_GATEWAY, code);

	if (row == NULL && code != 0 && code <= 0xffff)
		row = rdd_code_find(RDD_TABLE_GATEWAY, 0x80070000u | code);
	return row != NULL ? row->name : NULL;
}

/* Header with packetLength 0, patched by finish(). */
static size_t
begin(struct rdd_buf *b, uint16_t type)
{
	size_t start = b->len;

	rdd_buf_u16le(b, type);
	rdd_buf_u16le(b, 0);
	rdd_buf_u32le(b, 0);
	return start;
}

static int
finish(struct rdd_buf *b, size_t start)
{
	size_t n = b->len - start;

	if (b->err || n > RDD_TSGU_MAX_PACKET) {
		b->len = start;
		return -1;
	}
	b->p[start + 4] = (uint8_t)n;
	b->p[start + 5] = (uint8_t)(n >> 8);
	b->p[start + 6] = (uint8_t)(n >> 16);
	b->p[start + 7] = (uint8_t)(n >> 24);
	return 0;
}

static bool
name_ok(const char *s, size_t *len)
{
	size_t n;

	if (s == NULL)
		return false;
	n = strnlen(s, MAX_NAME + 1);
	if (n == 0 || n > MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	*len = n;
	return true;
}

/* HTTP_UNICODE_STRING of an ASCII name, NUL included. */
static void
put_unicode(struct rdd_buf *b, const char *s, size_t n)
{
	rdd_buf_u16le(b, (uint16_t)((n + 1) * 2));
	for (size_t i = 0; i < n; i++)
		rdd_buf_u16le(b, (uint8_t)s[i]);
	rdd_buf_u16le(b, 0);
}

int
rdd_tsgu_build_handshake(struct rdd_buf *b, uint16_t ext_auth)
{
	size_t start = begin(b, RDD_TSGU_HANDSHAKE_REQUEST);

	rdd_buf_u8(b, 1); /* verMajor */
	rdd_buf_u8(b, 0); /* verMinor */
	rdd_buf_u16le(b, 0);
	rdd_buf_u16le(b, ext_auth);
	return finish(b, start);
}

int
rdd_tsgu_build_tunnel_create(struct rdd_buf *b, uint32_t caps,
                             const uint8_t *cookie, size_t cookie_len)
{
	size_t start;

	if ((cookie == NULL) != (cookie_len == 0) || cookie_len > 0xffff)
		return -1;
	start = begin(b, RDD_TSGU_TUNNEL_CREATE);
	rdd_buf_u32le(b, caps);
	rdd_buf_u16le(b, cookie != NULL ? RDD_TSGU_TUNNEL_PAA_COOKIE : 0);
	rdd_buf_u16le(b, 0);
	if (cookie != NULL) {
		rdd_buf_u16le(b, (uint16_t)cookie_len);
		rdd_buf_bytes(b, cookie, cookie_len);
	}
	return finish(b, start);
}

int
rdd_tsgu_build_tunnel_auth(struct rdd_buf *b, const char *name)
{
	size_t n, start;

	if (!name_ok(name, &n))
		return -1;
	start = begin(b, RDD_TSGU_TUNNEL_AUTH);
	rdd_buf_u16le(b, 0); /* fieldsPresent: no statement of health */
	put_unicode(b, name, n);
	return finish(b, start);
}

int
rdd_tsgu_build_channel_create(struct rdd_buf *b, const char *const *names,
                              size_t n, uint16_t port)
{
	size_t len[MAX_RESOURCES], start;

	if (names == NULL || n == 0 || n > MAX_RESOURCES)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!name_ok(names[i], &len[i]))
			return -1;
	start = begin(b, RDD_TSGU_CHANNEL_CREATE);
	rdd_buf_u8(b, (uint8_t)n); /* numResources */
	rdd_buf_u8(b, 0);          /* numAltResources */
	rdd_buf_u16le(b, port);
	rdd_buf_u16le(b, 3); /* protocol: RDP */
	for (size_t i = 0; i < n; i++)
		put_unicode(b, names[i], len[i]);
	return finish(b, start);
}

int
rdd_tsgu_build_data(struct rdd_buf *b, const uint8_t *data, size_t n)
{
	size_t start;

	if (data == NULL || n == 0 || n > RDD_TSGU_MAX_DATA)
		return -1;
	start = begin(b, RDD_TSGU_DATA);
	rdd_buf_u16le(b, (uint16_t)n);
	rdd_buf_bytes(b, data, n);
	return finish(b, start);
}

int
rdd_tsgu_build_keepalive(struct rdd_buf *b)
{
	return finish(b, begin(b, RDD_TSGU_KEEPALIVE));
}

int
rdd_tsgu_build_close(struct rdd_buf *b, bool response, uint32_t status)
{
	size_t start = begin(b, response ? RDD_TSGU_CLOSE_CHANNEL_RESPONSE
	                                 : RDD_TSGU_CLOSE_CHANNEL);

	rdd_buf_u32le(b, status);
	return finish(b, start);
}

int
rdd_tsgu_parse_handshake_rsp(struct rdd_cur body,
                             struct rdd_tsgu_handshake_rsp *r)
{
	memset(r, 0, sizeof(*r));
	if (rdd_cur_u32le(&body, &r->error) != 0 ||
	    rdd_cur_u8(&body, &r->ver_major) != 0 ||
	    rdd_cur_u8(&body, &r->ver_minor) != 0 ||
	    rdd_cur_u16le(&body, &r->server_version) != 0 ||
	    rdd_cur_u16le(&body, &r->ext_auth) != 0)
		return -1;
	return 0;
}

/* HTTP_UNICODE_STRING / HTTP_byte_BLOB: cbLen u16 and the bytes. */
static int
blob(struct rdd_cur *c, struct rdd_cur *out)
{
	struct rdd_cur t = *c;
	uint16_t n;

	if (rdd_cur_u16le(&t, &n) != 0 || rdd_cur_sub(&t, n, out) != 0)
		return -1;
	*c = t;
	return 0;
}

/* The optional fields of a response: present when their bit is set in
 * fieldsPresent, in the order of the bits; a set bit with too few bytes
 * left is RDD_TSGU_BAD_OPTIONAL. */
static int
opt_u32(struct rdd_cur *c, uint16_t fields, uint16_t bit, uint32_t *v,
        bool *has)
{
	if ((fields & bit) == 0)
		return 0;
	if (rdd_cur_u32le(c, v) != 0)
		return RDD_TSGU_BAD_OPTIONAL;
	*has = true;
	return 0;
}

static int
opt_u16(struct rdd_cur *c, uint16_t fields, uint16_t bit, uint16_t *v,
        bool *has)
{
	if ((fields & bit) == 0)
		return 0;
	if (rdd_cur_u16le(c, v) != 0)
		return RDD_TSGU_BAD_OPTIONAL;
	*has = true;
	return 0;
}

static int
opt_blob(struct rdd_cur *c, uint16_t fields, uint16_t bit, struct rdd_cur *v,
         bool *has)
{
	if ((fields & bit) == 0)
		return 0;
	if (blob(c, v) != 0)
		return RDD_TSGU_BAD_OPTIONAL;
	*has = true;
	return 0;
}

/* errorCode, fieldsPresent and reserved: the head of the tunnel
 * authorization and channel responses. */
static int
error_head(struct rdd_cur *c, uint32_t *error, uint16_t *fields)
{
	uint16_t reserved;

	if (rdd_cur_u32le(c, error) != 0 || rdd_cur_u16le(c, fields) != 0 ||
	    rdd_cur_u16le(c, &reserved) != 0)
		return -1;
	return 0;
}

int
rdd_tsgu_parse_tunnel_rsp(struct rdd_cur body, struct rdd_tsgu_tunnel_rsp *r)
{
	uint16_t reserved;
	int e;

	memset(r, 0, sizeof(*r));
	if (rdd_cur_u16le(&body, &r->server_version) != 0 ||
	    rdd_cur_u32le(&body, &r->status) != 0 ||
	    rdd_cur_u16le(&body, &r->fields) != 0 ||
	    rdd_cur_u16le(&body, &reserved) != 0)
		return -1;
	if ((e = opt_u32(&body, r->fields, RDD_TSGU_TUNNEL_RSP_TUNNEL_ID,
	                 &r->tunnel_id, &r->has_tunnel_id)) != 0 ||
	    (e = opt_u32(&body, r->fields, RDD_TSGU_TUNNEL_RSP_CAPS, &r->caps,
	                 &r->has_caps)) != 0)
		return e;
	if ((r->fields & RDD_TSGU_TUNNEL_RSP_SOH_REQ) != 0) {
		if (rdd_cur_copy(&body, r->nonce, sizeof(r->nonce)) != 0 ||
		    blob(&body, &r->server_cert) != 0)
			return RDD_TSGU_BAD_OPTIONAL;
		r->has_soh_req = true;
	}
	return opt_blob(&body, r->fields, RDD_TSGU_TUNNEL_RSP_CONSENT_MSG,
	                &r->consent, &r->has_consent);
}

int
rdd_tsgu_parse_tunnel_auth_rsp(struct rdd_cur body,
                               struct rdd_tsgu_tunnel_auth_rsp *r)
{
	int e;

	memset(r, 0, sizeof(*r));
	if (error_head(&body, &r->error, &r->fields) != 0)
		return -1;
	if ((e = opt_u32(&body, r->fields, RDD_TSGU_AUTH_RSP_REDIR_FLAGS,
	                 &r->redir_flags, &r->has_redir)) != 0 ||
	    (e = opt_u32(&body, r->fields, RDD_TSGU_AUTH_RSP_IDLE_TIMEOUT,
	                 &r->idle_timeout, &r->has_idle)) != 0)
		return e;
	return opt_blob(&body, r->fields, RDD_TSGU_AUTH_RSP_SOH_RESPONSE,
	                &r->soh, &r->has_soh);
}

int
rdd_tsgu_parse_channel_rsp(struct rdd_cur body, struct rdd_tsgu_channel_rsp *r)
{
	int e;

	memset(r, 0, sizeof(*r));
	if (error_head(&body, &r->error, &r->fields) != 0)
		return -1;
	if ((e = opt_u32(&body, r->fields, RDD_TSGU_CHANNEL_RSP_CHANNELID,
	                 &r->channel_id, &r->has_channel_id)) != 0 ||
	    (e = opt_u16(&body, r->fields, RDD_TSGU_CHANNEL_RSP_UDPPORT,
	                 &r->udp_port, &r->has_udp_port)) != 0)
		return e;
	return opt_blob(&body, r->fields, RDD_TSGU_CHANNEL_RSP_AUTHNCOOKIE,
	                &r->cookie, &r->has_cookie);
}

int
rdd_tsgu_parse_data(struct rdd_cur body, struct rdd_cur *data)
{
	return blob(&body, data);
}

int
rdd_tsgu_parse_close(struct rdd_cur body, uint32_t *status)
{
	return rdd_cur_u32le(&body, status);
}

int
rdd_tsgu_parse_service_message(struct rdd_cur body, struct rdd_cur *msg)
{
	return blob(&body, msg);
}

int
rdd_tsgu_parse_reauth(struct rdd_cur body, uint64_t *context)
{
	return rdd_cur_u64le(&body, context);
}

int
rdd_tsgu_parse_extended_auth(struct rdd_cur body, uint32_t *error,
                             struct rdd_cur *blob_out)
{
	if (rdd_cur_u32le(&body, error) != 0)
		return -1;
	return blob(&body, blob_out);
}
