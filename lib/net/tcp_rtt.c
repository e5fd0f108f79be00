/*
 * tcp_rtt.c - the kernel's RTT of a connection just connected (tcp_rtt.h).
 *
 * The time from connect() to the loop's connect callback also holds
 * whatever the client did meanwhile: the check opens its first
 * connection, then sets up the others (TLS contexts, the RDP-UDP socket)
 * before the loop runs, and that showed as 3 to 15 ms on connection A's
 * handshake against servers 0.4 ms away. Right after the handshake the
 * kernel's smoothed RTT is its one sample, the SYN-ACK's (RFC 6298 2.2;
 * Linux takes none from a retransmitted SYN without timestamps, and with
 * them the path's own, without the retransmission's wait).
 */
#include "tcp_rtt.h"

#ifdef __linux__
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

double
rdd__tcp_rtt_ms(const uv_tcp_t *t)
{
#ifdef __linux__
	struct tcp_info info;
	socklen_t len = sizeof(info);
	uv_os_fd_t fd;

	if (uv_fileno((const uv_handle_t *)t, &fd) != 0)
		return -1;
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
	    len < sizeof(info) || info.tcpi_rtt == 0)
		return -1;
	return (double)info.tcpi_rtt / 1000.0;
#else
	(void)t;
	return -1;
#endif
}
