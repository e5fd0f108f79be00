/* lib/probe/plan.c: being written. */
typedef int rdd_placeholder_plan;
