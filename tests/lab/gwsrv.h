/*
 * gwsrv.h - the lab's RD Gateway (internal to tests/lab; see gwsrv.c for
 * what it does and its options). gwsrv.c: options, listener, TLS, one
 * thread per connection, buffered TLS I/O. gwsrv_http.c: the HTTP requests
 * ([MS-TSGU] 2.2.3, 3.3.5.1), NTLM over HTTP, the WebSocket and legacy
 * transports. gwsrv_tsgu.c: the MS-TSGU packets (server side) and the
 * relay to the target.
 */
#ifndef GWSRV_H
#define GWSRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "injector_nla.h"
#include "wire/cursor.h"

#define GW_BUF (256 * 1024) /* bytes read from a connection, not yet used */
#define GW_IO_MS 30000      /* one read or write on a connection */
#define GW_PAIR_MS 30000    /* legacy: OUT waits this long for its IN */
#define GW_IDLE_MS 300000   /* a tunnel with no traffic at all */
#define GW_MAX_REQUESTS 16  /* HTTP requests on one connection */
#define GW_MAX_THREADS 64   /* connections at once */

enum gw_fault {
	GW_F_NONE,
	GW_F_CERT, /* cert-*: the lab chose the certificate; gwsrv is healthy */
	GW_F_401_FOREVER,
	GW_F_401_AFTER_AUTH,
	GW_F_NEGOTIATE_ONLY,
	GW_F_HTTP_STATUS, /* http-NNN */
	GW_F_CLOSE_AFTER_HEADERS,
	GW_F_STALL_BEFORE_STATUS,
	GW_F_BAD_WS_ACCEPT,
	GW_F_HANDSHAKE_ERROR,
	GW_F_TUNNEL_ERROR,
	GW_F_MAX_CONNECTIONS,
	GW_F_TUNNEL_AUTH_DENIED,
	GW_F_CHANNEL_RAP_DENIED,
	GW_F_CLOSE_CHANNEL,
	GW_F_STALL_RELAY,
	GW_F_RPC_ONLY,        /* 404 on RDG_*, 401 on RPC_* /rpc/rpcproxy.dll */
	GW_F_CONSENT,         /* TUNNEL_RESPONSE with a consent message */
	GW_F_SERVICE_MESSAGE, /* SERVICE_MESSAGE after N bytes, relay on */
	GW_F_REAUTH,          /* REAUTH_MESSAGE after N bytes, relay on */
	GW_F_ABORT_RELAY,     /* TCP RST to the client after N bytes */
	GW_F_NO_AFFINITY,     /* legacy: the IN never finds its OUT */
	GW_F_NEGOTIATE_NO_NTLM, /* Negotiate only, NTLM inside it refused */
};

/* What the 401 offers and which scheme may carry NTLM (--auth). */
enum gw_auth { GW_A_BOTH, GW_A_NEGOTIATE };

enum gw_transport { GW_T_BOTH, GW_T_WS, GW_T_HTTP };

struct gw_opts {
	const char *listen;
	const char *cert, *key;
	const char *hosts; /* name -> address file (hosts(5) syntax) */
	const char *pid_file;
	enum gw_fault fault;
	const char *fault_name;
	int http_status; /* GW_F_HTTP_STATUS */
	bool have_code;
	uint32_t code;
	uint32_t connect_failed_code;
	enum gw_transport transport;
	bool no_auth;
	enum gw_auth auth;
	int delay_ms;
	int keepalive_s;
	long after_bytes;
	int stall_max_s;
	int duration_s;
	int max_conns;
	int connect_ms;
	char rap[512];       /* comma-separated names, "" = any */
	const char *message; /* consent and service messages (ASCII) */
	struct inj_account acct;
};

extern struct gw_opts gw_opt;

/* One TLS connection from a client, with what was read and not yet used. */
struct gw_conn {
	int id;
	int fd;
	SSL *ssl;
	uint8_t *buf; /* GW_BUF */
	size_t len;
	bool eof;
	bool aborted; /* abort-relay: no close_notify, no FIN: RST at close */
	/* Negotiate: the last WWW-Authenticate header (with its CRLF) that
	 * the 101 or 200 ending the sign-in carries, then cleared. */
	char auth_final[160];
};

/* Read at most once more into C->buf, waiting up to MS (0: do not wait
 * when nothing is pending). >0 bytes added, 0 EOF, -1 error, -2 timeout
 * (nothing to read). */
int gw_read_more(struct gw_conn *c, int ms);
/* Drop the first N bytes of C->buf. */
void gw_consume(struct gw_conn *c, size_t n);
/* Write all N bytes. 0 or -1. */
int gw_write(struct gw_conn *c, const void *p, size_t n);
/* close_notify (best effort). */
void gw_shutdown(struct gw_conn *c);
/* Sleep --delay-ms (the per-step delay). */
void gw_step_delay(void);
/* Hold C open without a word until the client leaves or --stall-max. */
void gw_stall(struct gw_conn *c, const char *why);
int64_t gw_now_ms(void);

/* gwsrv_http.c: serve one accepted, TLS-established connection. */
void gw_http_serve(struct gw_conn *c);

/* gwsrv_tsgu.c: the tunnel over an established transport. WS: OUT == IN,
 * WebSocket frames; legacy: packets out as the OUT response's body, in as
 * the IN request's chunks. */
void gw_tunnel_run(struct gw_conn *out, struct gw_conn *in, bool ws);

/* Resolve NAME through --hosts (or a dotted IPv4 address): 0 and ADDR
 * (network order), or -1. */
int gw_resolve(const char *name, uint32_t *addr);

/* Self-test of the client-packet parsers (every truncation). Failures. */
int gw_tsgu_self_test(void);
int gw_http_self_test(void);

#endif
