/* time.h for the Windows build: mingw-w64's, with timegm
 * (lib/compat/win/README.md). */
#ifndef RDD_COMPAT_WIN_TIME_H
#define RDD_COMPAT_WIN_TIME_H

#include_next <time.h>

/* UTC broken-down time to time_t: the CRT's _mkgmtime. */
#define timegm _mkgmtime

#endif
