/*
 * gateway_int.h - what the files of the gateway walk share (internal to
 * lib/probe): gateway.c (TLS, the machine's entry points),
 * gateway_http.c (the HTTP request, 401 sign-in with NTLM, the upgrade),
 * gateway_tsgu.c (WebSocket frames, MS-TSGU steps, the channel and the
 * inner probe), gateway_legacy.c (the legacy HTTP transport: the OUT
 * channel's body, the IN channel's connection, sign-in and chunks),
 * gateway_conclude.c (the phases).
 */
#ifndef RDD_PROBE_GATEWAY_INT_H
#define RDD_PROBE_GATEWAY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/tls.h"
#include "rdpdoctor/check.h"
#include "rdpdoctor/gateway.h"
#include "wire/crypto.h"
#include "wire/cursor.h"
#include "wire/http_resp.h"
#include "wire/ntlm.h"
#include "wire/ntlm_auth.h"
#include "wire/tsgu.h"
#include "wire/websocket.h"

enum gw_state {
	GW_IDLE, /* TCP not up yet */
	GW_TLS,
	GW_HTTP,      /* requests and answers until the 101 */
	GW_LEGACY_IN, /* legacy: OUT 200 came, the IN channel is set up */
	GW_WS,        /* MS-TSGU steps (over WebSocket, or legacy OUT/IN) */
	GW_DATA,      /* the channel is open: the inner probe runs */
	GW_DONE
};

/* What the last HTTP request was. */
enum gw_req {
	GW_REQ_FIRST,    /* RDG_OUT_DATA, NEGOTIATE or no Authorization */
	GW_REQ_AUTH,     /* RDG_OUT_DATA with the AUTHENTICATE */
	GW_REQ_RPC,      /* RPC_IN_DATA on /rpc after a 404 */
	GW_REQ_NEGO,     /* Negotiate: SPNEGO NegTokenInit with NEGOTIATE */
	GW_REQ_NEGO_AUTH /* Negotiate: NegTokenResp with AUTHENTICATE */
};

/* TLS bytes handed out at once by a pending(). */
#define GW_OUT_CAP 65536
/* The largest packet the walk sends (a DATA packet), and the largest
 * frame or chunk around it (WebSocket: 14 bytes of header and mask;
 * legacy: the chunk's hex size and CRLFs). */
#define GW_PKT_CAP (RDD_TSGU_HEADER + 2 + RDD_TSGU_MAX_DATA)
#define GW_FRAME_CAP (GW_PKT_CAP + 16)
/* Decrypted bytes not yet a whole WebSocket frame, and MS-TSGU bytes
 * not yet a whole packet. */
#define GW_WIN_CAP (RDD_TSGU_MAX_PACKET + 16)
#define GW_TIN_CAP (2 * RDD_TSGU_MAX_PACKET)

/*
 * The buffers below grow on demand (growbuf.h) and are freed with the
 * walk: a walk holds only what its stages used (a few KiB for most
 * gateways' answers), not the caps, which a scan of many gateways at
 * once would multiply.
 */
struct gw_bytes {
	uint8_t *p;
	size_t len, cap;
};

/* TLS output of one connection, handed out by pending() and sent(). */
struct gw_outq {
	uint8_t *p;
	size_t cap, len, off;
};

/* The legacy transport's IN channel (gateway_legacy.c). */
enum gw_in_state {
	GW_IN_NONE,
	GW_IN_WANT, /* the driver is asked for a second TCP connection */
	GW_IN_TLS,
	GW_IN_HTTP, /* RDG_IN_DATA and its sign-in, until the 200 */
	GW_IN_OPEN, /* the chunked RDG_IN_DATA is sent: packets as chunks */
	GW_IN_CLOSED
};

struct gw_legacy {
	bool on; /* the transport is legacy: packets as IN chunks, the
	            OUT 200's body read as the packet stream */
	/* The OUT channel's body (after the 200's head). */
	struct rdd_http_body out_body;
	unsigned seed_left;
	/* The IN channel. */
	enum gw_in_state in;
	struct rdd__tls *tls;
	struct gw_outq out;
	struct rdd_http_resp resp;
	enum gw_req req;
	bool skipping;
	struct rdd_http_body body;
	uint8_t cbt[16];
	bool have_cbt;
	/* Under Negotiate: its own NTLM keys for its mechListMICs. */
	struct rdd_ntlm_sec nego_sec;
	uint64_t in_t0;        /* its connect began */
	struct gw_bytes chunk; /* one packet as a chunk (GW_FRAME_CAP) */
};

struct rdd_gw {
	struct rdd_gateway_config cfg;
	struct rdd_gateway_info *info;
	struct rdd_probe *inner;
	struct rdd_attempt *attempt;
	enum gw_state state;
	uint64_t step_deadline;
	size_t rnd_used;

	struct rdd__tls *tls;
	struct gw_outq out;

	/* HTTP. */
	struct rdd_http_resp resp;
	enum gw_req req;
	bool skipping; /* reading the body of an answer we go past */
	struct rdd_http_body body;
	bool after_skip;  /* what to send once the body is read: */
	bool send_auth;   /*   the AUTHENTICATE request */
	bool send_rpc;    /*   the /rpc probe */
	char conn_id[40]; /* "{GUID}" */
	char ws_key[32];
	uint8_t negotiate[RDD_NTLM_NEGOTIATE_LEN];
	size_t negotiate_len;
	uint8_t cbt[16]; /* MsvAvChannelBindings */
	bool have_cbt;
	/* Negotiate (gateway_auth.c): the NTLM keys for the mechListMICs
	 * (the sign-in went under that scheme when req is GW_REQ_NEGO or
	 * GW_REQ_NEGO_AUTH). */
	struct rdd_ntlm_sec nego_sec;

	/* WebSocket and MS-TSGU. */
	struct gw_bytes win;   /* GW_WIN_CAP at most */
	struct gw_bytes tin;   /* GW_TIN_CAP at most */
	struct gw_bytes frame; /* one packet as a frame (GW_FRAME_CAP) */
	struct gw_bytes pkt;   /* one packet built (GW_PKT_CAP) */
	bool ws_fragmented;    /* a data frame without FIN came */
	struct gw_legacy lg;
	/* fuzz/fuzz_gateway.c only: what the walk writes is dropped, so
	 * that the layers above TLS run without a TLS peer. */
	bool sink;
};

/* gateway.c */
/* Append P (N) to B, which holds at most MAX bytes: 0; -1 over MAX
 * (nothing appended); -2 out of memory. */
int rdd__gw_bytes_add(struct gw_bytes *b, const uint8_t *p, size_t n,
                      size_t max);
/* Drop B's first USED bytes. */
void rdd__gw_bytes_drop(struct gw_bytes *b, size_t used);
/* B's storage for a whole outgoing unit of CAP bytes, allocated the
 * first time: NULL when out of memory. */
uint8_t *rdd__gw_bytes_room(struct gw_bytes *b, size_t cap);
void rdd__gw_bytes_free(struct gw_bytes *b);
/* B's storage (CAP bytes) as the builder OUT: false (the walk of G
 * failed) when out of memory. */
bool rdd__gw_build_in(struct rdd_gw *g, struct gw_bytes *b, size_t cap,
                      struct rdd_buf *out, uint64_t now);
/* TLS's output of a connection through Q (pending(), sent()). */
size_t rdd__gw_outq_pending(struct gw_outq *q, struct rdd__tls *tls,
                            const uint8_t **data);
void rdd__gw_outq_sent(struct gw_outq *q, size_t n);
void rdd__gw_outq_free(struct gw_outq *q);

/* One line of -v trace, labelled GW. */
void rdd__gw_tracef(struct rdd_gw *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

double rdd__gw_ms(const struct rdd_gw *g, uint64_t now_us);
/* N random bytes (the tests' fixed ones when configured). */
void rdd__gw_random(struct rdd_gw *g, uint8_t *out, size_t n);
/* End the walk with O at the current step (detail printf-style). */
void rdd__gw_fail(struct rdd_gw *g, enum rdd_gw_outcome o, uint64_t now,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void rdd__gw_step(struct rdd_gw *g, enum rdd_gw_step s, uint64_t now);
void rdd__gw_tls_failed(struct rdd_gw *g, uint64_t now);
/* Application bytes into TLS: 0, or -1 (the walk failed). */
int rdd__gw_write(struct rdd_gw *g, const uint8_t *p, size_t n, uint64_t now);
int rdd__gw_send_packet(struct rdd_gw *g, const uint8_t *pkt, size_t n,
                        uint64_t now);

/* gateway_http.c */
/* Into Q: what every RDG_OUT_DATA and RDG_IN_DATA request of G carries
 * (METHOD, the gateway's name, the connection id, the user agent), and
 * TOKEN, if not NULL, under REQ's scheme: Negotiate for GW_REQ_NEGO and
 * GW_REQ_NEGO_AUTH, else NTLM. */
void rdd__gw_req_init(const struct rdd_gw *g, struct rdd_rdg_req *q,
                      enum rdd_rdg_method method, enum gw_req req,
                      const uint8_t *token, size_t token_len);
/* Go past the body of R (the answer just read on a connection) before
 * the next request: *SKIPPING and BODY set to read it. false when it has
 * no length (it runs until the close). */
bool rdd__gw_skip_body(const struct rdd_http_resp *r, bool *skipping,
                       struct rdd_http_body *body);
/* Span S of R into DST (CAP), cut to fit, terminated. */
void rdd__gw_copy_span(const struct rdd_http_resp *r, struct rdd_http_span s,
                       char *dst, size_t cap);
void rdd__gw_http_begin(struct rdd_gw *g, uint64_t now);
void rdd__gw_http_recv(struct rdd_gw *g, const uint8_t *p, size_t n,
                       uint64_t now);
/* The connection closed while in HTTP: true when that was handled (the
 * /rpc probe's answer, a body that ends with the connection). */
bool rdd__gw_http_closed(struct rdd_gw *g, uint64_t now);
/*
 * The channel binding token of NTLM over HTTP (reference 5.2): MD5 of a
 * gss_channel_bindings_struct with no addresses and the application data
 * "tls-server-end-point:" + the certificate's hash (RFC 5929 4.1: the
 * signature's hash, SHA-256 for MD5 and SHA-1). 0, or -1.
 */
int rdd__gw_cbt(const uint8_t *der, size_t der_len, uint8_t out[16]);

/*
 * One connection's sign-in under Negotiate: the OUT connection's
 * (rdd__gw_auth_out, gateway_http.c) or the legacy IN channel's
 * (rdd__gw_auth_in, gateway_legacy.c); gateway_auth.c works on either.
 */
struct gw_auth_conn {
	struct rdd_http_resp *resp; /* its last answer */
	enum gw_req *req;           /* its last request */
	struct rdd_ntlm_sec *sec;   /* its NTLM keys */
	const uint8_t *cbt;         /* its channel binding, or NULL */
	/* Its request with TOKEN, under Negotiate when *req is GW_REQ_NEGO
	 * or GW_REQ_NEGO_AUTH, else NTLM. 0 or -1. */
	int (*send)(struct rdd_gw *g, const uint8_t *token, size_t len,
	            uint64_t now);
	bool *skipping;             /* reading a body it goes past */
	struct rdd_http_body *body; /* that body */
	bool in;                    /* the IN channel (the details say so) */
};
struct gw_auth_conn rdd__gw_auth_out(struct rdd_gw *g);
struct gw_auth_conn rdd__gw_auth_in(struct rdd_gw *g);

/* gateway_auth.c */
/* The sign-in's scheme, mechanism and why (gateway.auth in JSON). */
void rdd__gw_auth_note(struct rdd_gw *g, const char *scheme, const char *mech,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* C's 401: the next request of the sign-in (raw NTLM's AUTHENTICATE, or
 * NTLM inside Negotiate when the 401 offers Negotiate and not NTLM), and
 * true; or the finding (credentials refused, none given, Kerberos only,
 * a body that cannot be read past), and false. */
bool rdd__gw_auth_401(struct rdd_gw *g, const struct gw_auth_conn *c,
                      uint64_t now);
/* On connection C: NTLM's NEGOTIATE (again), inside a SPNEGO
 * NegTokenInit under Authorization: Negotiate (a 401 offering Negotiate
 * and not NTLM; the IN channel after an OUT sign-in under Negotiate). */
void rdd__gw_nego_begin(struct rdd_gw *g, const struct gw_auth_conn *c,
                        uint64_t now);
/* C's 401 with a Negotiate token to it: the CHALLENGE in its NegTokenResp
 * answered with the AUTHENTICATE and the mechListMIC, or the finding (a
 * reject or another mechanism: NTLM refused inside Negotiate). */
void rdd__gw_nego_challenge(struct rdd_gw *g, const struct gw_auth_conn *c,
                            uint64_t now);
/* C's 101 or 200 after the Negotiate AUTHENTICATE: its last token, and
 * the gateway's mechListMIC checked (gateway.auth.server_mic: the OUT
 * connection's; the IN channel's only when it does not verify). */
void rdd__gw_nego_final(struct rdd_gw *g, const struct gw_auth_conn *c,
                        uint64_t now);
/* Base64 B64 (B64_LEN bytes) into BUF (CAP), parsed as one whole
 * NegTokenResp into OUT (borrowing BUF). 0, or -1. */
struct rdd_spnego_resp;
int rdd__gw_nego_decode(const uint8_t *b64, size_t b64_len, uint8_t *buf,
                        size_t cap, struct rdd_spnego_resp *out);
void rdd__gw_auth_free(struct rdd_gw *g);

/*
 * The NTLM AUTHENTICATE answering CHAL (CHAL_LEN bytes) with the channel
 * binding CBT (or NULL) into OUT, the session's keys into SEC (freed
 * first, and again on failure). NEGO: the CHALLENGE came inside a
 * Negotiate token; WHERE names the connection in a failure ("" or " on
 * the IN channel"). 0, or -1 with the walk failed (recorded).
 */
struct rdd_ntlm_sec;
int rdd__gw_ntlm_build(struct rdd_gw *g, const uint8_t *chal, size_t chal_len,
                       const uint8_t *cbt, bool nego, const char *where,
                       struct rdd_buf *out, struct rdd_ntlm_sec *sec,
                       uint64_t now);

/*
 * The AUTHENTICATE answering the CHALLENGE TOK (base64, from a 401) to
 * NEGOTIATE, with the channel binding CBT (or NULL), into AUTH
 * (RDD_NTLM_AUTHENTICATE_MAX bytes). Its length, or 0 when the walk
 * failed (recorded).
 */
size_t rdd__gw_ntlm_answer(struct rdd_gw *g, struct rdd_cur tok,
                           const uint8_t *cbt, uint8_t *auth, uint64_t now);
/* "NTLM", "NTLM Negotiate", ... for a detail line. */
void rdd__gw_schemes_text(unsigned s, char *dst, size_t cap);

/* gateway_legacy.c */
/* The OUT request got 200: the legacy transport; REST/N follow the head. */
void rdd__gw_legacy_begin(struct rdd_gw *g, const uint8_t *rest, size_t n,
                          uint64_t now);
/* Decrypted bytes of the OUT channel (the 200's body). */
void rdd__gw_legacy_out_recv(struct rdd_gw *g, const uint8_t *p, size_t n,
                             uint64_t now);
/* One MS-TSGU packet as one chunk of the IN channel's body. */
int rdd__gw_legacy_send(struct rdd_gw *g, const uint8_t *pkt, size_t n,
                        uint64_t now);
void rdd__gw_legacy_free(struct rdd_gw *g);
/* Decrypted bytes of the IN channel (its HTTP answers). */
void rdd__gw_legacy_in_bytes(struct rdd_gw *g, const uint8_t *p, size_t n,
                             uint64_t now);
/* fuzz/fuzz_gateway.c only (with sink): the IN channel as if its TLS
 * handshake had just ended, no request sent. */
void rdd__gw_legacy_in_fake(struct rdd_gw *g);

/* gateway_tsgu.c */
/* MS-TSGU bytes (out of WebSocket frames or the OUT channel's body). */
void rdd__gw_tsgu_bytes(struct rdd_gw *g, const uint8_t *p, size_t n,
                        uint64_t now);
void rdd__gw_ws_begin(struct rdd_gw *g, const uint8_t *rest, size_t n,
                      uint64_t now);
void rdd__gw_ws_recv(struct rdd_gw *g, const uint8_t *p, size_t n,
                     uint64_t now);
/* The connection to the gateway ended while the inner probe ran. */
void rdd__gw_inner_closed(struct rdd_gw *g, bool reset, uint64_t now);
/* Send what the inner probe has, as DATA packets; end when it is done. */
void rdd__gw_pump_inner(struct rdd_gw *g, uint64_t now);

#endif
