/* netinet/in.h for the Windows build: Winsock (lib/compat/win/README.md). */
#ifndef RDD_COMPAT_WIN_NETINET_IN_H
#define RDD_COMPAT_WIN_NETINET_IN_H

#include <winsock2.h>
#include <ws2tcpip.h>

#endif
