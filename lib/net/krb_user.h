/*
 * krb_user.h - the Kerberos phase with a password (krb_user.c): the AS
 * exchange with pre-authentication and the TGS request for
 * TERMSRV/<host>, through MIT krb5's step API on rdpdoctor's own blocking
 * transport. Run on libuv's thread pool by krb_run.c after the
 * credential-free AS-REQ found a KDC that answers.
 */
#ifndef RDD_NET_KRB_USER_H
#define RDD_NET_KRB_USER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "rdpdoctor/observation.h"
#include "rdpdoctor/probe.h"

struct rdd__krb_user_params {
	const char *realm;           /* upper case, as the phase chose it */
	const char *cname;           /* the user's name, no @ or DOMAIN\ */
	const char *password;        /* the caller's buffer; never copied here
	                         but into MIT's (which wipes it) */
	const char *host;            /* the target as typed: TERMSRV/<host> */
	struct sockaddr_storage kdc; /* the KDC that answered, port set */
	bool tcp;                    /* it answered over TCP (else UDP only) */
	double timeout_ms;           /* for the whole exchange */
	rdd_trace_cb trace;          /* may be NULL; called from this thread */
	void *trace_ctx;
	/* Not NULL: when the service ticket came, its MEMORY cache is kept
	 * (not destroyed) and named here ("MEMORY:..."), for CredSSP over
	 * Kerberos; the caller destroys it (rdd__krb_ccache_destroy). */
	char *ccache_out;
	size_t ccache_cap;
};

/*
 * Walk AS then TGS, filling OUT. Blocking: call it on a worker thread.
 * MIT's context is built on a private configuration file (the realm and
 * this KDC only; never /etc/krb5.conf or $KRB5_CONFIG), with the secure
 * flag (KRB5_TRACE and KRB5CCNAME are ignored) and a MEMORY cache.
 */
void rdd__krb_user_run(const struct rdd__krb_user_params *p,
                       struct rdd_krb_user *out);

/* Destroy the MEMORY cache NAME that rdd__krb_user_run kept. Safe on
 * an empty NAME. */
void rdd__krb_ccache_destroy(const char *name);

/* A realm that may go into the private configuration: 1 to 255 of
 * A-Z a-z 0-9 . - _ (a realm from a server's NTLM CHALLENGE is
 * untrusted). */
bool rdd__krb_realm_ok(const char *realm);

#endif
