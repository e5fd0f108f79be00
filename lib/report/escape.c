/* lib/report/escape.c: being written. */
typedef int rdd_placeholder_escape;
