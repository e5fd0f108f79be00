/*
 * write_copy.h - one libuv write of a copy of some bytes, for the
 * drivers whose sans-I/O machines lend their output buffer only until
 * the next call (check_run.c, tlsenum_run.c).
 */
#ifndef RDPDOCTOR_NET_WRITE_COPY_H
#define RDPDOCTOR_NET_WRITE_COPY_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

/* Called once when the write completes, with uv's status. */
typedef void (*rdd__write_done)(void *ctx, int status);

/* rdd__write_copy's answer when the copy could not be allocated. */
#define RDD__WRITE_NOMEM 1

/* Queue a write of a copy of DATA on S: 0 queued (DONE follows),
 * RDD__WRITE_NOMEM, or uv_write's negative error (no DONE then). */
int rdd__write_copy(uv_stream_t *s, const uint8_t *data, size_t n,
                    rdd__write_done done, void *ctx);

#endif
