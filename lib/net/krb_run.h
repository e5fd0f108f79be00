/*
 * krb_run.h - the Kerberos phase's I/O (krb_run.c), started by the check
 * (check_run.c) on its loop.
 */
#ifndef RDD_NET_KRB_RUN_H
#define RDD_NET_KRB_RUN_H

#include <stdint.h>

#include <uv.h>

#include "rdpdoctor/observation.h"
#include "rdpdoctor/probe.h"

struct rdd__krb_params {
	const char *realm;
	enum rdd_krb_realm_source realm_source;
	const char *cname; /* the client name of the AS-REQ */
	const char *kdc;   /* --kdc HOST[:PORT]; NULL: DNS SRV */
	double timeout_ms; /* per phase: the DNS, then the KDCs */
	/* --user's password (NULL: none) and the target as typed: after a
	 * KDC answered, the AS exchange and TERMSRV/<host> (krb_user.h),
	 * bounded by another TIMEOUT_MS. */
	const char *password;
	const char *host;
	uint64_t t0_us; /* the check's start (uv_hrtime / 1000) */
	/* Not NULL: where the MEMORY cache holding the ticket for
	 * TERMSRV/<host> is named when one came (krb_user.h), by the time
	 * DONE is called; the caller destroys it. */
	char *ccache_out;
	size_t ccache_cap;
	rdd_trace_cb trace;
	void *trace_ctx;
};

/*
 * Look the KDCs up and send each one AS-REQ over UDP and TCP at once,
 * filling OUT. DONE(CTX) is called from the loop once every handle and
 * request is closed (never from inside this call). Returns 0, or -1 when
 * nothing could be started (OUT then says why; DONE is not called).
 */
int rdd__krb_start(uv_loop_t *loop, const struct rdd__krb_params *p,
                   struct rdd_krb_info *out, void (*done)(void *ctx),
                   void *ctx);

#endif
