/*
 * kerberos.c - the rules of phase kerberos (credential-free): the realm,
 * no KDC found, no KDC answering, UDP 88 blocked, clock skew, and a target
 * given as an address in a realm. shared/reference/kerberos.md 3, 7.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"
#include "rdpdoctor/krbphase.h"
#include "wire/krb.h"

/* Beyond this the rule speaks: a minute (reference 7). */
#define SKEW_WARN_S 60
/* Kerberos' default tolerance (MIT clockskew, AD policy). */
#define SKEW_LIMIT_S 300

static void
transport(char *buf, size_t cap, const char *name,
          const struct rdd_krb_transport *t)
{
	switch (t->outcome) {
	case RDD_KRB_ANSWERED:
		snprintf(buf, cap, "%s answered in %.1f ms", name, t->ms);
		break;
	case RDD_KRB_NO_ANSWER:
		snprintf(buf, cap, "%s silent for %.0f ms", name, t->ms);
		break;
	case RDD_KRB_REFUSED:
		snprintf(buf, cap, "%s refused", name);
		break;
	default:
		snprintf(buf, cap, "%s %s", name,
		         rdd_krb_outcome_name(t->outcome));
		break;
	}
}

static void
kdc_label(const struct rdd_krb_kdc *k, char *buf, size_t cap)
{
	if (strcmp(k->name, k->address) == 0)
		rdd__append(buf, cap, "%s", k->address);
	else
		rdd__append(buf, cap, "%s (%s)", k->name, k->address);
	if (k->port != RDD_KRB_PORT)
		rdd__append(buf, cap, " port %u", (unsigned)k->port);
}

static void
realm_info(struct ctx *c, const struct rdd_krb_info *k)
{
	const struct rdd_krb_kdc *a = rdd_krb_first_answer(k);
	char ev[RDD_EVIDENCE] = "";
	struct draft *d;

	rdd__append(ev, sizeof(ev), "realm %s (from %s)", k->realm,
	            rdd_krb_realm_source_name(k->realm_source));
	if (k->n_kdcs > 0) {
		rdd__append(ev, sizeof(ev),
		            "; KDC%s (%s): ", k->n_kdcs == 1 ? "" : "s",
		            k->kdc_from_option ? "--kdc" : "DNS SRV");
		for (size_t i = 0; i < k->n_kdcs; i++) {
			if (i > 0)
				rdd__append(ev, sizeof(ev), ", ");
			kdc_label(&k->kdcs[i], ev, sizeof(ev));
		}
	}
	if (a != NULL && a->error_code >= 0) {
		const char *n = rdd_krb_error_name(a->error_code);

		rdd__append(ev, sizeof(ev),
		            "; AS-REQ for %s without a password: "
		            "%s (%" PRId64 ")",
		            k->cname, n != NULL ? n : "KRB-ERROR",
		            a->error_code);
		if (a->error_code == RDD_KRB_ERR_C_PRINCIPAL_UNKNOWN &&
		    strcmp(k->cname, "rdpdoctor") == 0)
			rdd__append(ev, sizeof(ev),
			            " (a made-up name, as "
			            "expected)");
	}
	if (a != NULL && a->n_etypes > 0) {
		rdd__append(ev, sizeof(ev), "; etypes");
		for (size_t i = 0; i < a->n_etypes; i++) {
			const char *n = rdd_krb_etype_name(a->etypes[i]);

			if (n != NULL)
				rdd__append(ev, sizeof(ev), " %s", n);
			else
				rdd__append(ev, sizeof(ev), " %d",
				            (int)a->etypes[i]);
		}
	}
	if (a != NULL && a->has_skew)
		rdd__append(ev, sizeof(ev), "; KDC clock %+" PRId64 " s",
		            a->skew_s);
	d = rdd__emit(c, RDD_CAUSE_KERBEROS_REALM, "%s", ev);
	rdd__set_headline(d, "the server's Kerberos realm is %s", k->realm);
}

static void
not_found(struct ctx *c, const struct rdd_krb_info *k)
{
	struct draft *d;

	d = rdd__emit(c, RDD_CAUSE_KERBEROS_KDC_NOT_FOUND,
	              "realm %s (from %s): %s", k->realm,
	              rdd_krb_realm_source_name(k->realm_source),
	              k->lookup_detail[0] ? k->lookup_detail : "no KDC found");
	rdd__set_headline(d, "no Kerberos KDC found for %s", k->realm);
}

static void
unreachable(struct ctx *c, const struct rdd_krb_info *k)
{
	char ev[RDD_EVIDENCE] = "", u[64], t[64];
	struct draft *d;

	rdd__append(ev, sizeof(ev),
	            "realm %s: no answer to a Kerberos "
	            "request from %zu KDC%s: ",
	            k->realm, k->n_kdcs, k->n_kdcs == 1 ? "" : "s");
	for (size_t i = 0; i < k->n_kdcs; i++) {
		const struct rdd_krb_kdc *x = &k->kdcs[i];

		transport(u, sizeof(u), "88/udp", &x->udp);
		transport(t, sizeof(t), "88/tcp", &x->tcp);
		if (i > 0)
			rdd__append(ev, sizeof(ev), "; ");
		kdc_label(x, ev, sizeof(ev));
		rdd__append(ev, sizeof(ev), ": %s, %s", u, t);
	}
	d = rdd__emit(c, RDD_CAUSE_KERBEROS_KDC_UNREACHABLE, "%s", ev);
	rdd__set_headline(d, "the Kerberos KDCs of %s do not answer", k->realm);
}

static void
udp_blocked(struct ctx *c, const struct rdd_krb_info *k)
{
	char u[64], t[64], who[RDD_STR];
	struct draft *d;

	for (size_t i = 0; i < k->n_kdcs; i++) {
		const struct rdd_krb_kdc *x = &k->kdcs[i];

		if (x->tcp.outcome != RDD_KRB_ANSWERED ||
		    (x->udp.outcome != RDD_KRB_NO_ANSWER &&
		     x->udp.outcome != RDD_KRB_REFUSED))
			continue;
		transport(u, sizeof(u), "88/udp", &x->udp);
		transport(t, sizeof(t), "88/tcp", &x->tcp);
		who[0] = '\0';
		kdc_label(x, who, sizeof(who));
		d = rdd__emit(c, RDD_CAUSE_KERBEROS_KDC_UDP_BLOCKED,
		              "KDC %s: %s, %s", who, u, t);
		rdd__set_headline(d, "KDC %s answers on TCP 88 only", who);
	}
}

static void
skew(struct ctx *c, const struct rdd_krb_info *k)
{
	const struct rdd_krb_kdc *a = rdd_krb_first_answer(k);
	char who[RDD_STR] = "";
	int64_t s, abs_s;
	struct draft *d;

	if (a == NULL || !a->has_skew)
		return;
	s = a->skew_s;
	abs_s = s < 0 ? -s : s;
	if (abs_s <= SKEW_WARN_S)
		return;
	kdc_label(a, who, sizeof(who));
	d = rdd__emit(c, RDD_CAUSE_KERBEROS_CLOCK_SKEW,
	              "KDC %s's clock is %" PRId64 " s %s this machine's "
	              "(read from its KRB-ERROR, corrected by half the %.1f "
	              "ms round trip); %s",
	              who, abs_s, s > 0 ? "ahead of" : "behind", a->rtt_ms,
	              abs_s > SKEW_LIMIT_S
	                  ? "beyond Kerberos' default tolerance of 300 s: "
	                    "tickets are refused with KRB_AP_ERR_SKEW"
	                  : "within the default tolerance of 300 s, but "
	                    "close to it");
	rdd__set_headline(d, "the KDC's clock is %" PRId64 " s off", s);
}

static void
by_ip(struct ctx *c, const struct rdd_krb_info *k)
{
	const struct rdd_ntlm_info *n = &c->obs->credssp.ntlm;
	struct draft *d;

	if (!c->obs->host_is_address)
		return;
	d = rdd__emit(c, RDD_CAUSE_KERBEROS_BY_IP,
	              "target given as the address %s; the server is in "
	              "realm %s (from %s): Windows will not ask for "
	              "TERMSRV/%s and uses NTLM%s",
	              c->obs->host, k->realm,
	              rdd_krb_realm_source_name(k->realm_source), c->obs->host,
	              n->present ? "; the server does offer NTLM (its "
	                           "CHALLENGE came)"
	                         : "");
	rdd__set_headline(d, "%s is an address: no Kerberos, NTLM only",
	                  c->obs->host);
}

void
rdd__rules_kerberos(struct ctx *c)
{
	const struct rdd_krb_info *k = &c->obs->krb;

	if (!k->run)
		return;
	realm_info(c, k);
	by_ip(c, k);
	if (k->n_kdcs == 0) {
		not_found(c, k);
		return;
	}
	if (rdd_krb_first_answer(k) == NULL) {
		unreachable(c, k);
		return;
	}
	udp_blocked(c, k);
	skew(c, k);
}
