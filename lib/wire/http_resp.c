/*
 * http_resp.c - the RD Gateway's HTTP answers and the client's requests
 * (http_resp.h).
 */
#include "http_resp.h"

#include <string.h>

#include <openssl/evp.h>

#define MAX_CHUNK_LINE 1024 /* a chunk-size line with its extensions */
#define MAX_TRAILERS 64
#define MAX_VALUE 255 /* a request header value we write */
#define MAX_AUTH_TOKEN 8192

static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
rdd_http_resp_init(struct rdd_http_resp *r)
{
	memset(r, 0, sizeof(*r));
}

struct rdd_cur
rdd_http_resp_span(const struct rdd_http_resp *r, struct rdd_http_span s)
{
	struct rdd_cur c;

	if (s.off > r->head_len || s.len > r->head_len - s.off)
		rdd_cur_init(&c, r->head, 0);
	else
		rdd_cur_init(&c, r->head + s.off, s.len);
	return c;
}

static bool
is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool
ieq(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(p[i]) != lower((uint8_t)s[i]))
			return false;
	return true;
}

static void
trim(const uint8_t **p, size_t *n)
{
	while (*n > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

static struct rdd_http_span
span_of(const struct rdd_http_resp *r, const uint8_t *p, size_t n)
{
	struct rdd_http_span s;

	s.off = (uint16_t)(p - r->head);
	s.len = (uint16_t)n;
	return s;
}

/*
 * Call FN on each element of a comma-separated list (RFC 9110 5.6.1),
 * commas inside quoted strings not splitting. Elements are trimmed; empty
 * ones skipped. Returns -1 on an unterminated quoted string or if FN
 * fails.
 */
typedef int (*elem_fn)(struct rdd_http_resp *r, const uint8_t *p, size_t n);

static int
each_elem(struct rdd_http_resp *r, const uint8_t *v, size_t n, elem_fn fn)
{
	size_t start = 0;
	bool q = false;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && q) {
			if (v[i] == '\\' && i + 1 < n)
				i++;
			else if (v[i] == '"')
				q = false;
			continue;
		}
		if (i < n && v[i] == '"') {
			q = true;
			continue;
		}
		if (i == n || v[i] == ',') {
			const uint8_t *e = v + start;
			size_t en = i - start;

			trim(&e, &en);
			if (en > 0 && fn(r, e, en) != 0)
				return -1;
			start = i + 1;
		}
	}
	return q ? -1 : 0;
}

/* token68 (RFC 9110 11.2): 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" /
 * "+" / "/" ) *"=". */
static bool
is_token68(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n &&
	       ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
	        (p[i] >= '0' && p[i] <= '9') ||
	        strchr("-._~+/", p[i]) != NULL) &&
	       p[i] != 0)
		i++;
	if (i == 0)
		return false;
	while (i < n && p[i] == '=')
		i++;
	return i == n;
}

static int
auth_elem(struct rdd_http_resp *r, const uint8_t *p, size_t n)
{
	size_t t = 0, rest;
	const uint8_t *rp;

	while (t < n && is_tchar(p[t]))
		t++;
	if (t == 0)
		return -1;
	rp = p + t;
	rest = n - t;
	trim(&rp, &rest);
	/* "name=value" or "name = value": an auth-param of the challenge
	 * before (a token68 never starts with '='). */
	if (rest > 0 && rp[0] == '=')
		return 0;
	if (t < n && p[t] != ' ' && p[t] != '\t')
		return -1;
	if (ieq(p, t, "NTLM")) {
		r->schemes |= RDD_HTTP_AUTH_NTLM;
		if (rest > 0 && r->ntlm_token.len == 0) {
			if (is_token68(rp, rest))
				r->ntlm_token = span_of(r, rp, rest);
		}
	} else if (ieq(p, t, "Negotiate")) {
		r->schemes |= RDD_HTTP_AUTH_NEGOTIATE;
		if (rest > 0 && r->negotiate_token.len == 0) {
			if (is_token68(rp, rest))
				r->negotiate_token = span_of(r, rp, rest);
		}
	} else if (ieq(p, t, "Basic")) {
		r->schemes |= RDD_HTTP_AUTH_BASIC;
	} else {
		r->schemes |= RDD_HTTP_AUTH_OTHER;
	}
	return 0;
}

static int
conn_elem(struct rdd_http_resp *r, const uint8_t *p, size_t n)
{
	if (ieq(p, n, "upgrade"))
		r->conn_upgrade = true;
	else if (ieq(p, n, "close"))
		r->conn_close = true;
	return 0;
}

static int
upgrade_elem(struct rdd_http_resp *r, const uint8_t *p, size_t n)
{
	if (ieq(p, n, "websocket"))
		r->upgrade_ws = true;
	return 0;
}

static int
te_elem(struct rdd_http_resp *r, const uint8_t *p, size_t n)
{
	/* Only chunked, once: other codings are not something a gateway
	 * sends, and a body we cannot delimit is an error. */
	if (!ieq(p, n, "chunked") || r->chunked)
		return -1;
	r->chunked = true;
	return 0;
}

static int
content_length(struct rdd_http_resp *r, const uint8_t *v, size_t n)
{
	uint64_t x = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
		if (x > RDD_HTTP_MAX_LENGTH)
			return -1;
	}
	if (r->has_length && r->length != x)
		return -1;
	r->has_length = true;
	r->length = x;
	return 0;
}

static int
header(struct rdd_http_resp *r, const uint8_t *p, size_t n)
{
	size_t c = 0;
	const uint8_t *v;
	size_t vn;

	while (c < n && is_tchar(p[c]))
		c++;
	if (c == 0 || c == n || p[c] != ':')
		return -1;
	v = p + c + 1;
	vn = n - c - 1;
	for (size_t i = 0; i < vn; i++)
		if ((v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f)
			return -1;
	trim(&v, &vn);
	if (ieq(p, c, "WWW-Authenticate")) {
		/* A challenge we cannot read does not hide the status: it is
		 * noted, and the schemes read before it are kept. */
		if (each_elem(r, v, vn, auth_elem) != 0)
			r->auth_malformed = true;
		return 0;
	}
	if (ieq(p, c, "Content-Length"))
		return content_length(r, v, vn);
	if (ieq(p, c, "Transfer-Encoding"))
		return each_elem(r, v, vn, te_elem);
	if (ieq(p, c, "Connection"))
		return each_elem(r, v, vn, conn_elem);
	if (ieq(p, c, "Upgrade"))
		return each_elem(r, v, vn, upgrade_elem);
	if (ieq(p, c, "Sec-WebSocket-Accept"))
		r->ws_accept = span_of(r, v, vn);
	else if (ieq(p, c, "Server"))
		r->server = span_of(r, v, vn);
	return 0;
}

static int
status_line(struct rdd_http_resp *r, const uint8_t *p, size_t n)
{
	static const char ver[] = "HTTP/1.";
	unsigned s = 0;

	if (n < 12 || memcmp(p, ver, 7) != 0 || p[7] < '0' || p[7] > '9' ||
	    p[8] != ' ')
		return -1;
	for (size_t i = 9; i < 12; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		s = s * 10 + (unsigned)(p[i] - '0');
	}
	if (s < 100 || s > 599)
		return -1;
	if (n > 12 && p[12] != ' ')
		return -1;
	for (size_t i = 13; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return -1;
	r->minor = (uint8_t)(p[7] - '0');
	r->status = (uint16_t)s;
	r->reason = n > 13 ? span_of(r, p + 13, n - 13) : span_of(r, p, 0);
	return 0;
}

static int
parse_head(struct rdd_http_resp *r)
{
	size_t i = 0, end = r->head_len - 2; /* the blank line's CR LF */
	bool first = true;

	while (i < end) {
		const uint8_t *line = r->head + i;
		size_t k = 0;

		while (i + k < end &&
		       !(r->head[i + k] == '\r' && r->head[i + k + 1] == '\n'))
			k++;
		if (i + k >= end)
			return -1;
		if (memchr(line, '\r', k) != NULL || memchr(line, '\n', k))
			return -1;
		if (first) {
			if (status_line(r, line, k) != 0)
				return -1;
			first = false;
		} else {
			/* obs-fold (a line starting with white space) is not
			 * accepted: RFC 9112 5.2 lets a client reject it. */
			if (k == 0 || line[0] == ' ' || line[0] == '\t')
				return -1;
			if (++r->n_headers > RDD_HTTP_MAX_HEADERS)
				return -1;
			if (header(r, line, k) != 0)
				return -1;
		}
		i += k + 2;
	}
	return first ? -1 : 0;
}

int
rdd_http_resp_feed(struct rdd_http_resp *r, const uint8_t *p, size_t n,
                   size_t *used)
{
	*used = 0;
	if (r->done)
		return 1;
	if (r->head_len > RDD_HTTP_MAX_HEAD)
		return -1; /* failed before */
	for (size_t i = 0; i < n; i++) {
		if (r->head_len == RDD_HTTP_MAX_HEAD) {
			r->head_len = RDD_HTTP_MAX_HEAD + 1;
			return -1;
		}
		r->head[r->head_len++] = p[i];
		*used = i + 1;
		if (r->head_len >= 4 &&
		    memcmp(r->head + r->head_len - 4, "\r\n\r\n", 4) == 0) {
			if (parse_head(r) != 0) {
				r->head_len = RDD_HTTP_MAX_HEAD + 1;
				return -1;
			}
			r->done = true;
			return 1;
		}
	}
	return 0;
}

enum rdd_http_framing
rdd_http_resp_framing(const struct rdd_http_resp *r)
{
	if (r->status < 200 || r->status == 204 || r->status == 304)
		return RDD_HTTP_BODY_NONE;
	if (r->chunked)
		return RDD_HTTP_BODY_CHUNKED;
	if (r->has_length)
		return r->length == 0 ? RDD_HTTP_BODY_NONE
		                      : RDD_HTTP_BODY_LENGTH;
	return RDD_HTTP_BODY_CLOSE;
}

int
rdd_b64_encode(char *dst, size_t cap, const uint8_t *src, size_t n)
{
	size_t need = (n + 2) / 3 * 4, o = 0;

	if (cap == 0)
		return -1;
	if (n > (SIZE_MAX / 4) * 3 - 3 || need >= cap || need > INT32_MAX) {
		dst[0] = '\0';
		return -1;
	}
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)src[i] << 16;
		size_t k = n - i;

		if (k > 1)
			v |= (uint32_t)src[i + 1] << 8;
		if (k > 2)
			v |= src[i + 2];
		dst[o++] = b64[v >> 18 & 63];
		dst[o++] = b64[v >> 12 & 63];
		dst[o++] = k > 1 ? b64[v >> 6 & 63] : '=';
		dst[o++] = k > 2 ? b64[v & 63] : '=';
	}
	dst[o] = '\0';
	return (int)o;
}

static int
b64_val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
rdd_b64_decode(uint8_t *dst, size_t cap, size_t *out, const uint8_t *src,
               size_t n)
{
	size_t o = 0;

	*out = 0;
	if (n % 4 != 0)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		size_t pad = 0;
		uint32_t x;

		for (int k = 0; k < 4; k++) {
			v[k] = b64_val(src[i + k]);
			if (v[k] < 0) {
				/* '=' only in the last group's last two. */
				if (src[i + k] != '=' || i + 4 != n || k < 2)
					return -1;
				pad++;
				v[k] = 0;
			} else if (pad > 0) {
				return -1;
			}
		}
		x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
		    (uint32_t)v[2] << 6 | (uint32_t)v[3];
		/* Canonical: the bits under the padding are zero. */
		if ((pad == 1 && (x & 0xff) != 0) ||
		    (pad == 2 && (x & 0xffff) != 0))
			return -1;
		if (3 - pad > cap - o)
			return -1;
		dst[o++] = (uint8_t)(x >> 16);
		if (pad < 2)
			dst[o++] = (uint8_t)(x >> 8);
		if (pad < 1)
			dst[o++] = (uint8_t)x;
	}
	*out = o;
	return 0;
}

int
rdd_ws_accept(const char *key, char out[29])
{
	char buf[64 + sizeof(ws_guid)];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	size_t n;

	out[0] = '\0';
	if (key == NULL)
		return -1;
	n = strnlen(key, 65);
	if (n == 0 || n > 64)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (key[i] < 0x21 || key[i] > 0x7e)
			return -1;
	memcpy(buf, key, n);
	memcpy(buf + n, ws_guid, sizeof(ws_guid) - 1);
	if (EVP_Digest(buf, n + sizeof(ws_guid) - 1, md, &mdlen, EVP_sha1(),
	               NULL) != 1 ||
	    mdlen != 20)
		return -1;
	return rdd_b64_encode(out, 29, md, 20) == 28 ? 0 : -1;
}

bool
rdd_http_resp_ws_ok(const struct rdd_http_resp *r, const char *key)
{
	char want[29];
	struct rdd_cur a;

	if (!r->done || r->status != 101 || !r->upgrade_ws ||
	    !r->conn_upgrade || rdd_ws_accept(key, want) != 0)
		return false;
	a = rdd_http_resp_span(r, r->ws_accept);
	return a.len == 28 && memcmp(a.p, want, 28) == 0;
}

/* Chunked body states. */
enum {
	CH_SIZE,
	CH_EXT,
	CH_SIZE_LF,
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER,
	CH_TRAILER_LF,
	CH_END_LF,
	CH_DONE
};

void
rdd_http_body_init(struct rdd_http_body *b, enum rdd_http_framing f,
                   uint64_t length)
{
	memset(b, 0, sizeof(*b));
	b->framing = f;
	if (f == RDD_HTTP_BODY_LENGTH)
		b->left = length;
	b->state = CH_SIZE;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One framing byte of a chunked body. */
static int
chunk_byte(struct rdd_http_body *b, uint8_t c)
{
	int h;

	switch (b->state) {
	case CH_SIZE:
		h = hexval(c);
		if (h >= 0) {
			b->left = b->left * 16 + (unsigned)h;
			if (++b->digits > 8 || b->left > RDD_HTTP_MAX_CHUNK)
				return -1;
			return 0;
		}
		if (b->digits == 0)
			return -1;
		if (c == '\r')
			b->state = CH_SIZE_LF;
		else if (c == ';' || c == ' ' || c == '\t')
			b->state = CH_EXT;
		else
			return -1;
		return 0;
	case CH_EXT:
		if (++b->line > MAX_CHUNK_LINE || c == '\n')
			return -1;
		if (c == '\r')
			b->state = CH_SIZE_LF;
		return 0;
	case CH_SIZE_LF:
		if (c != '\n')
			return -1;
		b->line = 0;
		b->digits = 0;
		b->state = b->left == 0 ? CH_TRAILER : CH_DATA;
		return 0;
	case CH_DATA_CR:
		if (c != '\r')
			return -1;
		b->state = CH_DATA_LF;
		return 0;
	case CH_DATA_LF:
		if (c != '\n')
			return -1;
		b->state = CH_SIZE;
		b->left = 0;
		b->digits = 0;
		b->line = 0;
		return 0;
	case CH_TRAILER:
		if (c == '\r') {
			b->state = b->line == 0 ? CH_END_LF : CH_TRAILER_LF;
			return 0;
		}
		if (c == '\n' || ++b->line > MAX_CHUNK_LINE)
			return -1;
		return 0;
	case CH_TRAILER_LF:
		if (c != '\n' || ++b->digits > MAX_TRAILERS)
			return -1;
		b->line = 0;
		b->state = CH_TRAILER;
		return 0;
	case CH_END_LF:
		if (c != '\n')
			return -1;
		b->state = CH_DONE;
		return 0;
	default:
		return -1;
	}
}

static int
chunked_next(struct rdd_http_body *b, struct rdd_cur *in, struct rdd_cur *data)
{
	while (b->state != CH_DONE) {
		uint8_t c;

		if (b->state == CH_DATA) {
			size_t k = rdd_cur_left(in);

			if (k == 0)
				return 0;
			if (k > b->left)
				k = (size_t)b->left;
			(void)rdd_cur_sub(in, k, data);
			b->left -= k;
			if (b->left == 0)
				b->state = CH_DATA_CR;
			return 0;
		}
		if (rdd_cur_u8(in, &c) != 0)
			return 0;
		if (chunk_byte(b, c) != 0)
			return -1;
	}
	return 1;
}

int
rdd_http_body_next(struct rdd_http_body *b, struct rdd_cur *in,
                   struct rdd_cur *data)
{
	size_t k;
	int r;

	rdd_cur_init(data, in->p, 0);
	if (b->failed)
		return -1;
	switch (b->framing) {
	case RDD_HTTP_BODY_NONE:
		return 1;
	case RDD_HTTP_BODY_LENGTH:
		k = rdd_cur_left(in);
		if (k > b->left)
			k = (size_t)b->left;
		(void)rdd_cur_sub(in, k, data);
		b->left -= k;
		return b->left == 0 ? 1 : 0;
	case RDD_HTTP_BODY_CHUNKED:
		r = chunked_next(b, in, data);
		if (r < 0)
			b->failed = true;
		return r;
	case RDD_HTTP_BODY_CLOSE:
		(void)rdd_cur_sub(in, rdd_cur_left(in), data);
		return 0;
	}
	return -1;
}

static bool
value_ok(const char *s)
{
	size_t n;

	if (s == NULL)
		return false;
	n = strnlen(s, MAX_VALUE + 1);
	if (n == 0 || n > MAX_VALUE)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

static void
put(struct rdd_buf *b, const char *s)
{
	rdd_buf_bytes(b, s, strlen(s));
}

static void
put_hdr(struct rdd_buf *b, const char *name, const char *value)
{
	put(b, name);
	put(b, ": ");
	put(b, value);
	put(b, "\r\n");
}

int
rdd_rdg_build_request(struct rdd_buf *b, const struct rdd_rdg_req *q)
{
	size_t start = b->len;

	if (!value_ok(q->host) || !value_ok(q->conn_id) ||
	    (q->corr_id != NULL && !value_ok(q->corr_id)) ||
	    (q->user_agent != NULL && !value_ok(q->user_agent)) ||
	    (q->ws_key != NULL && !value_ok(q->ws_key)) ||
	    (q->auth_scheme != NULL && !value_ok(q->auth_scheme)) ||
	    (q->auth_scheme == NULL && q->auth_len > 0) ||
	    (q->auth_len > 0 && q->auth_token == NULL) ||
	    q->auth_len > MAX_AUTH_TOKEN ||
	    (q->method != RDD_RDG_OUT_DATA && q->method != RDD_RDG_IN_DATA))
		return -1;
	put(b, q->method == RDD_RDG_OUT_DATA ? "RDG_OUT_DATA" : "RDG_IN_DATA");
	put(b, " /remoteDesktopGateway/ HTTP/1.1\r\n");
	put_hdr(b, "Host", q->host);
	put_hdr(b, "Accept", "*/*");
	put_hdr(b, "Cache-Control", "no-cache");
	put_hdr(b, "Pragma", "no-cache");
	put_hdr(b, "Connection", q->ws_key != NULL ? "Upgrade" : "Keep-Alive");
	if (q->ws_key != NULL) {
		put_hdr(b, "Upgrade", "websocket");
		put_hdr(b, "Sec-WebSocket-Version", "13");
		put_hdr(b, "Sec-WebSocket-Key", q->ws_key);
	}
	if (q->user_agent != NULL)
		put_hdr(b, "User-Agent", q->user_agent);
	put_hdr(b, "RDG-Connection-Id", q->conn_id);
	if (q->corr_id != NULL)
		put_hdr(b, "RDG-Correlation-Id", q->corr_id);
	if (q->auth_scheme != NULL) {
		put(b, "Authorization: ");
		put(b, q->auth_scheme);
		if (q->auth_len > 0) {
			int k;

			put(b, " ");
			if (b->err) {
				b->len = start;
				return -1;
			}
			k = rdd_b64_encode((char *)b->p + b->len,
			                   b->cap - b->len, q->auth_token,
			                   q->auth_len);
			if (k < 0) {
				b->err = true;
				b->len = start;
				return -1;
			}
			b->len += (size_t)k;
		}
		put(b, "\r\n");
	}
	if (q->chunked)
		put_hdr(b, "Transfer-Encoding", "chunked");
	else
		put_hdr(b, "Content-Length", "0");
	put(b, "\r\n");
	if (b->err) {
		b->len = start;
		return -1;
	}
	return 0;
}

int
rdd_http_build_chunk(struct rdd_buf *b, const uint8_t *data, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char size[17];
	int k = 16;

	if (n == 0 || n > RDD_HTTP_MAX_CHUNK || data == NULL)
		return -1;
	size[k] = '\0';
	for (size_t v = n; v > 0; v >>= 4)
		size[--k] = hex[v & 15];
	put(b, size + k);
	put(b, "\r\n");
	rdd_buf_bytes(b, data, n);
	put(b, "\r\n");
	return b->err ? -1 : 0;
}
