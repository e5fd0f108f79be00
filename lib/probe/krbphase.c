/*
 * krbphase.c - the Kerberos phase's realm choice, clock skew and result
 * (krbphase.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "probe/krbphase_text.h"
#include "rdpdoctor/krbphase.h"
#include "wire/krb.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A detail line; a long realm or KDC name is cut, which is fine. */
#define DETAIL(ph, ...)                                                        \
	do {                                                                   \
		if (snprintf((ph)->detail, sizeof((ph)->detail),               \
		             __VA_ARGS__) < 0)                                 \
			(ph)->detail[0] = '\0';                                \
	} while (0)

const char *
rdd_krb_realm_source_name(enum rdd_krb_realm_source s)
{
	static const char *const n[] = {"none", "option", "user", "ntlm",
	                                "dns_suffix"};

	return (unsigned)s < NELEM(n) ? n[s] : NULL;
}

const char *
rdd_krb_user_outcome_name(enum rdd_krb_user_outcome o)
{
	switch (o) {
	case RDD_KRB_USER_NOT_RUN:
		return "not_run";
	case RDD_KRB_USER_TICKET:
		return "ticket";
	case RDD_KRB_USER_AS_FAILED:
		return "as_failed";
	case RDD_KRB_USER_TGS_FAILED:
		return "tgs_failed";
	case RDD_KRB_USER_TIMEOUT:
		return "timeout";
	case RDD_KRB_USER_ERROR:
		return "error";
	}
	return "not_run";
}

const char *
rdd_krb_lookup_name(enum rdd_krb_lookup l)
{
	static const char *const n[] = {"not_run", "found", "none", "no_answer",
	                                "error"};

	return (unsigned)l < NELEM(n) ? n[l] : NULL;
}

const char *
rdd_krb_outcome_name(enum rdd_krb_outcome o)
{
	static const char *const n[] = {"not_run", "answered",  "no_answer",
	                                "refused", "malformed", "error"};

	return (unsigned)o < NELEM(n) ? n[o] : NULL;
}

/* A realm we can ask the DNS about: printable, no spaces, 1..255. */
static bool
realm_ok(const char *s, bool need_dot)
{
	size_t n;

	if (s == NULL)
		return false;
	n = strlen(s);
	if (n == 0 || n > RDD_KRB_MAX_NAME || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '@' ||
		    s[i] == '\\' || s[i] == '/')
			return false;
	return !need_dot || strchr(s, '.') != NULL;
}

static enum rdd_krb_realm_source
take(const char *s, enum rdd_krb_realm_source src, char *out, size_t cap)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < cap; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[i] = '\0';
	return src;
}

enum rdd_krb_realm_source
rdd_krb_choose_realm(const struct rdd_krb_realm_inputs *in, char *out,
                     size_t cap)
{
	const char *at, *dot;

	if (cap == 0)
		return RDD_KRB_REALM_NONE;
	out[0] = '\0';
	if (realm_ok(in->option, false))
		return take(in->option, RDD_KRB_REALM_OPTION, out, cap);
	if (in->user != NULL && (at = strrchr(in->user, '@')) != NULL &&
	    realm_ok(at + 1, true))
		return take(at + 1, RDD_KRB_REALM_USER, out, cap);
	if (realm_ok(in->user_domain, true))
		return take(in->user_domain, RDD_KRB_REALM_USER, out, cap);
	/* A workgroup server names itself as its domain. */
	if (realm_ok(in->ntlm_domain, true) &&
	    (in->ntlm_computer == NULL ||
	     strcasecmp(in->ntlm_domain, in->ntlm_computer) != 0))
		return take(in->ntlm_domain, RDD_KRB_REALM_NTLM, out, cap);
	if (in->allow_dns_suffix && !in->host_is_address && in->host != NULL &&
	    (dot = strchr(in->host, '.')) != NULL && realm_ok(dot + 1, true))
		return take(dot + 1, RDD_KRB_REALM_DNS_SUFFIX, out, cap);
	return RDD_KRB_REALM_NONE;
}

int64_t
rdd_krb_skew_s(int64_t stime, uint32_t susec, int64_t send_us, int64_t recv_us)
{
	double kdc = (double)stime + (double)susec / 1e6;
	double mid = ((double)send_us + (double)recv_us) / 2e6;

	double d = kdc - mid;

	return (int64_t)(d < 0 ? d - 0.5 : d + 0.5);
}

const struct rdd_krb_kdc *
rdd_krb_first_answer(const struct rdd_krb_info *k)
{
	for (size_t i = 0; i < k->n_kdcs; i++)
		if (k->kdcs[i].answered)
			return &k->kdcs[i];
	return NULL;
}

void
rdd__krb_transport_text(char *buf, size_t cap, const char *name,
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

/* With the password: what the AS and TGS exchanges gave, appended to the
 * phase's detail; a failure fails the phase (a Kerberos logon would). */
static void
user_detail(struct rdd_phase_result *ph, const struct rdd_krb_user *us)
{
	size_t n = strlen(ph->detail);
	char *d = ph->detail + n;
	size_t cap = sizeof(ph->detail) - n;
	const char *en;
	int r = 0;

	switch (us->outcome) {
	case RDD_KRB_USER_NOT_RUN:
		return;
	case RDD_KRB_USER_TICKET:
		r = snprintf(d, cap,
		             "; password: TGT in %.1f ms, TERMSRV ticket in "
		             "%.1f ms",
		             us->as_ms, us->tgs_ms);
		break;
	case RDD_KRB_USER_AS_FAILED:
		en = rdd_krb_error_name(us->as_code);
		r = snprintf(d, cap,
		             "; with the password: AS for %s: %s (%lld)",
		             us->principal, en != NULL ? en : "error",
		             (long long)us->as_code);
		ph->status = RDD_STATUS_FAILED;
		break;
	case RDD_KRB_USER_TGS_FAILED:
		en = rdd_krb_error_name(us->tgs_code);
		r = snprintf(
		    d, cap, "; password: TGT, TERMSRV ticket %s (%lld)",
		    en != NULL ? en : "error", (long long)us->tgs_code);
		ph->status = RDD_STATUS_FAILED;
		break;
	case RDD_KRB_USER_TIMEOUT:
		r = snprintf(d, cap,
		             "; password: no answer from the KDC within "
		             "%.0f ms",
		             us->as_ms + us->tgs_ms);
		ph->status = RDD_STATUS_TIMEOUT;
		break;
	case RDD_KRB_USER_ERROR:
		r = snprintf(d, cap, "; password: not walked: %s", us->detail);
		break;
	}
	if (r < 0)
		*d = '\0';
}

void
rdd_krb_conclude(struct rdd_observation *obs)
{
	struct rdd_krb_info *k = &obs->krb;
	struct rdd_phase_result *ph = &obs->phases[RDD_PHASE_KERBEROS];
	const struct rdd_krb_kdc *a;
	char u[64], t[64], what[96];
	bool all_silent = true;
	const char *src;

	if (!k->run)
		return;
	ph->present = true;
	ph->start_ms = k->start_ms;
	ph->ms = k->ms;
	src = rdd_krb_realm_source_name(k->realm_source);
	if (k->n_kdcs == 0) {
		ph->status = k->lookup == RDD_KRB_LOOKUP_NO_ANSWER
		                 ? RDD_STATUS_TIMEOUT
		                 : RDD_STATUS_FAILED;
		DETAIL(ph, "realm %s (from %s): no KDC: %s", k->realm, src,
		       k->lookup_detail[0] ? k->lookup_detail : "none found");
		return;
	}
	a = rdd_krb_first_answer(k);
	if (a == NULL) {
		for (size_t i = 0; i < k->n_kdcs; i++)
			if (k->kdcs[i].udp.outcome != RDD_KRB_NO_ANSWER ||
			    k->kdcs[i].tcp.outcome != RDD_KRB_NO_ANSWER)
				all_silent = false;
		ph->status =
		    all_silent ? RDD_STATUS_TIMEOUT : RDD_STATUS_FAILED;
		rdd__krb_transport_text(u, sizeof(u), "88/udp",
		                        &k->kdcs[0].udp);
		rdd__krb_transport_text(t, sizeof(t), "88/tcp",
		                        &k->kdcs[0].tcp);
		DETAIL(ph,
		       "realm %s (from %s): no KDC answered (%zu tried; %s "
		       "%s: %s, %s)",
		       k->realm, src, k->n_kdcs, k->kdcs[0].name,
		       k->kdcs[0].address, u, t);
		return;
	}
	ph->status = RDD_STATUS_OK;
	rdd__krb_transport_text(u, sizeof(u), "88/udp", &a->udp);
	rdd__krb_transport_text(t, sizeof(t), "88/tcp", &a->tcp);
	if (a->error_code >= 0) {
		const char *n = rdd_krb_error_name(a->error_code);

		snprintf(what, sizeof(what), "%s (%lld)",
		         n != NULL ? n : "KRB-ERROR", (long long)a->error_code);
	} else
		snprintf(what, sizeof(what), "message type %d", a->msg_type);
	if (a->has_skew)
		DETAIL(ph,
		       "realm %s (from %s): KDC %s %s: %s, %s; %s; clock "
		       "skew %+lld s",
		       k->realm, src, a->name, a->address, u, t, what,
		       (long long)a->skew_s);
	else
		DETAIL(ph, "realm %s (from %s): KDC %s %s: %s, %s; %s",
		       k->realm, src, a->name, a->address, u, t, what);
	user_detail(ph, &k->user);
}
