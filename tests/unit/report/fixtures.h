/*
 * fixtures.h - synthetic observations and diagnoses shared by the report
 * renderer tests (test_json.c, test_text.c): a healthy Negotiate server, a
 * refused port, an expired certificate, a hostile certificate whose
 * strings carry terminal escapes and invalid UTF-8, and a server that
 * allows standard RDP security only (with its MCS answer).
 */
#ifndef RDD_TEST_REPORT_FIXTURES_H
#define RDD_TEST_REPORT_FIXTURES_H

#include <stdbool.h>
#include <stdint.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/observation.h"

#define CHECKED_AT INT64_C(1795329601) /* 2026-11-22 06:40:01 UTC */
#define DAY INT64_C(86400)
#define HOSTILE_SUBJECT "CN=\x1b[2Jevil\xff\xfe\x1b]52;c;aGk=\x07"

void set_phase(struct rdd_observation *obs, enum rdd_phase p,
               enum rdd_status st, double start, double ms, const char *detail);
struct rdd_attempt *add_attempt(struct rdd_observation *obs, const char *label,
                                uint32_t req, bool tls);
void attempt_rsp(struct rdd_attempt *a, uint32_t selected, uint8_t flags,
                 double start);
void base(struct rdd_observation *obs);
void set_cert(struct rdd_observation *obs, const char *subject,
              int64_t not_after);
void add_finding(struct rdd_diagnosis *d, enum rdd_cause cause,
                 enum rdd_severity sev, enum rdd_phase phase,
                 const char *evidence);
void verdict(struct rdd_diagnosis *d, enum rdd_verdict v, int failed_phase,
             const char *summary);
void fixture_healthy(struct rdd_observation *obs, struct rdd_diagnosis *d);
void fixture_refused(struct rdd_observation *obs, struct rdd_diagnosis *d);
void fixture_expired(struct rdd_observation *obs, struct rdd_diagnosis *d);
void fixture_hostile(struct rdd_observation *obs, struct rdd_diagnosis *d);
void fixture_rdp_security(struct rdd_observation *obs, struct rdd_diagnosis *d);

#endif
