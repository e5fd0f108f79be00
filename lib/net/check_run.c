/* lib/net/check_run.c: being written. */
typedef int rdd_placeholder_check_run;
