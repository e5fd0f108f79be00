/* sys/socket.h for the Windows build: Winsock (lib/compat/win/README.md). */
#ifndef RDD_COMPAT_WIN_SYS_SOCKET_H
#define RDD_COMPAT_WIN_SYS_SOCKET_H

#include <winsock2.h>
#include <ws2tcpip.h>

/* shutdown(2)'s directions under Winsock's names. */
#define SHUT_RD SD_RECEIVE
#define SHUT_WR SD_SEND
#define SHUT_RDWR SD_BOTH

#endif
