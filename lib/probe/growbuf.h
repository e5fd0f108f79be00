/*
 * growbuf.h - a byte buffer that grows on demand up to a cap, shared by
 * the walks (probe.c, session.c, the gateway's files): a walk that never
 * gets to a stage allocates nothing for it, and a small answer takes a
 * small buffer. Internal to lib/probe.
 */
#ifndef RDD_PROBE_GROWBUF_H
#define RDD_PROBE_GROWBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Make room in *BUF (of *CAP bytes, USED of them in use) for N more, at
 * most CAP_MAX bytes in all: doubling from 1 KiB, realloc keeps the used
 * bytes. false when that would pass CAP_MAX or memory ran out (*BUF and
 * *CAP are then as they were).
 */
bool rdd__reserve(uint8_t **buf, size_t *cap, size_t used, size_t n,
                  size_t cap_max);

#endif
