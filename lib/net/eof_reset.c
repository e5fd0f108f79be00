/*
 * eof_reset.c - tells a reset from an orderly close after a read's EOF.
 *
 * A server's RST often answers the very bytes being sent. Then the write
 * takes the socket's ECONNRESET and the read that follows sees only the
 * end of the stream, as if the server had closed it with a FIN. The TCP
 * state still tells them apart: a FIN leaves the socket in CLOSE_WAIT, a
 * reset leaves it CLOSED. Where TCP_INFO is missing (the Windows build)
 * an EOF stays an orderly close.
 */
#include "eof_reset.h"

#ifdef __linux__
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

bool
rdd__eof_was_reset(const uv_tcp_t *t)
{
#ifdef __linux__
	struct tcp_info info;
	socklen_t len = sizeof(info);
	uv_os_fd_t fd;

	if (uv_fileno((const uv_handle_t *)t, &fd) != 0)
		return false;
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
		return false;
	return info.tcpi_state == TCP_CLOSE;
#else
	(void)t;
	return false;
#endif
}
