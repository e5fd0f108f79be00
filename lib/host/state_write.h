/*
 * state_write.h - the host state as JSON without jansson (state_write.c),
 * for rdpdoctor-host.exe; the library's reader reads it back.
 */
#ifndef RDD_HOST_STATE_WRITE_H
#define RDD_HOST_STATE_WRITE_H

#include <stdio.h>

#include "rdpdoctor/host.h"

/* Write ST as JSON to F. Returns 0, or -1 on a write error. */
int rdd_host_state_write_plain(FILE *f, const struct rdd_host_state *st);

#endif
