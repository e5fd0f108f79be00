/* netinet/tcp.h for the Windows build: Winsock (lib/compat/win/README.md). */
#ifndef RDD_COMPAT_WIN_NETINET_TCP_H
#define RDD_COMPAT_WIN_NETINET_TCP_H

#include <winsock2.h>
#include <ws2tcpip.h>

/* Winsock's TCP_MAXSEG (ws2ipdef.h, Windows 10): older mingw-w64 headers
 * lack it; where Windows refuses to set it the check says the MSS could
 * not be set (RDD_MTU_NO_MSS). */
#ifndef TCP_MAXSEG
#define TCP_MAXSEG 4
#endif

#endif
