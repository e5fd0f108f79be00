/* lib/probe/tls.c: being written. */
typedef int rdd_placeholder_tls;
