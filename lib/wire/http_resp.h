/*
 * http_resp.h - the RD Gateway's HTTP/1.1 answers, read incrementally, and
 * the client's RDG_OUT_DATA / RDG_IN_DATA requests ([MS-TSGU] 2.2.3,
 * 3.3.5.1; RFC 9112; RFC 6455 4.1-4.2 for the WebSocket upgrade).
 *
 * Sans-I/O: the caller feeds the bytes it read, as they come; a feed says
 * "need more", "done" or "error" and never waits, so a gateway that
 * trickles one byte at a time is bounded by the caller's own deadline. The
 * head (status line and headers) is kept in the struct, bounded in size
 * and in the number of header lines; the body is decoded as a stream
 * (Content-Length, chunked with bounded chunk sizes, or until the
 * connection closes, which is what the legacy OUT channel's 200 does).
 */
#ifndef RDD_WIRE_HTTP_RESP_H
#define RDD_WIRE_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_HTTP_MAX_HEAD 8192         /* status line + headers + blank line */
#define RDD_HTTP_MAX_HEADERS 64        /* header lines */
#define RDD_HTTP_MAX_CHUNK (1u << 20)  /* one chunk of a chunked body */
#define RDD_HTTP_MAX_LENGTH (1u << 30) /* a Content-Length */

/* WWW-Authenticate schemes offered (bits of rdd_http_resp.schemes). */
#define RDD_HTTP_AUTH_NTLM 0x01u
#define RDD_HTTP_AUTH_NEGOTIATE 0x02u
#define RDD_HTTP_AUTH_BASIC 0x04u
#define RDD_HTTP_AUTH_OTHER 0x08u /* Digest, PAA, SMARTCARD, SSPI_NTLM... */

/* A part of the kept head: offset and length into rdd_http_resp.head. */
struct rdd_http_span {
	uint16_t off;
	uint16_t len;
};

enum rdd_http_framing {
	RDD_HTTP_BODY_NONE,   /* 1xx, 204, 304, or Content-Length: 0 */
	RDD_HTTP_BODY_LENGTH, /* Content-Length bytes */
	RDD_HTTP_BODY_CHUNKED,
	RDD_HTTP_BODY_CLOSE /* no length: the body ends when the peer closes */
};

struct rdd_http_resp {
	/* Reader state. */
	uint8_t head[RDD_HTTP_MAX_HEAD];
	size_t head_len;
	bool done;

	/* The head, once done. */
	uint8_t minor;   /* HTTP/1.<minor> */
	uint16_t status; /* 100..599 */
	struct rdd_http_span reason;
	unsigned n_headers;
	unsigned schemes; /* RDD_HTTP_AUTH_* */
	/* The token after "NTLM " / "Negotiate " (base64), if one came. */
	struct rdd_http_span ntlm_token, negotiate_token;
	bool auth_malformed; /* a WWW-Authenticate value we could not read */
	bool has_length;
	uint64_t length;
	bool chunked;
	bool conn_close;                /* Connection: close */
	bool conn_upgrade;              /* Connection: ... upgrade ... */
	bool upgrade_ws;                /* Upgrade: websocket */
	struct rdd_http_span ws_accept; /* Sec-WebSocket-Accept */
	struct rdd_http_span server;    /* Server (for the report, escape it) */
};

void rdd_http_resp_init(struct rdd_http_resp *r);

/*
 * Feed N bytes read from the connection. Consumes bytes up to and
 * including the blank line that ends the head and sets *USED to the count;
 * what follows belongs to the body (or to the WebSocket). Returns 1 when
 * the head is complete and valid, 0 when more bytes are needed (all N
 * consumed), -1 when the head is malformed or larger than the bounds (the
 * reader then stays failed).
 */
int rdd_http_resp_feed(struct rdd_http_resp *r, const uint8_t *p, size_t n,
                       size_t *used);

/* A span of the head as a borrowed cursor. */
struct rdd_cur rdd_http_resp_span(const struct rdd_http_resp *r,
                                  struct rdd_http_span s);

/* How the body of a complete head is framed (RFC 9112 6.3). */
enum rdd_http_framing rdd_http_resp_framing(const struct rdd_http_resp *r);

/*
 * Sec-WebSocket-Accept for KEY: base64(SHA-1(KEY || 258EAFA5-E914-47DA-
 * 95CA-C5AB0DC85B11)) into OUT (29 bytes: 28 characters and a NUL). The
 * key is hashed as given (RFC 6455 4.2.2). Returns 0, or -1 if the key is
 * not 1..64 printable characters or hashing failed.
 */
int rdd_ws_accept(const char *key, char out[29]);

/*
 * The upgrade was accepted as RFC 6455 4.1 asks: status 101, Upgrade:
 * websocket, Connection carrying "upgrade", and a Sec-WebSocket-Accept that
 * matches KEY. Returns true or false.
 */
bool rdd_http_resp_ws_ok(const struct rdd_http_resp *r, const char *key);

/* The body decoder, fed after the head. */
struct rdd_http_body {
	enum rdd_http_framing framing;
	uint64_t left; /* LENGTH: bytes left; CHUNKED: of the current chunk */
	int state;     /* CHUNKED: where in the chunk syntax */
	unsigned line; /* bytes of the current size/trailer line */
	unsigned digits;
	bool failed;
};

/* LENGTH is the Content-Length (used with RDD_HTTP_BODY_LENGTH only). */
void rdd_http_body_init(struct rdd_http_body *b, enum rdd_http_framing f,
                        uint64_t length);

/*
 * Decode from IN: skips framing bytes and sets DATA to the next run of body
 * bytes (borrowed from IN, possibly empty). Returns 1 when the body is
 * complete (DATA may still hold its last bytes; IN is left at the first
 * byte after the body), 0 when the caller should use DATA and call again
 * (IN may be empty: read more), -1 on a framing error or a chunk larger
 * than RDD_HTTP_MAX_CHUNK. A BODY_CLOSE body never completes here: its end
 * is the connection's.
 */
int rdd_http_body_next(struct rdd_http_body *b, struct rdd_cur *in,
                       struct rdd_cur *data);

/* The client's requests. */
enum rdd_rdg_method { RDD_RDG_OUT_DATA, RDD_RDG_IN_DATA };

struct rdd_rdg_req {
	enum rdd_rdg_method method;
	const char *host;       /* Host header: the gateway name, no port */
	const char *conn_id;    /* RDG-Connection-Id, "{GUID}" */
	const char *corr_id;    /* RDG-Correlation-Id or NULL */
	const char *user_agent; /* or NULL for none */
	const char *ws_key;     /* Sec-WebSocket-Key, NULL: no upgrade */
	/* Authorization: <auth_scheme> <base64 of auth_token>, if a scheme
	 * is set ("NTLM", "Negotiate"); with no token, the scheme alone. */
	const char *auth_scheme;
	const uint8_t *auth_token;
	size_t auth_len;
	bool chunked; /* Transfer-Encoding: chunked (the IN data request) */
};

/*
 * Build the request head into B: "<method> /remoteDesktopGateway/
 * HTTP/1.1", Host, Accept (any type), Cache-Control and Pragma no-cache,
 * Connection (Upgrade with a WebSocket key, else Keep-Alive), the WebSocket
 * headers, User-Agent, RDG-Connection-Id, RDG-Correlation-Id,
 * Authorization, then Content-Length: 0 or Transfer-Encoding: chunked.
 * Header values must be 1..255 printable ASCII characters without spaces
 * (else -1). Returns 0, or -1 if it does not fit (B's length unchanged).
 */
int rdd_rdg_build_request(struct rdd_buf *b, const struct rdd_rdg_req *q);

/* One chunk of the IN channel's body: "<hex>\r\n<data>\r\n"; N > 0. */
int rdd_http_build_chunk(struct rdd_buf *b, const uint8_t *data, size_t n);

/* Base64 (RFC 4648, with padding). Encode N bytes and a NUL into DST;
 * returns the number of characters, or -1 if they do not fit. */
int rdd_b64_encode(char *dst, size_t cap, const uint8_t *src, size_t n);
/* Decode strictly (padding required, no whitespace); -1 on bad input or
 * if it does not fit. */
int rdd_b64_decode(uint8_t *dst, size_t cap, size_t *out, const uint8_t *src,
                   size_t n);

#endif
