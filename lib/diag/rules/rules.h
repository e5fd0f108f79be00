/*
 * rules.h - what the rules of lib/diag/rules/ share (internal to lib/diag).
 *
 * Each rule is a pure function of the observation: it reads facts and
 * appends findings (a cause from causes.def, a severity, and evidence).
 * Nothing here does I/O, reads the clock or prints; "now" is
 * obs->checked_at. One file per phase holds its rules and exports one
 * entry, rdd__rules_<phase>(); rules.c calls them in phase order, then
 * sorts the findings and writes the verdict (verdict.c).
 *
 * Evidence contract (struct rdd_finding.evidence):
 *   - one line of text, NUL-terminated, saying what was seen, with the
 *     numbers (milliseconds, days, codes) that prove it; no fix text
 *     (that lives in causes.def);
 *   - at most RDD_EVIDENCE - 1 bytes; a longer text is cut and ends in
 *     "...", possibly in the middle of a UTF-8 sequence;
 *   - strings that came from the server or the system are copied RAW:
 *     certificate subject, issuer, CN and SAN, tcp_error, tls_detail,
 *     x224_detail, resolve_error, the CredSSP detail lines, the NTLM
 *     names and everything the session walk read. They may hold control
 *     characters or invalid UTF-8. The report layer escapes them
 *     (rdd_escape_terminal, rdd_sanitize_utf8); nothing here does, so that
 *     JSON keeps the exact bytes. The first bytes of a non-RDP answer are
 *     given in hex and are safe.
 * The summary follows the same rules (it may quote the host name).
 *
 * The default client is mstsc: attempt "A" of the check plan asks for
 * SSL|HYBRID|HYBRID_EX. Failures of attempt A are critical; the other
 * attempts only add context.
 */
#ifndef RDD_DIAG_RULES_H
#define RDD_DIAG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/netpath.h"
#include "rdpdoctor/tlscompat.h"
#include "rdpdoctor/udpphase.h"
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

/* --- findings.c ---------------------------------------------------------- */

/* The draft for CAUSE: the existing one (so attempts merge into one
 * finding per id) or a new one. NULL when the list is full. */
struct draft *rdd__draft_for(struct ctx *c, enum rdd_cause cause);

/* Add evidence to the finding of CAUSE (one finding per cause; "; "
 * between merged parts). NULL when the list is full. */
struct draft *rdd__emit(struct ctx *c, enum rdd_cause cause, const char *fmt,
                        ...) PRINTF_LIKE(3, 4);
/* The same for a cause that may arise in more than one phase: the
 * finding takes PHASE (licensing or activation) instead of the table's. */
struct draft *rdd__emit_in(struct ctx *c, enum rdd_cause cause,
                           enum rdd_phase phase, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
/* The phrase the summary uses for D; the first one set stays. */
void rdd__set_headline(struct draft *d, const char *fmt, ...) PRINTF_LIKE(2, 3);
void rdd__raise_severity(struct draft *d, enum rdd_severity s);
/* Severity down, then phase up; stable. */
void rdd__sort_drafts(struct ctx *c);

/* --- text.c -------------------------------------------------------------- */

/* Append to BUF (capacity CAP); a cut text ends in "...". */
void rdd__append(char *buf, size_t cap, const char *fmt, ...) PRINTF_LIKE(3, 4);
int rdd__lower(int c);
/* Case-insensitive: does S contain NEEDLE, does S start with PREFIX? */
bool rdd__contains(const char *s, const char *needle);
bool rdd__starts_with(const char *s, const char *prefix);
/* "RDP", "SSL", "SSL|HYBRID|HYBRID_EX", with unknown bits in hex. */
const char *rdd__proto_names(uint32_t p, char *buf, size_t cap);
/* "10.0.0.5:3389" or "[2001:db8::5]:3389". */
const char *rdd__endpoint(const struct rdd_observation *obs,
                          const struct rdd_attempt *a, char *buf, size_t cap);
/* "2020-01-02" and, with TIME, " 00:00:00 UTC". */
const char *rdd__fmt_date(int64_t t, bool time, char *buf, size_t cap);
/* A positive duration as "2516 days", "1 day", "5 hours", "3 minutes". */
const char *rdd__fmt_span(int64_t s, char *buf, size_t cap);

/* --- rules.c ------------------------------------------------------------- */

/* The attempt labelled LABEL, or NULL. */
const struct rdd_attempt *
rdd__attempt_by_label(const struct rdd_observation *obs, const char *label);

/* --- the rules, one entry per file, in phase order ------------------------ */

void rdd__rules_resolve(struct ctx *c);
/* The RD Gateway in front of the target (check --gateway). */
void rdd__rules_gateway(struct ctx *c);
void rdd__rules_tcp(struct ctx *c);
void rdd__rules_x224(struct ctx *c);
void rdd__rules_tls(struct ctx *c);
void rdd__rules_cert(struct ctx *c);
void rdd__rules_credssp(struct ctx *c);
void rdd__rules_logon(struct ctx *c);
void rdd__rules_mcs(struct ctx *c);
void rdd__rules_licensing(struct ctx *c);
void rdd__rules_session(struct ctx *c);
void rdd__rules_udp(struct ctx *c);
void rdd__rules_network(struct ctx *c);
void rdd__rules_kerberos(struct ctx *c);
/* A KRB-ERROR inside CredSSP after the AP-REQ (kerberos_logon.c). */
void rdd__rules_kerberos_logon(struct ctx *c);
/* Whether rdd__rules_kerberos_logon names KRB-ERROR CODE. */
bool rdd__krb_logon_named(int32_t code);
/* After a Kerberos failure: 1 the NTLM logon worked, -1 the server refused
 * NTLM (*WHY its NTSTATUS), 0 not known (kerberos.c). */
int rdd__krb_ntlm_fallback(const struct rdd_observation *obs, uint32_t *why);
/* The finding, among those of the path, that explains a timeout in a
 * security phase; NULL when none does. */
const struct draft *rdd__path_cause(const struct ctx *c);
/* Last: it reads the others. */
void rdd__rules_client(struct ctx *c);

/* --- verdict.c ----------------------------------------------------------- */

void rdd__verdict(struct ctx *c, struct rdd_diagnosis *out);

#endif
