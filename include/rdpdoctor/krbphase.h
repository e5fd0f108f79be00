/*
 * krbphase.h - the Kerberos phase without credentials ("kerberos"): which
 * realm a check asks about and where that came from, the clock skew from a
 * KRB-ERROR's stime, and the phase result from obs->krb. Sans-I/O helpers
 * for lib/net/krb_run.c (which does the DNS and the sockets).
 * shared/reference/kerberos.md 3.1, 3.6.
 */
#ifndef RDPDOCTOR_KRBPHASE_H
#define RDPDOCTOR_KRBPHASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"

/* Where the realm may come from, the first that gives one wins. */
struct rdd_krb_realm_inputs {
	const char *option;        /* --realm; NULL: none */
	const char *user;          /* --user's user part ("u" or "u@REALM") */
	const char *user_domain;   /* --user's DOMAIN of DOMAIN\u */
	const char *ntlm_domain;   /* MsvAvDnsDomainName; NULL: none */
	const char *ntlm_computer; /* MsvAvDnsComputerName */
	const char *host;          /* the target as typed */
	bool host_is_address;
	bool allow_dns_suffix; /* a KDC is known (--kdc): the suffix will do */
};

/*
 * Choose the realm (upper-cased into OUT, CAP bytes). A user's DOMAIN or
 * the NTLM domain counts only when it is a DNS name (has a dot): a
 * NetBIOS name is no realm, and a server outside a domain reports its own
 * computer name there (reference 3.1). Returns the source, or
 * RDD_KRB_REALM_NONE with OUT empty.
 */
enum rdd_krb_realm_source
rdd_krb_choose_realm(const struct rdd_krb_realm_inputs *in, char *out,
                     size_t cap);

/*
 * The KDC's clock against ours: STIME + SUSEC (the KRB-ERROR) minus the
 * middle of SEND_US..RECV_US (our wall clock, microseconds since the
 * epoch), rounded to whole seconds (MIT's susec lags by up to a second
 * within a burst; reference 3.6).
 */
int64_t rdd_krb_skew_s(int64_t stime, uint32_t susec, int64_t send_us,
                       int64_t recv_us);

/* The first KDC that answered, or NULL. */
const struct rdd_krb_kdc *rdd_krb_first_answer(const struct rdd_krb_info *k);

/* obs->phases[RDD_PHASE_KERBEROS] from obs->krb (when it ran). */
void rdd_krb_conclude(struct rdd_observation *obs);

#endif
