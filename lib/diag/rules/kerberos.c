/*
 * kerberos.c - the rules of phase kerberos (credential-free): the realm,
 * no KDC found, no KDC answering, UDP 88 blocked, clock skew, and a target
 * given as an address in a realm; with the user's password, what the KDC
 * said to the AS exchange and to the ticket request for TERMSRV/<host>,
 * and whether NTLM is left to fall back on. shared/reference/kerberos.md
 * 3, 4, 7.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"
#include "probe/krbphase_text.h"
#include "rdpdoctor/krbphase.h"
#include "wire/krb.h"

/* Beyond this the rule speaks: a minute (reference 7). */
#define SKEW_WARN_S 60
/* Kerberos' default tolerance (MIT clockskew, AD policy). */
#define SKEW_LIMIT_S 300

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

		rdd__krb_transport_text(u, sizeof(u), "88/udp", &x->udp);
		rdd__krb_transport_text(t, sizeof(t), "88/tcp", &x->tcp);
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
		rdd__krb_transport_text(u, sizeof(u), "88/udp", &x->udp);
		rdd__krb_transport_text(t, sizeof(t), "88/tcp", &x->tcp);
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

/* NTSTATUS values of a server refusing NTLM ([MS-NLMP] 3.1.4;
 * reference 1.1). */
#define ST_NTLM_BLOCKED 0xC0000418U
#define ST_NOT_SUPPORTED 0xC00000BBU

static bool
ntlm_status(uint32_t st)
{
	return st == ST_NTLM_BLOCKED || st == ST_NOT_SUPPORTED;
}

/*
 * What is left when Kerberos fails: 1 NTLM worked (the logon with the
 * user's password over NTLM was accepted), -1 the server refused NTLM
 * (STATUS_NTLM_BLOCKED or STATUS_NOT_SUPPORTED to the NTLM logon or to
 * the NTLM NEGOTIATE), 0 not known. WHY says which, for the evidence.
 */
int
rdd__krb_ntlm_fallback(const struct rdd_observation *obs, uint32_t *why)
{
	const struct rdd_credssp_info *cs = &obs->credssp;

	*why = 0;
	/* A Kerberos logon says nothing of NTLM. */
	if (cs->logon.mech == RDD_LOGON_MECH_KERBEROS)
		return 0;
	if (cs->logon.outcome == RDD_LOGON_OK)
		return 1;
	if (cs->logon.has_error_code && ntlm_status(cs->logon.error_code)) {
		*why = cs->logon.error_code;
		return -1;
	}
	if (!cs->ntlm.present && cs->has_error_code &&
	    ntlm_status(cs->error_code)) {
		*why = cs->error_code;
		return -1;
	}
	return 0;
}

/* A Kerberos failure with NTLM refused is critical. */
static void
raise_if_blocked(struct ctx *c, struct draft *d)
{
	uint32_t why;

	if (d != NULL && rdd__krb_ntlm_fallback(c->obs, &why) < 0)
		rdd__raise_severity(d, RDD_SEV_CRITICAL);
}

/* A Kerberos failure whose NTLM fallback worked (the logon over NTLM with
 * the same password was accepted) does not stop a Windows client: a
 * warning, whatever the cause's default. */
static void
lower_if_fallback(struct ctx *c, struct draft *d)
{
	uint32_t why;

	if (d != NULL && rdd__krb_ntlm_fallback(c->obs, &why) > 0 &&
	    d->f.severity > RDD_SEV_WARNING)
		d->f.severity = RDD_SEV_WARNING;
}

/* The sentence about NTLM that ends a Kerberos failure's evidence. */
static void
fallback(struct ctx *c, struct draft *d, char *ev, size_t cap)
{
	uint32_t why;
	int f = rdd__krb_ntlm_fallback(c->obs, &why);

	if (f > 0)
		rdd__append(ev, cap,
		            "; the logon over NTLM worked: a Windows client "
		            "falls back to it, which is what saves the "
		            "connection");
	else if (f < 0) {
		rdd__append(ev, cap,
		            "; the server refused NTLM (0x%08X): no fallback",
		            (unsigned)why);
		raise_if_blocked(c, d);
	}
}

static struct draft *
emit_ev(struct ctx *c, enum rdd_cause cause, const char *ev)
{
	return rdd__emit(c, cause, "%s", ev);
}

/* The KRB-ERROR's name, code, e-text and NTSTATUS, for the evidence. */
static void
kdc_said(char *ev, size_t cap, const struct rdd_krb_user *u, int64_t code)
{
	const char *n = rdd_krb_error_name(code);

	rdd__append(ev, cap, "%s (%" PRId64 ")", n != NULL ? n : "KRB-ERROR",
	            code);
	if (u->etext[0] != '\0')
		rdd__append(ev, cap, ", e-text \"%s\"", u->etext);
	if (u->has_ntstatus) {
		const char *sn = rdd_krb_ntstatus_name(u->ntstatus);

		rdd__append(ev, cap, ", NTSTATUS 0x%08X%s%s",
		            (unsigned)u->ntstatus, sn != NULL ? " " : "",
		            sn != NULL ? sn : "");
	}
}

static void
as_failed(struct ctx *c, const struct rdd_krb_info *k)
{
	const struct rdd_krb_user *u = &k->user;
	enum rdd_cause cause;
	char ev[RDD_EVIDENCE] = "";
	const char *head;
	struct draft *d;

	switch (u->as_code) {
	case RDD_KRB_ERR_C_PRINCIPAL_UNKNOWN:
		cause = RDD_CAUSE_KERBEROS_USER_UNKNOWN;
		head = "unknown to the KDC";
		break;
	case RDD_KRB_ERR_PREAUTH_FAILED:
		cause = RDD_CAUSE_KERBEROS_PREAUTH_FAILED;
		head = "password refused by the KDC";
		break;
	case RDD_KRB_ERR_CLIENT_REVOKED:
	case RDD_KRB_ERR_NAME_EXP:
		cause = RDD_CAUSE_KERBEROS_ACCOUNT_REVOKED;
		head =
		    u->has_ntstatus && u->ntstatus == 0xC0000234U ? "locked out"
		    : u->has_ntstatus && u->ntstatus == 0xC0000072U ? "disabled"
		    : u->has_ntstatus && u->ntstatus == 0xC0000193U
		        ? "account expired"
		        : "may not get tickets (locked, disabled or "
		          "expired)";
		break;
	case RDD_KRB_ERR_KEY_EXPIRED:
		cause = RDD_CAUSE_KERBEROS_PASSWORD_EXPIRED;
		head = "password expired";
		break;
	case RDD_KRB_ERR_POLICY:
		cause = RDD_CAUSE_KERBEROS_ACCOUNT_RESTRICTED;
		head = "refused by an account restriction";
		break;
	case RDD_KRB_ERR_ETYPE_NOSUPP:
	case RDD_KRB_ERR_PREAUTH_REQUIRED:
		cause = RDD_CAUSE_KERBEROS_ETYPE_UNSUPPORTED;
		head = "no encryption type in common with the KDC";
		break;
	case RDD_KRB_ERR_WRONG_REALM:
		cause = RDD_CAUSE_KERBEROS_WRONG_REALM;
		head = "belongs to another realm";
		break;
	case RDD_KRB_ERR_SKEW:
		cause = RDD_CAUSE_KERBEROS_CLOCK_SKEW;
		head = "refused by the KDC: clocks too far apart";
		break;
	default:
		return; /* another error: the phase's detail says it */
	}
	rdd__append(ev, sizeof(ev),
	            "AS exchange for %s with its password: ", u->principal);
	kdc_said(ev, sizeof(ev), u, u->as_code);
	if (u->no_common_etype)
		rdd__append(ev, sizeof(ev),
		            ", without ETYPE-INFO2 for aes256, aes128 or rc4");
	if (u->detail[0] != '\0')
		rdd__append(ev, sizeof(ev), " (\"%s\")", u->detail);
	fallback(c, NULL, ev, sizeof(ev));
	d = emit_ev(c, cause, ev);
	raise_if_blocked(c, d);
	lower_if_fallback(c, d);
	rdd__set_headline(d, "%s: %s", u->principal, head);
}

static void
tgs_failed(struct ctx *c, const struct rdd_krb_info *k)
{
	const struct rdd_krb_user *u = &k->user;
	char ev[RDD_EVIDENCE] = "";
	struct draft *d;

	rdd__append(ev, sizeof(ev),
	            "with %s's ticket, the ticket request for "
	            "%s: ",
	            u->principal, u->spn);
	kdc_said(ev, sizeof(ev), u, u->tgs_code);
	if (u->tgs_code == RDD_KRB_ERR_PRINCIPAL_NOT_UNIQUE) {
		fallback(c, NULL, ev, sizeof(ev));
		d = emit_ev(c, RDD_CAUSE_KERBEROS_SPN_DUPLICATE, ev);
		lower_if_fallback(c, d);
		rdd__set_headline(d, "TERMSRV/%s is on more than one account",
		                  c->obs->host);
		return;
	}
	if (u->tgs_code != RDD_KRB_ERR_S_PRINCIPAL_UNKNOWN)
		return;
	if (c->obs->host_is_address) {
		/* kerberos-by-ip says it, with the fix for addresses. */
		rdd__emit(c, RDD_CAUSE_KERBEROS_BY_IP,
		          "no TERMSRV/%s either: the KDC answered %s",
		          c->obs->host, "KDC_ERR_S_PRINCIPAL_UNKNOWN (7)");
		return;
	}
	fallback(c, NULL, ev, sizeof(ev));
	d = emit_ev(c, RDD_CAUSE_KERBEROS_SPN_MISSING, ev);
	raise_if_blocked(c, d);
	rdd__set_headline(d, "no TERMSRV/%s in the realm: NTLM instead",
	                  c->obs->host);
}

static void
user_timeout(struct ctx *c, const struct rdd_krb_info *k)
{
	const struct rdd_krb_user *u = &k->user;
	struct draft *d;

	d = rdd__emit(c, RDD_CAUSE_KERBEROS_KDC_UNREACHABLE,
	              "the KDC answered the request without a password, then "
	              "not the exchange with %s's password over %s within "
	              "%.0f ms",
	              u->principal, u->transport, u->as_ms + u->tgs_ms);
	rdd__set_headline(d, "the KDC of %s stopped answering", k->realm);
}

/* A Kerberos failure happened (any finding above but the realm, UDP
 * blocked and a skew within tolerance) and the server refused NTLM. */
static void
ntlm_blocked(struct ctx *c, const struct rdd_krb_info *k)
{
	static const enum rdd_cause failures[] = {
	    RDD_CAUSE_KERBEROS_KDC_NOT_FOUND,
	    RDD_CAUSE_KERBEROS_KDC_UNREACHABLE,
	    RDD_CAUSE_KERBEROS_BY_IP,
	    RDD_CAUSE_KERBEROS_SPN_MISSING,
	    RDD_CAUSE_KERBEROS_SPN_DUPLICATE,
	    RDD_CAUSE_KERBEROS_ETYPE_UNSUPPORTED,
	    RDD_CAUSE_KERBEROS_WRONG_REALM,
	    RDD_CAUSE_KERBEROS_CLOCK_SKEW,
	};
	const struct rdd_cause_info *ci = NULL;
	uint32_t why;
	struct draft *d;

	if (rdd__krb_ntlm_fallback(c->obs, &why) >= 0)
		return;
	for (size_t i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
		for (size_t j = 0; j < c->n; j++)
			if (c->d[j].f.cause == failures[i]) {
				ci = rdd_cause_info(failures[i]);
				break;
			}
		if (ci != NULL)
			break;
	}
	if (ci == NULL)
		return;
	d = rdd__emit(c, RDD_CAUSE_KERBEROS_NTLM_BLOCKED,
	              "Kerberos fails (%s, realm %s) and the server refused "
	              "NTLM with 0x%08X%s",
	              ci->id, k->realm, (unsigned)why,
	              why == ST_NTLM_BLOCKED ? " (STATUS_NTLM_BLOCKED)"
	                                     : " (STATUS_NOT_SUPPORTED)");
	rdd__set_headline(d, "no Kerberos and no NTLM: the logon cannot work");
}

void
rdd__rules_kerberos(struct ctx *c)
{
	const struct rdd_krb_info *k = &c->obs->krb;

	if (!k->run)
		return;
	realm_info(c, k);
	by_ip(c, k);
	if (k->n_kdcs == 0)
		not_found(c, k);
	else if (rdd_krb_first_answer(k) == NULL)
		unreachable(c, k);
	else {
		udp_blocked(c, k);
		skew(c, k);
		switch (k->user.outcome) {
		case RDD_KRB_USER_AS_FAILED:
			as_failed(c, k);
			break;
		case RDD_KRB_USER_TGS_FAILED:
			tgs_failed(c, k);
			break;
		case RDD_KRB_USER_TIMEOUT:
			user_timeout(c, k);
			break;
		default:
			break;
		}
	}
	ntlm_blocked(c, k);
}
