/*
 * rules.c - from an observation to findings, and the verdict.
 *
 * Each rule is a pure function of the observation: it reads facts and
 * appends findings (a cause from causes.def, a severity, and evidence).
 * Nothing here does I/O, reads the clock or prints; "now" is
 * obs->checked_at.
 *
 * Evidence contract (struct rdd_finding.evidence):
 *   - one line of text, NUL-terminated, saying what was seen, with the
 *     numbers (milliseconds, days, codes) that prove it; no fix text
 *     (that lives in causes.def);
 *   - at most RDD_EVIDENCE - 1 bytes; a longer text is cut and ends in
 *     "...", possibly in the middle of a UTF-8 sequence;
 *   - strings that came from the server or the system are copied RAW:
 *     certificate subject, issuer, CN and SAN, tcp_error, tls_detail,
 *     x224_detail, resolve_error, the CredSSP detail lines and the NTLM
 *     names. They may hold
 *     control characters or invalid UTF-8. The report layer escapes them
 *     (rdd_escape_terminal, rdd_sanitize_utf8); nothing here does, so that
 *     JSON keeps the exact bytes. The first bytes of a non-RDP answer are
 *     given in hex and are safe.
 * The summary follows the same rules (it may quote the host name).
 *
 * The default client is mstsc: attempt "A" of the check plan asks for
 * SSL|HYBRID|HYBRID_EX. Failures of attempt A are critical; the other
 * attempts only add context.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/netpath.h"
#include "rdpdoctor/udpphase.h"
#include "rdpdoctor/tlscompat.h"
#include "wire/gcc.h"
#include "wire/mcs.h"
#include "wire/x224.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define HEADLINE 160

/* A finding while the rules run, with the phrase the summary uses. */
struct draft {
	struct rdd_finding f;
	char headline[HEADLINE];
};

struct ctx {
	const struct rdd_observation *obs;
	const struct rdd_attempt *a; /* attempt A, or NULL */
	struct draft d[RDD_MAX_FINDINGS];
	size_t n;
};

static void append(char *buf, size_t cap, const char *fmt, ...)
    PRINTF_LIKE(3, 4);
static struct draft *emit(struct ctx *c, enum rdd_cause cause, const char *fmt,
                          ...) PRINTF_LIKE(3, 4);
static void set_headline(struct draft *d, const char *fmt, ...)
    PRINTF_LIKE(2, 3);

/* ---- small text helpers -------------------------------------------- */

/* Append to BUF (capacity CAP); a cut text ends in "...". */
static void
append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	int r;

	if (len + 1 >= cap)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
	if (r >= 0 && (size_t)r >= cap - len && cap >= 4)
		memcpy(buf + cap - 4, "...", 4);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive: does S contain NEEDLE? */
static bool
contains(const char *s, const char *needle)
{
	size_t i, j;

	for (i = 0; s[i] != '\0'; i++) {
		for (j = 0; needle[j] != '\0' && s[i + j] != '\0'; j++)
			if (lower((unsigned char)s[i + j]) !=
			    lower((unsigned char)needle[j]))
				break;
		if (needle[j] == '\0')
			return true;
	}
	return false;
}

static bool
starts_with(const char *s, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i] != '\0'; i++)
		if (lower((unsigned char)s[i]) !=
		    lower((unsigned char)prefix[i]))
			return false;
	return true;
}

/* "RDP", "SSL", "SSL|HYBRID|HYBRID_EX", with unknown bits in hex. */
static const char *
proto_names(uint32_t p, char *buf, size_t cap)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
	    {RDD_PROTO_SSL, "SSL"},       {RDD_PROTO_HYBRID, "HYBRID"},
	    {RDD_PROTO_RDSTLS, "RDSTLS"}, {RDD_PROTO_HYBRID_EX, "HYBRID_EX"},
	    {RDD_PROTO_RDSAAD, "RDSAAD"},
	};
	uint32_t rest = p;
	size_t i;

	buf[0] = '\0';
	if (p == RDD_PROTO_RDP) {
		append(buf, cap, "RDP");
		return buf;
	}
	for (i = 0; i < NELEM(bits); i++) {
		if (p & bits[i].bit) {
			append(buf, cap, "%s%s", buf[0] ? "|" : "",
			       bits[i].name);
			rest &= ~bits[i].bit;
		}
	}
	if (rest != 0)
		append(buf, cap, "%s0x%x", buf[0] ? "|" : "", (unsigned)rest);
	return buf;
}

static const char *
neg_failure_name(uint32_t code)
{
	static const char *const n[] = {
	    NULL,
	    "SSL_REQUIRED_BY_SERVER",
	    "SSL_NOT_ALLOWED_BY_SERVER",
	    "SSL_CERT_NOT_ON_SERVER",
	    "INCONSISTENT_FLAGS",
	    "HYBRID_REQUIRED_BY_SERVER",
	    "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
	};

	return code < NELEM(n) ? n[code] : NULL;
}

/* RFC 8446 6 and RFC 5246 7.2 AlertDescription names. */
static const char *
alert_name(uint8_t desc)
{
	static const struct {
		uint8_t code;
		const char *name;
	} alerts[] = {
	    {0, "close_notify"},
	    {10, "unexpected_message"},
	    {20, "bad_record_mac"},
	    {21, "decryption_failed"},
	    {22, "record_overflow"},
	    {30, "decompression_failure"},
	    {40, "handshake_failure"},
	    {41, "no_certificate"},
	    {42, "bad_certificate"},
	    {43, "unsupported_certificate"},
	    {44, "certificate_revoked"},
	    {45, "certificate_expired"},
	    {46, "certificate_unknown"},
	    {47, "illegal_parameter"},
	    {48, "unknown_ca"},
	    {49, "access_denied"},
	    {50, "decode_error"},
	    {51, "decrypt_error"},
	    {60, "export_restriction"},
	    {70, "protocol_version"},
	    {71, "insufficient_security"},
	    {80, "internal_error"},
	    {86, "inappropriate_fallback"},
	    {90, "user_canceled"},
	    {100, "no_renegotiation"},
	    {109, "missing_extension"},
	    {110, "unsupported_extension"},
	    {111, "certificate_unobtainable"},
	    {112, "unrecognized_name"},
	    {113, "bad_certificate_status_response"},
	    {114, "bad_certificate_hash_value"},
	    {115, "unknown_psk_identity"},
	    {116, "certificate_required"},
	    {120, "no_application_protocol"},
	};
	size_t i;

	for (i = 0; i < NELEM(alerts); i++)
		if (alerts[i].code == desc)
			return alerts[i].name;
	return "unknown";
}

/* "10.0.0.5:3389" or "[2001:db8::5]:3389". */
static const char *
endpoint(const struct rdd_observation *obs, const struct rdd_attempt *a,
         char *buf, size_t cap)
{
	const char *addr = a->address[0] ? a->address : obs->address;

	if (addr[0] == '\0')
		addr = obs->host;
	buf[0] = '\0';
	if (strchr(addr, ':') != NULL)
		append(buf, cap, "[%s]:%u", addr, (unsigned)obs->port);
	else
		append(buf, cap, "%s:%u", addr, (unsigned)obs->port);
	return buf;
}

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant). */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* "2020-01-02" and, with TIME, " 00:00:00 UTC". */
static const char *
fmt_date(int64_t t, bool time, char *buf, size_t cap)
{
	int64_t days = floor_div(t, 86400), secs = t - days * 86400, y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	buf[0] = '\0';
	append(buf, cap, "%04lld-%02u-%02u", (long long)y, m, d);
	if (time)
		append(buf, cap, " %02u:%02u:%02u UTC", (unsigned)(secs / 3600),
		       (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
	return buf;
}

/* A positive duration as "2516 days", "1 day", "5 hours", "3 minutes". */
static const char *
fmt_span(int64_t s, char *buf, size_t cap)
{
	static const struct {
		int64_t secs;
		const char *one;
		const char *many;
	} u[] = {
	    {86400, "day", "days"},
	    {3600, "hour", "hours"},
	    {60, "minute", "minutes"},
	    {1, "second", "seconds"},
	};
	size_t i;
	int64_t n = 0;

	for (i = 0; i < NELEM(u); i++) {
		n = s / u[i].secs;
		if (n >= 1 || i + 1 == NELEM(u))
			break;
	}
	buf[0] = '\0';
	append(buf, cap, "%lld %s", (long long)n,
	       n == 1 ? u[i].one : u[i].many);
	return buf;
}

/* ---- findings -------------------------------------------------------- */

/*
 * The draft for cause C: the existing one (so attempts merge into one
 * finding per id) or a new one. NULL when the list is full.
 */
static struct draft *
draft_for(struct ctx *c, enum rdd_cause cause)
{
	const struct rdd_cause_info *ci = rdd_cause_info(cause);
	struct draft *d;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->d[i].f.cause == cause)
			return &c->d[i];
	if (c->n == NELEM(c->d) || ci == NULL)
		return NULL;
	d = &c->d[c->n++];
	memset(d, 0, sizeof(*d));
	d->f.cause = cause;
	d->f.severity = ci->severity;
	d->f.phase = ci->phase;
	return d;
}

/* Add evidence to the finding of CAUSE ("; " between merged parts). */
static struct draft *
emit(struct ctx *c, enum rdd_cause cause, const char *fmt, ...)
{
	struct draft *d = draft_for(c, cause);
	char part[RDD_EVIDENCE];
	va_list ap;
	int r;

	if (d == NULL)
		return NULL;
	va_start(ap, fmt);
	r = vsnprintf(part, sizeof(part), fmt, ap);
	va_end(ap);
	if (r >= 0 && (size_t)r >= sizeof(part))
		memcpy(part + sizeof(part) - 4, "...", 4);
	append(d->f.evidence, sizeof(d->f.evidence), "%s%s",
	       d->f.evidence[0] ? "; " : "", part);
	return d;
}

static void
set_headline(struct draft *d, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL || d->headline[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(d->headline, sizeof(d->headline), fmt, ap);
	va_end(ap);
}

static void
raise_severity(struct draft *d, enum rdd_severity s)
{
	if (d != NULL && s > d->f.severity)
		d->f.severity = s;
}

/* ---- rules: resolve -------------------------------------------------- */

static void
rule_dns_failure(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_phase_result *p = &obs->phases[RDD_PHASE_RESOLVE];
	const char *why =
	    obs->resolve_error[0] ? obs->resolve_error : p->detail;
	struct draft *d;

	if (p->status == RDD_STATUS_TIMEOUT)
		d = emit(c, RDD_CAUSE_DNS_FAILURE,
		         "resolving %s timed out after %.0f ms%s%s", obs->host,
		         p->ms, why[0] ? ": " : "", why);
	else if (p->status == RDD_STATUS_FAILED)
		d = emit(c, RDD_CAUSE_DNS_FAILURE,
		         "resolving %s failed after %.0f ms: %s", obs->host,
		         p->ms, why[0] ? why : "no address");
	else
		return;
	set_headline(d, "%s does not resolve", obs->host);
}

static void
rule_dns_multiple(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_attempt *a = c->a;
	const char *used;
	bool differs = false;
	struct draft *d;
	size_t i;

	if (a == NULL || obs->n_addresses <= 1 || a->tcp == RDD_TCP_NOT_RUN)
		return;
	used = a->address[0] ? a->address : obs->address;
	for (i = 0; i < obs->n_alt && i < NELEM(obs->alt); i++)
		if (obs->alt[i].tcp != RDD_TCP_NOT_RUN &&
		    strcmp(obs->alt[i].address, used) != 0 &&
		    obs->alt[i].tcp != a->tcp)
			differs = true;
	if (!differs)
		return;
	d = draft_for(c, RDD_CAUSE_DNS_MULTIPLE_ADDRESSES);
	if (d == NULL)
		return;
	append(d->f.evidence, sizeof(d->f.evidence),
	       "%s resolves to %zu addresses: %s %s in %.0f ms (used)",
	       obs->host, obs->n_addresses, used, rdd_tcp_outcome_name(a->tcp),
	       a->tcp_ms);
	for (i = 0; i < obs->n_alt && i < NELEM(obs->alt); i++) {
		const struct rdd_alt_address *alt = &obs->alt[i];

		if (alt->tcp == RDD_TCP_NOT_RUN ||
		    strcmp(alt->address, used) == 0)
			continue;
		append(d->f.evidence, sizeof(d->f.evidence),
		       "; %s %s in %.0f ms", alt->address,
		       rdd_tcp_outcome_name(alt->tcp), alt->ms);
	}
	set_headline(d, "the addresses of %s answer differently", obs->host);
}

/* ---- rules: tcp ------------------------------------------------------ */

/* The cause closest to a connect error text (RDD_TCP_ERROR). */
static enum rdd_cause
tcp_error_cause(const char *err)
{
	if (contains(err, "refused") || contains(err, "ECONNREFUSED") ||
	    contains(err, "reset"))
		return RDD_CAUSE_TCP_REFUSED;
	if (contains(err, "timed out") || contains(err, "timeout") ||
	    contains(err, "ETIMEDOUT"))
		return RDD_CAUSE_TCP_TIMEOUT;
	/* Unreachable, no route, network down, and anything unknown. */
	return RDD_CAUSE_TCP_UNREACHABLE;
}

static void
rule_tcp(struct ctx *c)
{
	const struct rdd_attempt *a = c->a;
	char ep[RDD_ADDR_STR + 16];
	struct draft *d;
	enum rdd_cause cause;

	if (a == NULL)
		return;
	endpoint(c->obs, a, ep, sizeof(ep));
	switch (a->tcp) {
	case RDD_TCP_REFUSED:
		d = emit(c, RDD_CAUSE_TCP_REFUSED,
		         "TCP RST in answer to SYN from %s after %.0f ms", ep,
		         a->tcp_ms);
		set_headline(d, "%s refuses the connection", ep);
		break;
	case RDD_TCP_TIMEOUT:
		d = emit(c, RDD_CAUSE_TCP_TIMEOUT,
		         "no answer to SYN from %s within %.0f ms", ep,
		         a->tcp_ms);
		set_headline(d, "%s does not answer the TCP SYN (filtered)",
		             ep);
		break;
	case RDD_TCP_UNREACHABLE:
		d = emit(c, RDD_CAUSE_TCP_UNREACHABLE,
		         "%s unreachable after %.0f ms%s%s", ep, a->tcp_ms,
		         a->tcp_error[0] ? ": " : "", a->tcp_error);
		set_headline(d, "%s is unreachable", ep);
		break;
	case RDD_TCP_ERROR:
		cause = tcp_error_cause(a->tcp_error);
		d = emit(c, cause, "connecting to %s failed after %.0f ms: %s",
		         ep, a->tcp_ms,
		         a->tcp_error[0] ? a->tcp_error : "error");
		set_headline(d, "connecting to %s fails (%s)", ep,
		             a->tcp_error[0] ? a->tcp_error : "error");
		break;
	case RDD_TCP_NOT_RUN:
	case RDD_TCP_OK:
		break;
	}
}

/* ---- rules: x224 ----------------------------------------------------- */

/* What the first bytes of a non-RDP answer look like, or NULL. */
static const char *
guess_protocol(const uint8_t *b, size_t n)
{
	if (n >= 5 && memcmp(b, "HTTP/", 5) == 0)
		return "HTTP";
	if (n >= 4 && memcmp(b, "SSH-", 4) == 0)
		return "SSH";
	if (n >= 2 && b[0] == 0x16 && b[1] == 0x03)
		return "a TLS handshake";
	if (n >= 2 && b[0] == 0x15 && b[1] == 0x03)
		return "a TLS alert";
	if (n >= 4 && (memcmp(b, "220 ", 4) == 0 || memcmp(b, "220-", 4) == 0))
		return "an SMTP or FTP greeting";
	if (n >= 2 && b[0] == 0x03 && b[1] == 0x00)
		return "TPKT";
	return NULL;
}

static void
rule_x224(struct ctx *c)
{
	const struct rdd_attempt *a = c->a;
	char hex[RDD_FIRST_BYTES * 3 + 1];
	const char *what;
	struct draft *d;
	size_t i, n;

	if (a == NULL)
		return;
	switch (a->x224) {
	case RDD_X224_TIMEOUT:
		d = emit(
		    c, RDD_CAUSE_X224_TIMEOUT,
		    "TCP connected in %.0f ms; no X.224 Connection Confirm "
		    "within %.0f ms%s%s",
		    a->tcp_ms, a->x224_ms, a->x224_detail[0] ? ": " : "",
		    a->x224_detail);
		set_headline(d, "the server never answers the X.224 "
		                "Connection Request");
		break;
	case RDD_X224_RESET:
	case RDD_X224_CLOSED:
		what =
		    a->x224 == RDD_X224_RESET ? "reset (RST)" : "closed (FIN)";
		d = emit(c, RDD_CAUSE_X224_RESET,
		         "connection %s %.0f ms after the X.224 Connection "
		         "Request, before any Connection Confirm%s%s",
		         what, a->x224_ms, a->x224_detail[0] ? ": " : "",
		         a->x224_detail);
		set_headline(d,
		             "the connection is %s right after the X.224 "
		             "Connection Request",
		             a->x224 == RDD_X224_RESET ? "reset" : "closed");
		break;
	case RDD_X224_NOT_RDP:
	case RDD_X224_MALFORMED:
		hex[0] = '\0';
		n = a->n_first_bytes < RDD_FIRST_BYTES ? a->n_first_bytes
		                                       : RDD_FIRST_BYTES;
		for (i = 0; i < n; i++)
			append(hex, sizeof(hex), "%s%02x", i ? " " : "",
			       a->first_bytes[i]);
		what = guess_protocol(a->first_bytes, n);
		d = emit(
		    c, RDD_CAUSE_X224_NOT_RDP, "%s: first %zu bytes %s%s%s%s%s",
		    a->x224 == RDD_X224_MALFORMED
		        ? "TPKT/X.224 answer that is not a valid Connection "
		          "Confirm"
		        : "the answer is not TPKT/X.224",
		    n, n ? hex : "(none)", what ? " (looks like " : "",
		    what ? what : "", what ? ")" : "",
		    a->x224_detail[0] ? "; " : "");
		if (d != NULL)
			append(d->f.evidence, sizeof(d->f.evidence), "%s",
			       a->x224_detail);
		set_headline(d, "the service on port %u does not speak RDP",
		             (unsigned)c->obs->port);
		break;
	case RDD_X224_NOT_RUN:
	case RDD_X224_RSP:
	case RDD_X224_FAILURE:
	case RDD_X224_NO_NEG_DATA:
		break;
	}
}

static void
rule_nego(struct ctx *c)
{
	static const enum rdd_cause by_code[] = {
	    RDD_CAUSE_COUNT,
	    RDD_CAUSE_NEGO_SSL_REQUIRED,
	    RDD_CAUSE_NEGO_SSL_NOT_ALLOWED,
	    RDD_CAUSE_NEGO_CERT_NOT_ON_SERVER,
	    RDD_CAUSE_NEGO_INCONSISTENT_FLAGS,
	    RDD_CAUSE_NEGO_HYBRID_REQUIRED,
	    RDD_CAUSE_NEGO_SSL_WITH_USER_AUTH_REQUIRED,
	};
	const struct rdd_observation *obs = c->obs;
	char names[64];
	size_t i;

	for (i = 0; i < obs->n_attempts && i < NELEM(obs->attempts); i++) {
		const struct rdd_attempt *at = &obs->attempts[i];
		struct draft *d;
		uint32_t code = at->failure_code;

		if (at->x224 != RDD_X224_FAILURE || code == 0 ||
		    code >= NELEM(by_code))
			continue;
		d = emit(c, by_code[code],
		         "request 0x%08x (%s) -> RDP_NEG_FAILURE %s (%u) "
		         "[attempt %s]",
		         (unsigned)at->requested,
		         proto_names(at->requested, names, sizeof(names)),
		         neg_failure_name(code), (unsigned)code, at->label);
		if (at == c->a && !(code == RDD_NEG_SSL_NOT_ALLOWED_BY_SERVER &&
		                    rdd_plan_rdp_fallback(obs))) {
			raise_severity(d, RDD_SEV_CRITICAL);
			set_headline(d, "the server answers RDP_NEG_FAILURE %s",
			             neg_failure_name(code));
		}
	}
}

static void
rule_nla_not_required(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	char req[64], sel[64];
	size_t i;

	if (obs->nla_required != 0)
		return;
	for (i = 0; i < obs->n_attempts && i < NELEM(obs->attempts); i++) {
		const struct rdd_attempt *at = &obs->attempts[i];

		if (at->x224 == RDD_X224_RSP &&
		    !(at->selected &
		      (RDD_PROTO_HYBRID | RDD_PROTO_HYBRID_EX))) {
			emit(c, RDD_CAUSE_NLA_NOT_REQUIRED,
			     "request %s (0x%x) -> selected %s: %s without "
			     "CredSSP accepted [attempt %s]",
			     proto_names(at->requested, req, sizeof(req)),
			     (unsigned)at->requested,
			     proto_names(at->selected, sel, sizeof(sel)),
			     at->selected == RDD_PROTO_RDP
			         ? "Standard RDP Security"
			         : "TLS",
			     at->label);
			return;
		}
		if (at->x224 == RDD_X224_NO_NEG_DATA) {
			emit(c, RDD_CAUSE_NLA_NOT_REQUIRED,
			     "request %s (0x%x) -> Connection Confirm without "
			     "negotiation data: Standard RDP Security without "
			     "CredSSP accepted [attempt %s]",
			     proto_names(at->requested, req, sizeof(req)),
			     (unsigned)at->requested, at->label);
			return;
		}
	}
	emit(c, RDD_CAUSE_NLA_NOT_REQUIRED,
	     "the negotiation shows CredSSP is not required (security layer "
	     "%s)",
	     rdd_security_layer_name(obs->security_layer)
	         ? rdd_security_layer_name(obs->security_layer)
	         : "unknown");
}

/* ---- rules: tls ------------------------------------------------------ */

static void
rule_tls(struct ctx *c)
{
	const struct rdd_attempt *a = c->a;
	const char *det;
	struct draft *d;

	if (a == NULL)
		return;
	det = a->tls_detail;
	switch (a->tls) {
	case RDD_TLS_RESET:
	case RDD_TLS_CLOSED:
		d = emit(c, RDD_CAUSE_TLS_RESET,
		         "connection %s right after the ClientHello, no alert "
		         "(%.0f ms into the handshake)%s%s",
		         a->tls == RDD_TLS_RESET ? "reset (RST)"
		                                 : "closed (FIN)",
		         a->tls_ms, det[0] ? ": " : "", det);
		set_headline(d, "the server drops the TLS handshake without "
		                "an alert");
		break;
	case RDD_TLS_NOT_TLS:
		d = emit(
		    c, RDD_CAUSE_TLS_RESET,
		    "the server selected TLS but answered the ClientHello with "
		    "bytes that are not TLS, no alert (%.0f ms)%s%s",
		    a->tls_ms, det[0] ? ": " : "", det);
		set_headline(d, "the server breaks off the TLS handshake");
		break;
	case RDD_TLS_ALERT:
		d = emit(c, RDD_CAUSE_TLS_ALERT,
		         "%s alert %s (%u) after %.0f ms%s%s",
		         a->alert_level == 1 ? "warning" : "fatal",
		         alert_name(a->alert_desc), (unsigned)a->alert_desc,
		         a->tls_ms, det[0] ? ": " : "", det);
		set_headline(d,
		             "the server ends the TLS handshake with alert "
		             "%s (%u)",
		             alert_name(a->alert_desc),
		             (unsigned)a->alert_desc);
		break;
	case RDD_TLS_ERROR:
		d = emit(
		    c, RDD_CAUSE_TLS_ALERT,
		    "the TLS handshake failed on the client side after %.0f "
		    "ms: %s",
		    a->tls_ms, det[0] ? det : "no detail");
		set_headline(d, "the TLS handshake fails");
		break;
	case RDD_TLS_TIMEOUT:
		d = emit(
		    c, RDD_CAUSE_TLS_TIMEOUT,
		    "no complete ServerHello/Certificate flight within %.0f "
		    "ms after the ClientHello%s%s",
		    a->tls_ms, det[0] ? ": " : "", det);
		set_headline(d, "the TLS handshake stalls");
		break;
	case RDD_TLS_NOT_RUN:
	case RDD_TLS_OK:
		break;
	}
}

/* ---- rules: TLS versions and cipher suites ----------------------------- */

static bool
legacy_version(const char *v)
{
	return strcmp(v, "SSLv3") == 0 || strcmp(v, "TLSv1") == 0 ||
	       strcmp(v, "TLSv1.0") == 0 || strcmp(v, "TLSv1.1") == 0;
}

/* An anonymous suite: IANA (TLS_DH_anon_...) or OpenSSL (ADH-, AECDH-). */
static bool
anon_suite(const char *name)
{
	return contains(name, "_anon_") || starts_with(name, "ADH") ||
	       starts_with(name, "AECDH");
}

static bool
weak_suite_name(const char *name)
{
	return anon_suite(name) || contains(name, "RC4") ||
	       contains(name, "3DES") || contains(name, "DES-CBC") ||
	       contains(name, "_DES_") || contains(name, "EXPORT") ||
	       contains(name, "NULL");
}

static const char *const version_names[RDD_TLS_N_VERSIONS] = {
    "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

/* From the enumeration (--tls-full). */
static void
rule_tls_enum(struct ctx *c, const struct rdd_tls_enum_info *e)
{
	struct rdd_tls_compat compat[RDD_TLS_N_CLIENTS];
	char list[RDD_EVIDENCE / 2] = "", fails[RDD_EVIDENCE / 2] = "";
	size_t n, n_weak = 0, n_cbc10 = 0, n_10 = 0;
	bool win_fails = false;
	struct draft *d;
	int vi, top = -1;

	for (vi = 0; vi < RDD_TLS_N_VERSIONS; vi++) {
		if (!e->accepted[vi])
			continue;
		top = vi;
		append(list, sizeof(list), "%s%s", list[0] ? ", " : "",
		       version_names[vi]);
	}
	if (top < 0)
		return;
	if (top <= 2) {
		d = emit(c, RDD_CAUSE_TLS_LEGACY_ONLY,
		         "the server accepts %s and refuses TLS 1.2 and 1.3 "
		         "(hand-built ClientHellos, one version each)",
		         list);
		set_headline(d, "the server speaks nothing newer than %s",
		             version_names[top]);
	}
	n = rdd_tls_compat(e, compat, RDD_TLS_N_CLIENTS);
	for (size_t i = 0; i < n; i++) {
		if (compat[i].ok || !contains(compat[i].reason, "cipher"))
			continue;
		append(fails, sizeof(fails), "%s%s", fails[0] ? ", " : "",
		       compat[i].client);
		if (strcmp(compat[i].id, "win10") == 0)
			win_fails = true;
	}
	if (fails[0] != '\0') {
		d = emit(c, RDD_CAUSE_TLS_NO_COMMON_CIPHER,
		         "no cipher suite in common with: %s (from their "
		         "default suites and the %zu suites the server "
		         "accepts)",
		         fails, e->n_ciphers);
		set_headline(d, "the server's cipher suites match no default "
		                "client");
		if (win_fails)
			raise_severity(d, RDD_SEV_CRITICAL);
	}
	list[0] = '\0';
	for (size_t i = 0; i < e->n_ciphers; i++) {
		const struct rdd_tls_cipher *s = &e->ciphers[i];

		if (s->version == 0x0301) {
			n_10++;
			n_cbc10 += contains(s->name, "_CBC_");
		}
		if (strcmp(s->strength, "insecure") != 0 &&
		    strcmp(s->strength, "weak") != 0)
			continue;
		if (n_weak++ < 4)
			append(
			    list, sizeof(list), "%s%s (%s)",
			    list[0] ? ", " : "", s->name,
			    version_names[rdd_tls_version_index(s->version)]);
	}
	if (n_weak > 0) {
		d = emit(c, RDD_CAUSE_TLS_WEAK_CIPHER,
		         "%zu weak suite%s accepted: %s%s", n_weak,
		         n_weak == 1 ? "" : "s", list,
		         n_weak > 4 ? ", ..." : "");
		set_headline(d, "the server accepts weak cipher suites");
	}
	if (top == 1 && n_10 > 0 && n_cbc10 == n_10) {
		d = emit(c, RDD_CAUSE_TLS_WEAK_CIPHER,
		         "TLS 1.0 is the newest version and every suite it "
		         "accepts is CBC (BEAST, Lucky Thirteen)");
		set_headline(d, "the server accepts weak cipher suites");
	}
}

static void
rule_tls_suites(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_tls_info *t = &obs->tls;
	struct draft *d;

	if (obs->tls_enum.present) {
		rule_tls_enum(c, &obs->tls_enum);
	} else if (t->present && legacy_version(t->version)) {
		d = emit(c, RDD_CAUSE_TLS_LEGACY_ONLY,
		         "offered TLS 1.0 to 1.3, the server chose %s [attempt "
		         "%s]",
		         t->version, t->attempt);
		set_headline(d, "the server speaks nothing newer than %s",
		             t->version);
	}
	if (!t->present)
		return;
	if (!t->cert.present && anon_suite(t->cipher)) {
		/* The plain check offers anonymous suites (OpenSSL at
		 * security level 0); mstsc does not, so it gets an alert. */
		d = emit(c, RDD_CAUSE_TLS_NO_COMMON_CIPHER,
		         "the handshake completed only with %s, an anonymous "
		         "suite, and no certificate [attempt %s]: a default "
		         "Windows client offers no anonymous suite and gets a "
		         "handshake_failure alert",
		         t->cipher, t->attempt);
		set_headline(d, "the server accepts only anonymous cipher "
		                "suites, which no default client offers");
		raise_severity(d, RDD_SEV_CRITICAL);
	}
	if (!obs->tls_enum.present && weak_suite_name(t->cipher)) {
		d = emit(c, RDD_CAUSE_TLS_WEAK_CIPHER,
		         "the server chose %s [attempt %s]", t->cipher,
		         t->attempt);
		set_headline(d, "the server accepts weak cipher suites");
	}
}

/* ---- rules: certificate ---------------------------------------------- */

static void
cert_subject(struct draft *d, const struct rdd_cert *cert)
{
	if (d != NULL && cert->subject[0] != '\0')
		append(d->f.evidence, sizeof(d->f.evidence), "; subject %s",
		       cert->subject);
}

static void
rule_cert_validity(struct ctx *c)
{
	const struct rdd_cert *cert = &c->obs->tls.cert;
	int64_t now = c->obs->checked_at;
	char date[48], span[48];
	struct draft *d;

	/* Validity is judged only against a known time of the check. */
	if (now <= 0)
		return;
	if (cert->not_after != 0 && cert->not_after < now) {
		d = emit(c, RDD_CAUSE_CERT_EXPIRED, "notAfter %s, %s ago",
		         fmt_date(cert->not_after, true, date, sizeof(date)),
		         fmt_span(now - cert->not_after, span, sizeof(span)));
		cert_subject(d, cert);
		set_headline(
		    d, "the certificate expired %s",
		    fmt_date(cert->not_after, false, date, sizeof(date)));
	} else if (cert->not_after != 0 &&
	           cert->not_after - now < 30 * (int64_t)86400) {
		d = emit(c, RDD_CAUSE_CERT_EXPIRING_SOON,
		         "notAfter %s, %s left",
		         fmt_date(cert->not_after, true, date, sizeof(date)),
		         fmt_span(cert->not_after - now, span, sizeof(span)));
		cert_subject(d, cert);
	}
	if (cert->not_before > now) {
		d = emit(c, RDD_CAUSE_CERT_NOT_YET_VALID,
		         "notBefore %s, %s in the future",
		         fmt_date(cert->not_before, true, date, sizeof(date)),
		         fmt_span(cert->not_before - now, span, sizeof(span)));
		cert_subject(d, cert);
		set_headline(
		    d, "the certificate is not valid until %s",
		    fmt_date(cert->not_before, false, date, sizeof(date)));
	}
}

static void
rule_cert_identity(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_cert *cert = &obs->tls.cert;
	struct draft *d;
	size_t i;

	if (cert->self_signed) {
		if (cert->issuer[0] != '\0')
			emit(c, RDD_CAUSE_CERT_SELF_SIGNED,
			     "issuer = subject: %s", cert->issuer);
		else
			emit(c, RDD_CAUSE_CERT_SELF_SIGNED,
			     "the certificate is signed by its own key");
	}
	if (cert->name_match == 0) {
		d = emit(c, RDD_CAUSE_CERT_NAME_MISMATCH,
		         "name %s used; certificate ",
		         cert->name_checked[0] ? cert->name_checked
		                               : obs->host);
		if (d == NULL)
			return;
		if (cert->common_name[0] != '\0')
			append(d->f.evidence, sizeof(d->f.evidence), "CN=%s",
			       cert->common_name);
		else
			append(d->f.evidence, sizeof(d->f.evidence), "no CN");
		for (i = 0; i < cert->n_san && i < RDD_MAX_SAN; i++)
			append(d->f.evidence, sizeof(d->f.evidence), "%s%s",
			       i == 0 ? ", SAN " : ", ", cert->san[i]);
		if (cert->n_san == 0)
			append(d->f.evidence, sizeof(d->f.evidence),
			       ", no SAN");
	}
}

static void
rule_cert_weak(struct ctx *c)
{
	const struct rdd_cert *cert = &c->obs->tls.cert;
	static const struct {
		const char *needle;
		const char *name;
	} weak_hash[] = {
	    {"sha1", "SHA-1"}, {"sha-1", "SHA-1"}, {"md5", "MD5"},
	    {"md4", "MD4"},    {"md2", "MD2"},
	};
	int min_bits = 0;
	size_t i;

	if (starts_with(cert->key_type, "RSA") ||
	    starts_with(cert->key_type, "DSA"))
		min_bits = 2048;
	else if (starts_with(cert->key_type, "EC") ||
	         strcmp(cert->key_type, "id-ecPublicKey") == 0)
		min_bits = 224;
	if (min_bits != 0 && cert->key_bits > 0 && cert->key_bits < min_bits)
		emit(c, RDD_CAUSE_CERT_WEAK, "%s key of %d bits (minimum %d)",
		     cert->key_type, cert->key_bits, min_bits);
	for (i = 0; i < NELEM(weak_hash); i++) {
		if (contains(cert->signature, weak_hash[i].needle)) {
			emit(c, RDD_CAUSE_CERT_WEAK, "signature %s (%s)",
			     cert->signature, weak_hash[i].name);
			break;
		}
	}
}

/* An EKU extension without Server Authentication or Remote Desktop
 * Authentication (no extension means any use). */
static void
rule_cert_usage(struct ctx *c)
{
	const struct rdd_cert *cert = &c->obs->tls.cert;
	struct draft *d;

	if (!cert->has_eku || cert->eku_server_auth || cert->eku_rdp_auth)
		return;
	d = emit(c, RDD_CAUSE_CERT_WRONG_USAGE,
	         "the extended key usage lists neither Server Authentication "
	         "nor Remote Desktop Authentication [attempt %s]",
	         c->obs->tls.attempt);
	set_headline(d, "the certificate is not issued for server "
	                "authentication");
}

/* A CA-issued certificate whose chain leads to no trusted root
 * (self-signed ones have cert-self-signed). */
static void
rule_cert_trust(struct ctx *c)
{
	const struct rdd_cert *cert = &c->obs->tls.cert;
	struct draft *d;

	if (cert->trusted != 0 || cert->self_signed)
		return;
	d = emit(c, RDD_CAUSE_CERT_UNTRUSTED, "issuer %s: %s [attempt %s]",
	         cert->issuer,
	         cert->trust_error[0] ? cert->trust_error : "not trusted",
	         c->obs->tls.attempt);
	set_headline(d, "the certificate does not chain to a trusted root");
}

static void
rule_cert(struct ctx *c)
{
	if (!c->obs->tls.cert.present)
		return;
	rule_cert_validity(c);
	rule_cert_identity(c);
	rule_cert_weak(c);
	rule_cert_usage(c);
	rule_cert_trust(c);
}

/* ---- rules: credssp -------------------------------------------------- */

/* Below this the server's CredSSP predates the March 2018 update
 * (shared/reference/protocol.md 4.2): patched clients refuse it. */
#define CREDSSP_UNPATCHED_MAX 3
/* A clock off by this much (seconds) is reported; Kerberos allows 300. */
#define CLOCK_SKEW_WARN 120

int
rdd_clock_skew_s(const struct rdd_observation *obs, int64_t *skew)
{
	const struct rdd_ntlm_info *n = &obs->credssp.ntlm;
	double local;

	if (obs->checked_at <= 0 || !n->present || !n->has_time ||
	    n->time_at_ms < 0 || n->time_at_ms > 1e9)
		return -1;
	/* The local clock when the CHALLENGE arrived, to the second. */
	local = (double)obs->checked_at + n->time_at_ms / 1000.0;
	*skew = n->server_time - (int64_t)(local + 0.5);
	return 0;
}

static const char *
nego_kind(bool spnego)
{
	return spnego ? "SPNEGO-wrapped NTLM NEGOTIATE"
	              : "plain NTLM NEGOTIATE";
}

/* "; SPNEGO-wrapped NTLM NEGOTIATE [attempt A2]: closed: ..." */
static void
other_request(struct draft *d, const struct rdd_credssp_info *ci)
{
	const char *o = rdd_credssp_outcome_name(ci->other_outcome);

	if (d == NULL || ci->other_outcome == RDD_CREDSSP_NOT_RUN)
		return;
	append(d->f.evidence, sizeof(d->f.evidence),
	       "; the %s [attempt %s]: %s%s%s", nego_kind(ci->other_spnego),
	       ci->other_attempt, o != NULL ? o : "?",
	       ci->other_detail[0] ? ": " : "", ci->other_detail);
}

static void
rule_credssp_exchange(struct ctx *c)
{
	const struct rdd_credssp_info *ci = &c->obs->credssp;
	const struct rdd_code *code;
	struct draft *d = NULL;

	switch (ci->outcome) {
	case RDD_CREDSSP_CLOSED:
	case RDD_CREDSSP_RESET:
		d = emit(c, RDD_CAUSE_CREDSSP_CLOSED,
		         "%s (%.0f ms; the client's first TSRequest carried a "
		         "%s) [attempt %s]",
		         ci->detail, ci->ms, nego_kind(ci->spnego),
		         ci->attempt);
		other_request(d, ci);
		set_headline(d,
		             "the server %s the connection after the first "
		             "CredSSP message",
		             ci->outcome == RDD_CREDSSP_RESET ? "resets"
		                                              : "closes");
		break;
	case RDD_CREDSSP_TIMEOUT:
		d = emit(c, RDD_CAUSE_CREDSSP_TIMEOUT,
		         "%s, after a %s [attempt %s]", ci->detail,
		         nego_kind(ci->spnego), ci->attempt);
		other_request(d, ci);
		set_headline(d, "the server does not answer the first CredSSP "
		                "message");
		break;
	case RDD_CREDSSP_ERROR:
		if (ci->has_error_code)
			break; /* below */
		d = emit(c, RDD_CAUSE_CREDSSP_ERROR,
		         "%s, in answer to a %s [attempt %s]", ci->detail,
		         nego_kind(ci->spnego), ci->attempt);
		other_request(d, ci);
		set_headline(d, "the server refuses the first CredSSP message");
		break;
	case RDD_CREDSSP_NOT_RUN:
	case RDD_CREDSSP_OK:
	case RDD_CREDSSP_MALFORMED:
		break;
	}
	if (!ci->has_error_code || ci->outcome == RDD_CREDSSP_NOT_RUN)
		return;
	code = rdd_code_find(RDD_TABLE_CREDSSP, ci->error_code);
	d = emit(c, RDD_CAUSE_CREDSSP_ERROR,
	         "errorCode 0x%08X %s%s%s%s in the server's TSRequest (version "
	         "%u), in answer to a %s [attempt %s]",
	         (unsigned)ci->error_code,
	         code != NULL ? code->name
	                      : "(not a known NTSTATUS or SSPI code)",
	         code != NULL ? " (" : "", code != NULL ? code->message : "",
	         code != NULL ? ")" : "", (unsigned)ci->server_version,
	         nego_kind(ci->spnego), ci->attempt);
	if (ci->outcome == RDD_CREDSSP_OK) {
		/* A CHALLENGE came all the same: the exchange goes on. */
		if (d != NULL)
			d->f.severity = RDD_SEV_WARNING;
		return;
	}
	other_request(d, ci);
	set_headline(d,
	             "the server answers the first CredSSP message with "
	             "errorCode 0x%08X %s",
	             (unsigned)ci->error_code, code != NULL ? code->name : "");
}

static void
rule_credssp_version(struct ctx *c)
{
	const struct rdd_credssp_info *ci = &c->obs->credssp;
	struct draft *d;

	if (ci->outcome == RDD_CREDSSP_NOT_RUN || !ci->has_version ||
	    ci->server_version >= 6)
		return;
	if (ci->server_version <= CREDSSP_UNPATCHED_MAX) {
		d = emit(
		    c, RDD_CAUSE_CREDSSP_OUTDATED,
		    "the server's TSRequest says CredSSP version %u: "
		    "versions 2 and 3 predate the March 2018 update "
		    "(CVE-2018-0886), which clients with Encryption Oracle "
		    "Remediation \"Mitigated\" (the default since May "
		    "2018) or \"Force Updated Clients\" refuse; current "
		    "Windows sends 6 [attempt %s]",
		    (unsigned)ci->server_version, ci->attempt);
		raise_severity(d, RDD_SEV_CRITICAL);
		set_headline(d,
		             "the server's CredSSP (version %u) predates the "
		             "March 2018 update, so patched clients refuse it",
		             (unsigned)ci->server_version);
		return;
	}
	emit(c, RDD_CAUSE_CREDSSP_OUTDATED,
	     "the server's TSRequest says CredSSP version %u, below 6, the "
	     "version every Windows with the March 2018 update (CVE-2018-0886) "
	     "and later sends [attempt %s]",
	     (unsigned)ci->server_version, ci->attempt);
}

static void
rule_clock_skew(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_ntlm_info *n = &obs->credssp.ntlm;
	char server[48], local[48], span[48];
	int64_t skew, mag;

	if (rdd_clock_skew_s(obs, &skew) != 0)
		return;
	mag = skew < 0 ? -skew : skew;
	if (mag < CLOCK_SKEW_WARN)
		return;
	emit(c, RDD_CAUSE_SERVER_CLOCK_SKEW,
	     "NTLM CHALLENGE timestamp %s, local clock %s: the server is %s "
	     "%s (Kerberos allows 5 minutes) [attempt %s]",
	     fmt_date(n->server_time, true, server, sizeof(server)),
	     fmt_date(n->server_time - skew, true, local, sizeof(local)),
	     fmt_span(mag, span, sizeof(span)), skew > 0 ? "ahead" : "behind",
	     obs->credssp.attempt);
}

static void
rule_credssp(struct ctx *c)
{
	rule_credssp_exchange(c);
	rule_credssp_version(c);
	rule_clock_skew(c);
}

/* ---- rules: mcs ---------------------------------------------------------- */

static const struct rdd_attempt *
attempt_by_label(const struct rdd_observation *obs, const char *label)
{
	size_t i;

	for (i = 0; i < obs->n_attempts && i < NELEM(obs->attempts); i++)
		if (strcmp(obs->attempts[i].label, label) == 0)
			return &obs->attempts[i];
	return NULL;
}

/* The attempt whose MCS a default client goes through (as plan.c): A's,
 * or C's when mstsc falls back to standard RDP security. */
static const struct rdd_attempt *
mcs_attempt(const struct ctx *c)
{
	const struct rdd_attempt *fb;

	if (c->a == NULL)
		return NULL;
	if (c->a->mcs != RDD_MCS_NOT_RUN)
		return c->a;
	fb = attempt_by_label(c->obs, "C");
	if (fb != NULL && fb->mcs != RDD_MCS_NOT_RUN &&
	    rdd_plan_rdp_fallback(c->obs))
		return fb;
	return NULL;
}

/* What the Connect-Initial said: "serverSelectedProtocol SSL". */
static const char *
mcs_request(const struct rdd_attempt *m, char *buf, size_t cap)
{
	char sel[32];

	buf[0] = '\0';
	append(
	    buf, cap, "serverSelectedProtocol %s, encryptionMethods 0x%02x",
	    proto_names(m->x224 == RDD_X224_RSP ? m->selected : RDD_PROTO_RDP,
	                sel, sizeof(sel)),
	    (unsigned)m->encryption_methods);
	return buf;
}

static void
rule_mcs_rejected(struct ctx *c)
{
	const struct rdd_attempt *m = mcs_attempt(c);
	char req[96];
	const char *name;
	struct draft *d;

	if (m == NULL)
		return;
	switch (m->mcs) {
	case RDD_MCS_OK:
		if (m->mcs_result == 0)
			return;
		name = m->mcs_result >= 0
		           ? rdd_mcs_result_name((unsigned)m->mcs_result)
		           : NULL;
		d = emit(c, RDD_CAUSE_MCS_REJECTED,
		         "the MCS Connect-Initial (%s) was answered: %s "
		         "[attempt %s]",
		         mcs_request(m, req, sizeof(req)), m->mcs_detail,
		         m->label);
		set_headline(d,
		             "the server answers the MCS Connect-Initial "
		             "with %s",
		             name != NULL ? name : "a failure result");
		break;
	case RDD_MCS_DISCONNECTED:
	case RDD_MCS_CLOSED:
	case RDD_MCS_RESET:
		d = emit(c, RDD_CAUSE_MCS_REJECTED,
		         "%s, %.0f ms after the MCS Connect-Initial (%s) "
		         "[attempt %s]",
		         m->mcs_detail, m->mcs_ms,
		         mcs_request(m, req, sizeof(req)), m->label);
		set_headline(d, "the server drops the connection after the "
		                "MCS Connect-Initial");
		break;
	case RDD_MCS_NOT_RUN:
	case RDD_MCS_TIMEOUT:
	case RDD_MCS_MALFORMED:
	case RDD_MCS_ERROR:
		break;
	}
}

/* The first connection (plan order) that completed the Basic Settings
 * Exchange with standard RDP security, the encryption probes aside. */
static const struct rdd_attempt *
rdp_security_attempt(const struct rdd_observation *obs)
{
	size_t i;

	for (i = 0; i < obs->n_attempts && i < NELEM(obs->attempts); i++) {
		const struct rdd_attempt *at = &obs->attempts[i];

		if (rdd_plan_is_encryption_probe(at->label))
			continue;
		if (((at->x224 == RDD_X224_RSP &&
		      at->selected == RDD_PROTO_RDP) ||
		     at->x224 == RDD_X224_NO_NEG_DATA) &&
		    at->mcs == RDD_MCS_OK && at->mcs_result == 0)
			return at;
	}
	return NULL;
}

static void
rule_rdp_security(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_attempt *at = rdp_security_attempt(obs);
	const char *level, *method;
	char req[64], part[RDD_EVIDENCE];
	size_t i;

	if (at == NULL)
		return;
	emit(c, RDD_CAUSE_RDP_SECURITY_ALLOWED,
	     "request %s (0x%x) -> %s: %s [attempt %s]",
	     proto_names(at->requested, req, sizeof(req)),
	     (unsigned)at->requested,
	     at->x224 == RDD_X224_RSP ? "selected RDP"
	                              : "Connection Confirm without "
	                                "negotiation data",
	     at->mcs_detail, at->label);

	/* Weak encryption: the level the server runs, the method it chose
	 * for mstsc's offer, and the methods it accepts alone. */
	part[0] = '\0';
	level = rdd_encryption_level_desc(at->mcs_encryption_level);
	method = rdd_encryption_method_desc(at->mcs_encryption_method);
	if (at->mcs_encryption_level == RDD_ENCRYPTION_LEVEL_NONE)
		append(part, sizeof(part),
		       "encryption level None: no encryption at all "
		       "[attempt %s]",
		       at->label);
	else if (at->mcs_encryption_level == RDD_ENCRYPTION_LEVEL_LOW)
		append(part, sizeof(part),
		       "encryption level Low: only the client's data is "
		       "encrypted (%s) [attempt %s]",
		       method != NULL ? method : "unknown method", at->label);
	else if (at->mcs_encryption_method == RDD_ENCRYPTION_METHOD_40BIT ||
	         at->mcs_encryption_method == RDD_ENCRYPTION_METHOD_56BIT)
		append(part, sizeof(part),
		       "offered 40, 56 and 128-bit RC4 and FIPS, the server "
		       "chose %s at level %s [attempt %s]",
		       method, level != NULL ? level : "unknown", at->label);
	for (i = 0; i < obs->mcs.n_accepted_encryption_methods &&
	            i < RDD_MAX_ENCRYPTION_METHODS;
	     i++) {
		uint32_t m = obs->mcs.accepted_encryption_methods[i];

		if (m != RDD_ENCRYPTION_METHOD_40BIT &&
		    m != RDD_ENCRYPTION_METHOD_56BIT)
			continue;
		append(part, sizeof(part),
		       "%s%s accepted when offered alone [attempt %s]",
		       part[0] ? "; " : "", rdd_encryption_method_desc(m),
		       m == RDD_ENCRYPTION_METHOD_40BIT ? "E40" : "E56");
	}
	if (part[0] != '\0')
		emit(c, RDD_CAUSE_RDP_ENCRYPTION_WEAK, "%s", part);
}

static void
rule_mcs(struct ctx *c)
{
	rule_mcs_rejected(c);
	rule_rdp_security(c);
}

/* ---- verdict ----------------------------------------------------------- */

/* Before: higher severity first, then earlier phase; else keep order. */
static bool
before(const struct draft *x, const struct draft *y)
{
	if (x->f.severity != y->f.severity)
		return x->f.severity > y->f.severity;
	return x->f.phase < y->f.phase;
}

static void
sort_drafts(struct ctx *c)
{
	struct draft tmp;
	size_t i, j;

	/* Insertion sort: stable, and n <= RDD_MAX_FINDINGS. */
	for (i = 1; i < c->n; i++) {
		tmp = c->d[i];
		for (j = i; j > 0 && before(&tmp, &c->d[j - 1]); j--)
			c->d[j] = c->d[j - 1];
		c->d[j] = tmp;
	}
}

/* The first phase of the connection sequence that failed, or -1. */
/* ---- rules: RDP-UDP (phase udp) ------------------------------------------ */

/*
 * The RDPEUDP SYN got no SYN+ACK (or an ICMP port unreachable) while TCP
 * works: the client falls back to TCP. A host that answers nothing at all
 * is tcp-timeout's, not this.
 */
static void
rule_udp(struct ctx *c)
{
	const struct rdd_udp_info *u = &c->obs->udp;
	const struct rdd_mcs_info *m = &c->obs->mcs;
	char mt[128] = "";
	struct draft *d;

	if (c->a == NULL || c->a->tcp != RDD_TCP_OK ||
	    (u->outcome != RDD_UDP_NO_ANSWER && u->outcome != RDD_UDP_REFUSED))
		return;
	if (m->outcome == RDD_MCS_OK && m->has_multitransport)
		snprintf(mt, sizeof(mt),
		         "; yet the MCS Connect-Response offers UDP "
		         "(SC_MULTITRANSPORT flags 0x%08x)",
		         (unsigned)m->multitransport_flags);
	else if (m->outcome == RDD_MCS_OK)
		snprintf(mt, sizeof(mt),
		         "; the MCS Connect-Response has no SC_MULTITRANSPORT "
		         "either");
	if (u->outcome == RDD_UDP_REFUSED)
		d = emit(c, RDD_CAUSE_UDP_BLOCKED,
		         "ICMP port unreachable in answer to an RDP-UDP SYN on "
		         "UDP %u: nothing listens there or a firewall rejects "
		         "it; clients fall back to TCP%s",
		         (unsigned)u->port, mt);
	else
		d = emit(c, RDD_CAUSE_UDP_BLOCKED,
		         "no SYN+ACK to %u RDP-UDP SYNs on UDP %u within %.0f "
		         "ms while TCP %u answers: dropped on the way, or no "
		         "UDP listener; clients fall back to TCP%s",
		         u->syns_sent, (unsigned)u->port, u->ms,
		         (unsigned)c->obs->port, mt);
	set_headline(d, "RDP over UDP %u is blocked", (unsigned)u->port);
}

/* ---- rules: the path (phase network) ----------------------------------- */

/*
 * The samples (repeated TCP handshakes) and the MTU retry; thresholds in
 * netpath.h. Only when some handshake was answered: a path where none is
 * is a blocked port (tcp-timeout), not a lossy one.
 */
static void
rule_net(struct ctx *c)
{
	const struct rdd_net_info *net = &c->obs->net;
	struct draft *d;

	if (net->present && net->n_answered > 0) {
		if (net->rtt_median_ms > RDD_NET_LATENCY_MS) {
			d = emit(c, RDD_CAUSE_NET_HIGH_LATENCY,
			         "median RTT %.1f ms over %zu TCP handshakes "
			         "(min %.1f, p95 %.1f ms; threshold %.0f ms)",
			         net->rtt_median_ms, net->n_answered,
			         net->rtt_min_ms, net->rtt_p95_ms,
			         RDD_NET_LATENCY_MS);
			set_headline(d,
			             "the round trip to the server is %.0f ms",
			             net->rtt_median_ms);
		}
		if (net->n_clean >= RDD_NET_JITTER_MIN_CLEAN &&
		    net->jitter_ms > RDD_NET_JITTER_MS) {
			d = emit(c, RDD_CAUSE_NET_JITTER,
			         "RTT varies by %.1f ms between consecutive "
			         "handshakes (min %.1f, median %.1f, max %.1f "
			         "ms; threshold %.0f ms)",
			         net->jitter_ms, net->rtt_min_ms,
			         net->rtt_median_ms, net->rtt_max_ms,
			         RDD_NET_JITTER_MS);
			set_headline(d, "round-trip times vary by %.0f ms",
			             net->jitter_ms);
		}
		if (net->n_lost_syn >= RDD_NET_LOSS_MIN_LOST) {
			d = emit(c, RDD_CAUSE_NET_PACKET_LOSS,
			         "%zu of %zu SYN exchanges lost (%.1f%%): "
			         "%zu of %zu handshakes answered, the others "
			         "after a retransmission or not at all",
			         net->n_lost_syn, net->n_syn_sent,
			         net->loss_pct, net->n_answered,
			         net->n_samples);
			set_headline(d, "%.0f%% of the packets are lost",
			             net->loss_pct);
		}
	}
	if (net->mtu == RDD_MTU_OK) {
		d = emit(c, RDD_CAUSE_NET_MTU_BLACKHOLE,
		         "%s; %s: full-size packets are lost, small ones pass",
		         net->mtu_first_detail, net->mtu_detail);
		set_headline(d, "full-size packets are lost on the path (MTU "
		                "black hole)");
	}
}

/* The finding, among those of the path, that explains a timeout in a
 * security phase; NULL when none does. */
static const struct draft *
path_cause(const struct ctx *c)
{
	static const enum rdd_cause order[] = {
	    RDD_CAUSE_NET_MTU_BLACKHOLE,
	    RDD_CAUSE_NET_PACKET_LOSS,
	    RDD_CAUSE_NET_HIGH_LATENCY,
	    RDD_CAUSE_NET_JITTER,
	};
	size_t k, i;

	for (k = 0; k < NELEM(order); k++)
		for (i = 0; i < c->n; i++)
			if (c->d[i].f.cause == order[k])
				return &c->d[i];
	return NULL;
}

static int
first_failed_phase(const struct rdd_observation *obs)
{
	int p;

	/* UDP and network measurements do not stop a default client. */
	for (p = RDD_PHASE_RESOLVE; p <= RDD_PHASE_LICENSING; p++)
		if (obs->phases[p].status == RDD_STATUS_FAILED ||
		    obs->phases[p].status == RDD_STATUS_TIMEOUT)
			return p;
	return -1;
}

/* "; also 1 critical: a, 2 warnings: b, c, 1 note: d", skipping SKIP. */
static void
list_others(char *buf, size_t cap, const struct ctx *c, size_t skip,
            bool lead_also)
{
	static const struct {
		enum rdd_severity sev;
		const char *one;
		const char *many;
	} groups[] = {
	    {RDD_SEV_CRITICAL, "more critical", "more critical"},
	    {RDD_SEV_WARNING, "warning", "warnings"},
	    {RDD_SEV_INFO, "note", "notes"},
	};
	bool first = true;
	size_t g, i, n;

	for (g = 0; g < NELEM(groups); g++) {
		for (n = 0, i = 0; i < c->n; i++)
			if (i != skip && c->d[i].f.severity == groups[g].sev)
				n++;
		if (n == 0)
			continue;
		append(buf, cap, "%s%zu %s: ",
		       first ? (lead_also ? "; also " : "; ") : ", ", n,
		       n == 1 ? groups[g].one : groups[g].many);
		first = false;
		for (n = 0, i = 0; i < c->n; i++) {
			if (i == skip || c->d[i].f.severity != groups[g].sev)
				continue;
			append(buf, cap, "%s%s", n++ ? ", " : "",
			       rdd_cause_info(c->d[i].f.cause)->id);
		}
	}
}

static void
verdict(struct ctx *c, struct rdd_diagnosis *out)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_cause_info *ci;
	char *sum = out->summary;
	size_t cap = sizeof(out->summary), i, primary = SIZE_MAX;
	int failed = first_failed_phase(obs);
	bool resolve_failed =
	    obs->phases[RDD_PHASE_RESOLVE].status == RDD_STATUS_FAILED ||
	    obs->phases[RDD_PHASE_RESOLVE].status == RDD_STATUS_TIMEOUT;

	sum[0] = '\0';
	if (obs->n_attempts == 0 && !resolve_failed) {
		out->status = RDD_VERDICT_UNKNOWN;
		out->failed_phase = -1;
		append(sum, cap,
		       "Nothing was observed: no connection attempt "
		       "was made.");
		return;
	}

	/* The finding that explains the failure: critical, in the failed
	 * phase if one failed. The list is sorted, so critical ones lead. */
	for (i = 0; i < c->n && c->d[i].f.severity == RDD_SEV_CRITICAL; i++)
		if (failed < 0 || (int)c->d[i].f.phase == failed) {
			primary = i;
			break;
		}
	if (primary == SIZE_MAX && c->n > 0 &&
	    c->d[0].f.severity == RDD_SEV_CRITICAL)
		primary = 0;
	if (failed < 0 && primary != SIZE_MAX)
		failed = (int)c->d[primary].f.phase;
	out->failed_phase = failed;

	if (failed >= 0) {
		/* A phase the default client needs failed: critical, even if
		 * no rule could name the cause. */
		out->status = RDD_VERDICT_CRITICAL;
		append(sum, cap, "A default Windows client fails in phase %s: ",
		       rdd_phase_name((enum rdd_phase)failed));
		if (primary != SIZE_MAX) {
			const struct draft *d = &c->d[primary];

			ci = rdd_cause_info(d->f.cause);
			if (d->headline[0] != '\0')
				append(sum, cap, "%s (%s)", d->headline,
				       ci->id);
			else
				append(sum, cap, "%c%s (%s)",
				       lower((unsigned char)ci->title[0]),
				       ci->title + 1, ci->id);
		} else {
			const char *det = obs->phases[failed].detail;

			append(sum, cap, "%s",
			       det[0] ? det : "the phase did not complete");
		}
		if (primary != SIZE_MAX) {
			enum rdd_cause pc = c->d[primary].f.cause;
			const struct draft *p = path_cause(c);

			/* A security phase timed out and the path is bad:
			 * the path, not the server, is the likely cause. */
			if (p != NULL && (pc == RDD_CAUSE_X224_TIMEOUT ||
			                  pc == RDD_CAUSE_TLS_TIMEOUT ||
			                  pc == RDD_CAUSE_CREDSSP_TIMEOUT))
				append(
				    sum, cap,
				    "; the path is the likely cause: %s (%s)",
				    p->headline[0]
				        ? p->headline
				        : rdd_cause_info(p->f.cause)->title,
				    rdd_cause_info(p->f.cause)->id);
		}
		list_others(sum, cap, c, primary, true);
		append(sum, cap, ".");
		return;
	}
	/* client-side-suspect is said in words, not listed. */
	for (i = 0; i < c->n; i++)
		if (c->d[i].f.cause == RDD_CAUSE_CLIENT_SIDE_SUSPECT)
			break;
	if (c->n > 0 && c->d[0].f.severity == RDD_SEV_WARNING) {
		out->status = RDD_VERDICT_WARNING;
		append(sum, cap, "A default Windows client would connect");
		list_others(sum, cap, c, i < c->n ? i : SIZE_MAX, false);
		append(sum, cap, ".");
		return;
	}
	out->status = RDD_VERDICT_OK;
	append(sum, cap, "The server side is healthy");
	list_others(sum, cap, c, i < c->n ? i : SIZE_MAX, false);
	if (i < c->n)
		append(sum, cap,
		       "; if a client still fails, look at the client "
		       "(client-side-suspect)");
	append(sum, cap, ".");
}

/* ---- what the network cannot show ------------------------------------- */

/*
 * Every server-side phase this check reached passed and nothing critical
 * was found: the server side is healthy, so the failure a user reports is
 * most likely on the client (the seeds' client-side causes). Runs after
 * every other rule. Phases are listed with their times as evidence.
 */
static void
rule_client_side_suspect(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	char phases[RDD_EVIDENCE / 2] = "";
	size_t i;
	int p;

	if (c->a == NULL || c->a->tcp != RDD_TCP_OK)
		return;
	/* Any failed phase, UDP and path included: each is a cause. */
	for (p = RDD_PHASE_RESOLVE; p < RDD_PHASE_COUNT; p++)
		if (obs->phases[p].status == RDD_STATUS_FAILED ||
		    obs->phases[p].status == RDD_STATUS_TIMEOUT)
			return;
	for (i = 0; i < c->n; i++)
		if (c->d[i].f.severity == RDD_SEV_CRITICAL)
			return;
	for (p = RDD_PHASE_RESOLVE; p < RDD_PHASE_COUNT; p++)
		if (obs->phases[p].present &&
		    obs->phases[p].status == RDD_STATUS_OK)
			append(phases, sizeof(phases), "%s%s %.1f ms",
			       phases[0] ? ", " : "",
			       rdd_phase_name((enum rdd_phase)p),
			       obs->phases[p].ms);
	emit(c, RDD_CAUSE_CLIENT_SIDE_SUSPECT,
	     "every server-side phase reached without credentials passed "
	     "(%s); a client that still fails is most likely failing on its "
	     "own side",
	     phases);
}

/* ---- entry point --------------------------------------------------------- */

static const struct rdd_attempt *
attempt_a(const struct rdd_observation *obs)
{
	size_t i, n = obs->n_attempts;

	if (n > NELEM(obs->attempts))
		n = NELEM(obs->attempts);
	for (i = 0; i < n; i++)
		if (strcmp(obs->attempts[i].label, "A") == 0)
			return &obs->attempts[i];
	return n > 0 ? &obs->attempts[0] : NULL;
}

void
rdd_diagnose(const struct rdd_observation *obs, struct rdd_diagnosis *out)
{
	struct ctx local;
	struct ctx *c = &local;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->obs = obs;
	c->a = attempt_a(obs);

	/* In phase order; the list is sorted afterwards anyway. */
	rule_dns_failure(c);
	rule_dns_multiple(c);
	rule_tcp(c);
	rule_x224(c);
	rule_nego(c);
	rule_nla_not_required(c);
	rule_tls(c);
	rule_tls_suites(c);
	rule_cert(c);
	rule_credssp(c);
	rule_mcs(c);
	rule_udp(c);
	rule_net(c);
	rule_client_side_suspect(c); /* last: it reads the others */

	sort_drafts(c);
	memset(out, 0, sizeof(*out));
	for (i = 0; i < c->n; i++)
		out->findings[i] = c->d[i].f;
	out->n_findings = c->n;
	verdict(c, out);
}
