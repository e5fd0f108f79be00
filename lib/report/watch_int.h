/*
 * watch_int.h - what the Prometheus file reads of a watch (internal to
 * lib/report; the record itself is private to watch.c).
 */
#ifndef RDD_REPORT_WATCH_INT_H
#define RDD_REPORT_WATCH_INT_H

#include <stddef.h>

#include "rdpdoctor/report.h"

/* Rounds whose verdict was critical or unknown. */
size_t rdd__watch_failed(const struct rdd_watch *w);
/* Rounds in which the finding CAUSE (enum rdd_cause) came. */
size_t rdd__watch_finding_rounds(const struct rdd_watch *w, int cause);

#endif
