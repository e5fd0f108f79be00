/* lib/diag/causes.c: being written. */
typedef int rdd_placeholder_causes;
