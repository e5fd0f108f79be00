/* lib/diag/rules.c: being written. */
typedef int rdd_placeholder_rules;
