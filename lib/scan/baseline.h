/*
 * baseline.h - the built-in policy (baseline.c), in the policy file format
 * (docs/policy.md), loaded by rdd_policy_builtin() through the same parser
 * as a file. Every rule names its source; docs/policy.md quotes them.
 */
#ifndef RDD_SCAN_BASELINE_H
#define RDD_SCAN_BASELINE_H

extern const char rdd_policy_baseline_json[];

#endif
