/*
 * write_copy.c - one libuv write of a copy of some bytes (write_copy.h).
 */
#include <stdlib.h>
#include <string.h>

#include "write_copy.h"

struct copy_req {
	uv_write_t req;
	rdd__write_done done;
	void *ctx;
	uint8_t data[];
};

static void
on_written(uv_write_t *req, int status)
{
	struct copy_req *w = req->data;
	rdd__write_done done = w->done;
	void *ctx = w->ctx;

	free(w);
	done(ctx, status);
}

int
rdd__write_copy(uv_stream_t *s, const uint8_t *data, size_t n,
                rdd__write_done done, void *ctx)
{
	struct copy_req *w = malloc(sizeof(*w) + n);
	uv_buf_t buf;
	int rc;

	if (w == NULL)
		return RDD__WRITE_NOMEM;
	memcpy(w->data, data, n);
	w->done = done;
	w->ctx = ctx;
	w->req.data = w;
	buf = uv_buf_init((char *)w->data, (unsigned)n);
	rc = uv_write(&w->req, s, &buf, 1, on_written);
	if (rc != 0)
		free(w);
	return rc;
}
