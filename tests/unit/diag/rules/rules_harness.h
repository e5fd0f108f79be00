/*
 * rules_harness.h - what the tests of lib/diag/rules/ share.
 *
 * Every test builds a synthetic observation from a healthy one (a server
 * that accepts mstsc's SSL|HYBRID|HYBRID_EX request with HYBRID_EX, TLS
 * 1.2 and a valid CA certificate) and changes what the rule under test
 * reads. diagnose() checks the invariants of every diagnosis and records
 * which causes were emitted; test_rules.c, which runs every file's tests
 * in one program, asserts at the end that every cause the table marks
 * detectable was emitted by some test.
 *
 * One test file per rules file: test_<phase>.c exports its tests as
 * rules_<phase>_tests[] and rules_<phase>_n_tests.
 */
#ifndef RDD_TEST_RULES_HARNESS_H
#define RDD_TEST_RULES_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/netpath.h"
#include "rdpdoctor/udpphase.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DAY ((int64_t)86400)
/* 2023-11-14 22:13:20 UTC */
#define NOW ((int64_t)1700000000)

#define assert_has(hay, needle)                                                \
	do {                                                                   \
		if (strstr((hay), (needle)) == NULL)                           \
			fail_msg("\"%s\" not in \"%s\"", (needle), (hay));     \
	} while (0)

/* Which causes some diagnosis of some test emitted. */
extern bool emitted[RDD_CAUSE_COUNT];
/* The observation and diagnosis most tests work on. */
extern struct rdd_observation obs;
extern struct rdd_diagnosis diag;

/* Append an attempt that connected and got the protocol a server that
 * allows everything selects for REQUESTED. */
struct rdd_attempt *add_attempt(struct rdd_observation *o, const char *label,
                                uint32_t requested);
/* A server every default client connects to without a remark. */
void healthy(struct rdd_observation *o);
/* The attempt labelled LABEL (fails the test if there is none). */
struct rdd_attempt *att(struct rdd_observation *o, const char *label);
/* client-side-suspect is present exactly when it should be. */
void check_client_side_suspect(const struct rdd_observation *o,
                               const struct rdd_diagnosis *out);
/* Findings other than client-side-suspect. */
size_t n_server_findings(const struct rdd_diagnosis *d);
/* Run the diagnosis, check what holds for every diagnosis, record causes. */
void diagnose(const struct rdd_observation *o, struct rdd_diagnosis *out);
/* The finding with id ID, or NULL. */
const struct rdd_finding *find(const struct rdd_diagnosis *d, const char *id);
/* The finding with id ID and severity SEV (fails the test otherwise). */
const struct rdd_finding *expect(const struct rdd_diagnosis *d, const char *id,
                                 enum rdd_severity sev);
void expect_none(const struct rdd_diagnosis *d, const char *id);
/* Exactly N findings besides client-side-suspect. */
void expect_only(const struct rdd_diagnosis *d, size_t n);

/* Connection A fails in phase tcp with O (ERR as the system said it),
 * and the result is diagnosed into diag. */
void tcp_fails(enum rdd_tcp_outcome o, const char *err);
/* Connection A fails in the TLS handshake with O (not yet diagnosed);
 * returns A. */
struct rdd_attempt *tls_fails(enum rdd_tls_outcome o);
/* The healthy server with a CredSSP phase: version 6 and a CHALLENGE
 * whose clock agrees with ours. */
void credssp_healthy(struct rdd_observation *o);
/* The credssp phase fails with OUTCOME (phase status ST, DETAIL). */
struct rdd_credssp_info *credssp_fails(enum rdd_credssp_outcome outcome,
                                       enum rdd_status st, const char *detail);

/*
 * A server without NLA (A selected SSL, TLS only) whose walk after MCS
 * ended with OUTCOME in PHASE (DETAIL): the phases before PHASE ok, PHASE
 * as plan.c concludes it (ok for activated or stopped, timeout, failed),
 * the later ones skipped. Returns the session record to add facts to;
 * not yet diagnosed.
 */
struct rdd_session_info *walk_ends(enum rdd_session_outcome outcome,
                                   enum rdd_phase phase, const char *detail);

/* The tests of each file. */
#define RULES_TESTS(name)                                                      \
	extern const struct CMUnitTest rules_##name##_tests[];                 \
	extern const size_t rules_##name##_n_tests
RULES_TESTS(verdict);
RULES_TESTS(resolve);
RULES_TESTS(tcp);
RULES_TESTS(x224);
RULES_TESTS(tls);
RULES_TESTS(cert);
RULES_TESTS(credssp);
RULES_TESTS(logon);
RULES_TESTS(findings);
RULES_TESTS(mcs);
RULES_TESTS(licensing);
RULES_TESTS(session);
RULES_TESTS(network);
RULES_TESTS(kerberos);
RULES_TESTS(host);
RULES_TESTS(gateway);
#undef RULES_TESTS

#endif
