/*
 * kerberos_logon.c - the rules of a CredSSP logon over Kerberos (check
 * --user, lib/probe/logon_krb.c): a KRB-ERROR the server sent inside
 * CredSSP in answer to the AP-REQ. Clocks too far apart (37, and a ticket
 * not yet valid or expired for the server's clock, 33 and 32) are
 * kerberos-clock-skew with the server's clock; a ticket the server cannot
 * decrypt (44 no key of that version, 31 integrity, 41 modified) is
 * kerberos-server-key-stale. shared/reference/kerberos.md 4.2, 5.2.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "diag/rules/rules.h"
#include "wire/krb.h"

#define KRB_AP_ERR_TKT_EXPIRED 32
#define KRB_AP_ERR_TKT_NYV 33
#define KRB_AP_ERR_BAD_INTEGRITY 31
#define KRB_AP_ERR_MODIFIED 41
#define KRB_AP_ERR_BADKEYVER 44

bool
rdd__krb_logon_named(int32_t code)
{
	switch (code) {
	case RDD_KRB_ERR_SKEW:
	case KRB_AP_ERR_TKT_NYV:
	case KRB_AP_ERR_TKT_EXPIRED:
	case KRB_AP_ERR_BADKEYVER:
	case KRB_AP_ERR_BAD_INTEGRITY:
	case KRB_AP_ERR_MODIFIED:
		return true;
	default:
		return false;
	}
}

void
rdd__rules_kerberos_logon(struct ctx *c)
{
	const struct rdd_logon_info *li = &c->obs->credssp.logon;
	const char *n;
	char ev[RDD_EVIDENCE] = "";
	struct draft *d;
	int64_t s, abs_s;

	if (li->mech != RDD_LOGON_MECH_KERBEROS || !li->has_krb_error)
		return;
	n = rdd_krb_error_name(li->krb_error);
	rdd__append(ev, sizeof(ev),
	            "the server answered the Kerberos AP-REQ for TERMSRV/%s "
	            "inside CredSSP with %s (%d)",
	            c->obs->host, n != NULL ? n : "KRB-ERROR",
	            (int)li->krb_error);
	switch (li->krb_error) {
	case RDD_KRB_ERR_SKEW:
	case KRB_AP_ERR_TKT_NYV:
	case KRB_AP_ERR_TKT_EXPIRED:
		s = li->has_server_skew ? li->server_skew_s : 0;
		abs_s = s < 0 ? -s : s;
		if (li->has_server_skew)
			rdd__append(ev, sizeof(ev),
			            "; the server's clock (stime in its "
			            "KRB-ERROR) is %" PRId64 " s %s this "
			            "machine's",
			            abs_s, s >= 0 ? "ahead of" : "behind");
		rdd__append(ev, sizeof(ev),
		            "; the logon fails (mstsc: SEC_E_TIME_SKEW "
		            "0x80090324, 0x1D07)");
		d = rdd__emit(c, RDD_CAUSE_KERBEROS_CLOCK_SKEW, "%s", ev);
		rdd__raise_severity(d, RDD_SEV_CRITICAL);
		if (li->has_server_skew)
			rdd__set_headline(d,
			                  "the server's clock is %" PRId64
			                  " s off: it refuses the Kerberos "
			                  "ticket",
			                  s);
		else
			rdd__set_headline(d, "the server refuses the Kerberos "
			                     "ticket: clocks too far apart");
		return;
	case KRB_AP_ERR_BADKEYVER:
	case KRB_AP_ERR_BAD_INTEGRITY:
	case KRB_AP_ERR_MODIFIED:
		rdd__append(ev, sizeof(ev),
		            "; the KDC made the ticket with a key of "
		            "TERMSRV/%s that the server does not hold",
		            c->obs->host);
		d = rdd__emit(c, RDD_CAUSE_KERBEROS_SERVER_KEY_STALE, "%s", ev);
		rdd__set_headline(d,
		                  "%s cannot decrypt its Kerberos ticket "
		                  "(%s)",
		                  c->obs->host, n != NULL ? n : "KRB-ERROR");
		return;
	default:
		return; /* the logon's detail names it */
	}
}
