/*
 * host_text.c - `rdpdoctor host` for a terminal (rdpdoctor/host.h): what
 * was read, with the source of each effective value, the findings with
 * their evidence and fixes, and the verdict. Values read on the host are
 * untrusted and escaped.
 */
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/host.h"
#include "rdpdoctor/report.h"

#define ESC_CAP(n) (4 * (n) + 1)

struct out {
	FILE *f;
	bool color;
};

static const char *
sgr(const struct out *o, const char *code)
{
	return o->color ? code : "";
}

static void
setting(const struct out *o, const char *label,
        const struct rdd_host_setting *s, const char *(*name)(uint32_t))
{
	uint32_t v;
	const char *src = rdd_host_effective(s, &v);

	fprintf(o->f, "  %-22s ", label);
	if (src == NULL) {
		fprintf(o->f, "%s\n",
		        s->policy.read == RDD_HOST_UNREADABLE ||
		                s->local.read == RDD_HOST_UNREADABLE
		            ? "not readable here"
		            : "not set (Windows default)");
		return;
	}
	fprintf(o->f, "%u", (unsigned)v);
	if (name != NULL && name(v) != NULL)
		fprintf(o->f, " (%s)", name(v));
	fprintf(o->f, "  from %s\n",
	        strcmp(src, "policy") == 0 ? "Group Policy" : "local setting");
}

static const char *
layer_name(uint32_t v)
{
	return v == 0 ? "RDP" : v == 1 ? "Negotiate" : v == 2 ? "TLS" : NULL;
}

static const char *
onoff_name(uint32_t v)
{
	return v ? "on" : "off";
}

static const char *
deny_name(uint32_t v)
{
	return v ? "RDP off" : "RDP on";
}

static const char *
mode_name(uint32_t v)
{
	return v == 2   ? "per device"
	       : v == 4 ? "per user"
	       : v == 5 ? "not configured"
	       : v == 1 ? "administration only"
	                : NULL;
}

static void
dword_line(const struct out *o, const char *label,
           const struct rdd_host_dword *d)
{
	fprintf(o->f, "  %-22s ", label);
	if (d->read == RDD_HOST_SET)
		fprintf(o->f, "%u\n", (unsigned)d->value);
	else
		fprintf(o->f, "%s\n",
		        d->read == RDD_HOST_ABSENT ? "not set (Windows default)"
		                                   : "not readable here");
}

static void
steps(const struct out *o, const char *label, const char *s)
{
	int k = 0;

	if (s == NULL || *s == '\0')
		return;
	fprintf(o->f, "    %s\n", label);
	while (*s != '\0') {
		size_t n = strcspn(s, "\n");

		if (n > 0)
			fprintf(o->f, "      %d. %.*s\n", ++k, (int)n, s);
		s += n;
		if (*s == '\n')
			s++;
	}
}

static void
row(const struct out *o, const char *label, const char *state,
    const char *check)
{
	if (check[0] == '\0')
		fprintf(o->f, "  %-22s %s\n", label, state);
	else
		fprintf(o->f, "  %-22s %-42s %s\n", label, state, check);
}

static const char *
yes_no(int v, const char *yes, const char *no)
{
	return v < 0 ? "unknown" : v ? yes : no;
}

/* The "SSL Cipher Suite Order" policy: how many suites it lists. */
static void
suites_line(const struct out *o, const struct rdd_host_state *st)
{
	const char *p = st->cipher_suite_order.value;
	size_t n = 0;

	fprintf(o->f, "  %-22s ", "cipher suite order");
	if (st->cipher_suite_order.read != RDD_HOST_SET) {
		fprintf(o->f, "%s\n",
		        st->cipher_suite_order.read == RDD_HOST_ABSENT
		            ? "no policy (Windows default)"
		            : "not readable here");
		return;
	}
	while (*p != '\0') {
		p += strspn(p, ", ");
		if (*p == '\0')
			break;
		n++;
		p += strcspn(p, ", ");
	}
	fprintf(o->f, "policy, %zu suite%s\n", n, n == 1 ? "" : "s");
}

/* TermService's dependencies and their state. */
static void
deps_line(const struct out *o, const struct rdd_host_state *st)
{
	char name[ESC_CAP(sizeof(st->termservice_deps[0].name))];
	size_t i, n = st->n_termservice_deps;

	fprintf(o->f, "  %-22s ", "  depends on");
	if (st->termservice_deps_read != RDD_HOST_SET) {
		fprintf(o->f, "not readable here\n");
		return;
	}
	if (n == 0)
		fprintf(o->f, "nothing");
	if (n > RDD_HOST_DEPS)
		n = RDD_HOST_DEPS;
	for (i = 0; i < n; i++) {
		const struct rdd_host_dep *dp = &st->termservice_deps[i];
		const char *state = rdd_host_service_name(dp->state);

		rdd_escape_terminal(name, sizeof(name), dp->name);
		fprintf(o->f, "%s%s %s%s", i > 0 ? ", " : "", name,
		        state != NULL ? state : "not readable here",
		        dp->start.read == RDD_HOST_SET && dp->start.value == 4
		            ? " (disabled)"
		            : "");
	}
	fputc('\n', o->f);
}

/* The state and the check of its listener, side by side. */
static void
listener_check(const struct out *o, const struct rdd_host_state *st,
               const struct rdd_observation *obs)
{
	const struct rdd_phase_result *tcp = &obs->phases[RDD_PHASE_TCP];
	const struct rdd_cert *served = &obs->tls.cert;
	const char *exp_src, *exp = rdd_host_expected_thumbprint(st, &exp_src);
	char host[ESC_CAP(RDD_STR)], a[64], b[64];
	uint32_t x;
	const char *src;

	rdd_escape_terminal(host, sizeof(host), obs->host);
	fprintf(o->f, "\n%sListener check%s  %s port %u\n", sgr(o, "\033[1m"),
	        sgr(o, "\033[0m"), host, (unsigned)obs->port);
	if (obs->phases[RDD_PHASE_RESOLVE].present &&
	    obs->phases[RDD_PHASE_RESOLVE].status != RDD_STATUS_OK &&
	    obs->phases[RDD_PHASE_RESOLVE].status != RDD_STATUS_SKIPPED) {
		char why[ESC_CAP(RDD_STR)];

		rdd_escape_terminal(why, sizeof(why),
		                    obs->phases[RDD_PHASE_RESOLVE].detail);
		fprintf(o->f, "  the name did not resolve: %s\n", why);
	}
	row(o, "", "host state", "listener (check)");
	row(o, "listening",
	    st->listening.read != RDD_HOST_SET ? "not readable here"
	    : st->listening.value              ? "yes"
	                                       : "no",
	    !tcp->present || tcp->status == RDD_STATUS_SKIPPED ? "not reached"
	    : tcp->status == RDD_STATUS_OK                     ? "connected"
	    : tcp->status == RDD_STATUS_TIMEOUT ? "no answer (timeout)"
	                                        : "connection failed");
	row(o, "certificate", exp != NULL ? exp : "not readable here",
	    obs->tls.present && served->present && served->sha1[0]
	        ? served->sha1
	        : "none received");
	if (exp != NULL)
		row(o, "  which",
		    strcmp(exp_src, "configured") == 0
		        ? "SSLCertificateSHA1Hash"
		        : "self-signed (no SSLCertificateSHA1Hash)",
		    "");
	src = rdd_host_effective(&st->security_layer, &x);
	if (src != NULL)
		snprintf(a, sizeof(a), "%u (%s)", (unsigned)x,
		         layer_name(x) != NULL ? layer_name(x) : "other");
	else
		snprintf(a, sizeof(a), "not set or not readable");
	snprintf(b, sizeof(b), "%s",
	         obs->security_layer == RDD_SECLAYER_RDP ? "RDP only"
	         : obs->security_layer == RDD_SECLAYER_NEGOTIATE
	             ? "Negotiate (RDP and TLS)"
	         : obs->security_layer == RDD_SECLAYER_TLS ? "TLS required"
	                                                   : "unknown");
	row(o, "SecurityLayer", a, b);
	src = rdd_host_effective(&st->user_authentication, &x);
	row(o, "NLA",
	    src == NULL ? "not set or not readable"
	    : x         ? "required"
	                : "not required",
	    yes_no(obs->nla_required, "required", "not required"));
}

int
rdd_report_host_text(FILE *f, const struct rdd_host_state *st,
                     const struct rdd_diagnosis *d, bool color)
{
	return rdd_report_host_check_text(f, st, d, NULL, color);
}

int
rdd_report_host_check_text(FILE *f, const struct rdd_host_state *st,
                           const struct rdd_diagnosis *d,
                           const struct rdd_observation *obs, bool color)
{
	struct out o = {f, color};
	char buf[ESC_CAP(RDD_EVIDENCE)];
	const char *svc = rdd_host_service_name(st->termservice);
	size_t i;

	rdd_escape_terminal(buf, sizeof(buf),
	                    st->computer[0] ? st->computer : "(unnamed)");
	fprintf(f, "%sHost %s%s", sgr(&o, "\033[1m"), buf, sgr(&o, "\033[0m"));
	if (st->os_version[0]) {
		rdd_escape_terminal(buf, sizeof(buf), st->os_version);
		fprintf(f, "  Windows %s", buf);
	}
	fputc('\n', f);
	setting(&o, "fDenyTSConnections", &st->deny_connections, deny_name);
	setting(&o, "SecurityLayer", &st->security_layer, layer_name);
	setting(&o, "UserAuthentication", &st->user_authentication, onoff_name);
	setting(&o, "MinEncryptionLevel", &st->min_encryption, NULL);
	dword_line(&o, "PortNumber", &st->port);
	dword_line(&o, "AllowEncryptionOracle", &st->credssp_oracle);
	suites_line(&o, st);
	setting(&o, "LicensingMode", &st->licensing_mode, mode_name);
	fprintf(f, "  %-22s ", "grace period");
	if (st->grace_days_left.read == RDD_HOST_SET &&
	    st->terminal_server_mode.read == RDD_HOST_SET)
		fprintf(f, "%u days left%s\n",
		        (unsigned)st->grace_days_left.value,
		        st->terminal_server_mode.value == 1
		            ? ""
		            : " (not an RD Session Host: not counted)");
	else
		fprintf(f, "not readable here\n");
	fprintf(f, "  %-22s %s\n", "TermService",
	        st->termservice == RDD_HOST_SVC_UNREADABLE ? "not readable here"
	                                                   : svc);
	deps_line(&o, st);
	fprintf(f, "  %-22s %s\n", "listening",
	        st->listening.read != RDD_HOST_SET ? "not readable here"
	        : st->listening.value              ? "yes"
	                                           : "no");
	fprintf(f, "  %-22s ", "certificate");
	if (st->cert.read == RDD_HOST_SET) {
		rdd_escape_terminal(buf, sizeof(buf), st->cert.store);
		fprintf(f, "%s in \"%s\", key %s", st->cert.thumbprint, buf,
		        rdd_host_key_name(st->cert.key) != NULL
		            ? rdd_host_key_name(st->cert.key)
		            : "not readable here");
		if (st->cert.key_directory[0] != '\0') {
			rdd_escape_terminal(buf, sizeof(buf),
			                    st->cert.key_directory);
			fprintf(f, " (file in %s)", buf);
		}
		fputc('\n', f);
	} else {
		fprintf(f, "%s\n",
		        st->cert.read == RDD_HOST_ABSENT ? "not found"
		                                         : "not readable here");
	}

	if (obs != NULL)
		listener_check(&o, st, obs);
	fprintf(f, "\n%sFindings%s\n", sgr(&o, "\033[1m"), sgr(&o, "\033[0m"));
	if (d->n_findings == 0)
		fprintf(f, "  none\n");
	for (i = 0; i < d->n_findings && i < RDD_MAX_FINDINGS; i++) {
		const struct rdd_finding *fi = &d->findings[i];
		const struct rdd_cause_info *ci = rdd_cause_info(fi->cause);
		const char *col = fi->severity == RDD_SEV_CRITICAL  ? "\033[31m"
		                  : fi->severity == RDD_SEV_WARNING ? "\033[33m"
		                                                    : "";

		if (ci == NULL)
			continue;
		fprintf(f, "  %s%-8s%s %s  %s\n", sgr(&o, col),
		        fi->severity == RDD_SEV_CRITICAL  ? "CRITICAL"
		        : fi->severity == RDD_SEV_WARNING ? "WARNING"
		                                          : "INFO",
		        sgr(&o, "\033[0m"), ci->id, ci->title);
		rdd_escape_terminal(buf, sizeof(buf), fi->evidence);
		if (buf[0] != '\0')
			fprintf(f, "    evidence: %s\n", buf);
		steps(&o, "fix (server):", ci->fix_host);
		steps(&o, "fix (client):", ci->fix_client);
	}
	fprintf(f, "\n%sVerdict:%s %s - %s\n", sgr(&o, "\033[1m"),
	        sgr(&o, "\033[0m"), rdd_verdict_name(d->status), d->summary);
	return ferror(f) ? -1 : 0;
}
