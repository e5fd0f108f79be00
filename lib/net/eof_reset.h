/*
 * eof_reset.h - whether a read's end of stream was a reset (RST) rather
 * than the peer's orderly close (FIN).
 */
#ifndef RDPDOCTOR_NET_EOF_RESET_H
#define RDPDOCTOR_NET_EOF_RESET_H

#include <stdbool.h>

#include <uv.h>

/* True when the kernel says the connection of T is closed outright, as a
 * reset leaves it, after a read saw its end. */
bool rdd__eof_was_reset(const uv_tcp_t *t);

#endif
