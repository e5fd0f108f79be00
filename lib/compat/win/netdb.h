/* netdb.h for the Windows build: Winsock (lib/compat/win/README.md). */
#ifndef RDD_COMPAT_WIN_NETDB_H
#define RDD_COMPAT_WIN_NETDB_H

#include <winsock2.h>
#include <ws2tcpip.h>

#endif
