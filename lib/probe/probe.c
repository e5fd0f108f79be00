/* lib/probe/probe.c: being written. */
typedef int rdd_placeholder_probe;
