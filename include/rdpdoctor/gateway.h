/*
 * gateway.h - the walk through an RD Gateway (sans-I/O), in the probe's
 * style (probe.h): TLS to the gateway (OpenSSL memory BIOs), the
 * RDG_OUT_DATA request with the WebSocket upgrade, the 401 sign-in with
 * NTLM (with the TLS channel binding), and, when the gateway answers 200
 * (the legacy HTTP transport), the second connection with RDG_IN_DATA
 * and its own sign-in; the MS-TSGU handshake, tunnel
 * create, tunnel authorize and channel create to HOST:PORT; then the
 * target's own walk (an inner rdd_probe, from X.224 on) through the
 * channel: its bytes go out as DATA packets in WebSocket frames in TLS
 * (legacy: in chunks of the IN channel's body), and the DATA received
 * (legacy: in the OUT channel's body) is fed to it.
 *
 * shared/reference/gateway.md: sub-phases (0), transports (1), packets
 * (2), codes (3), NTLM over HTTP (5.2), classification (9). The driver
 * connects TCP to the gateway, tells the machine it is up, feeds it the
 * bytes and the time and sends what it hands out. Every step is bounded
 * by the phase timeout from its start; in the data step the inner
 * probe's own deadlines rule.
 */
#ifndef RDPDOCTOR_GATEWAY_H
#define RDPDOCTOR_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"
#include "rdpdoctor/probe.h"

struct rdd_credentials; /* check.h */

struct rdd_gateway_config {
	const char *gateway_host; /* SNI, certificate name, Host, SPN */
	const char *target_host;  /* CHANNEL_CREATE's resource, as typed */
	uint16_t target_port;
	/* The gateway's credentials (NULL: none; a 401 then ends the walk
	 * with RDD_GW_AUTH_NO_CREDENTIALS). Read until the machine is
	 * freed; the password is only hashed. */
	const struct rdd_credentials *credentials;
	const char *client_name; /* TUNNEL_AUTH; NULL: "rdpdoctor" */
	void *trust_store;       /* X509_STORE * or NULL */
	int64_t verify_at;       /* Unix seconds: the check's start */
	uint64_t phase_timeout_us;
	uint64_t t0_us;
	rdd_trace_cb trace;
	void *trace_ctx;
	/* Tests: fixed randomness (WebSocket key and masks, the GUID, the
	 * NTLM client challenge and session key) instead of the system's. */
	const uint8_t *fixed_random; /* 64 bytes, or NULL */
};

struct rdd_gw;

/*
 * A machine that fills INFO (which must outlive it) and, once the
 * channel is open, drives INNER (taken over: freed with the machine;
 * started when the channel is up). ATTEMPT is the inner probe's record:
 * its TCP fields are set from the channel's answer. NULL when out of
 * memory (INNER is then freed).
 */
struct rdd_gw *rdd_gw_new(const struct rdd_gateway_config *cfg,
                          struct rdd_gateway_info *info,
                          struct rdd_probe *inner, struct rdd_attempt *attempt);

/* The TCP connection to the gateway is up: the ClientHello is queued. */
void rdd_gw_start(struct rdd_gw *g, uint64_t now_us);
void rdd_gw_recv(struct rdd_gw *g, const uint8_t *data, size_t len,
                 uint64_t now_us);
void rdd_gw_peer_closed(struct rdd_gw *g, bool reset, uint64_t now_us);
size_t rdd_gw_pending(struct rdd_gw *g, const uint8_t **data);
void rdd_gw_sent(struct rdd_gw *g, size_t n);
uint64_t rdd_gw_deadline(const struct rdd_gw *g);
void rdd_gw_tick(struct rdd_gw *g, uint64_t now_us);
bool rdd_gw_done(const struct rdd_gw *g);
void rdd_gw_free(struct rdd_gw *g);

/*
 * The legacy HTTP transport (reference 1.3) needs a second connection to
 * the gateway, the IN channel: once in_wanted() says so, the driver
 * connects TCP to the same address and reports it (in_connected, or
 * in_failed with the connect's outcome, libuv's error name and the
 * errno), then moves bytes both ways as for the first (in_recv,
 * in_pending, in_sent, in_peer_closed). The machine's deadline and
 * done() cover both connections: when it is done, the driver closes the
 * second as well.
 */
bool rdd_gw_in_wanted(const struct rdd_gw *g);
void rdd_gw_in_connected(struct rdd_gw *g, uint64_t now_us);
void rdd_gw_in_failed(struct rdd_gw *g, enum rdd_tcp_outcome o,
                      const char *errname, int err_no, const char *err,
                      uint64_t now_us);
void rdd_gw_in_recv(struct rdd_gw *g, const uint8_t *data, size_t len,
                    uint64_t now_us);
void rdd_gw_in_peer_closed(struct rdd_gw *g, bool reset, uint64_t now_us);
size_t rdd_gw_in_pending(struct rdd_gw *g, const uint8_t **data);
void rdd_gw_in_sent(struct rdd_gw *g, size_t n);

/* The inner probe (for the driver's client address). */
struct rdd_probe *rdd_gw_inner(struct rdd_gw *g);

/*
 * After the check: the gateway phases of OBS from obs->gateway, and the
 * target's resolve and tcp phases (the gateway's job: not present, or
 * tcp from the channel's answer). Pure function; no-op without a
 * gateway.
 */
void rdd_gw_conclude(struct rdd_observation *obs);

#endif
