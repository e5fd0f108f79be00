/*
 * timeshift.so - an LD_PRELOAD shim for the rdpdoctor lab that moves one
 * process's wall clock by TIMESHIFT_SECONDS (may be negative).
 *
 *   LD_PRELOAD=.../timeshift.so TIMESHIFT_SECONDS=-900 freerdp-shadow-cli ...
 *
 * It wraps time(), gettimeofday() and clock_gettime() for the realtime
 * clocks; monotonic clocks are left alone. The lab runs a FreeRDP shadow
 * server 15 minutes in the past with it, so that the timestamp in its NTLM
 * CHALLENGE is off (rdpdoctor's server-clock-skew). Time namespaces cannot
 * do this: they shift only CLOCK_MONOTONIC and CLOCK_BOOTTIME, and no
 * faketime package is among the lab's dependencies.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long
shift(void)
{
	static long s;
	static int done;

	if (!done) {
		const char *e = getenv("TIMESHIFT_SECONDS");

		s = e != NULL ? strtol(e, NULL, 10) : 0;
		done = 1;
	}
	return s;
}

int
clock_gettime(clockid_t clk, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	int r;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "clock_gettime");
	if (real == NULL)
		return -1;
	r = real(clk, ts);
	if (r == 0 && (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE))
		ts->tv_sec += shift();
	return r;
}

int
gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	static int (*real)(struct timeval *, void *);
	int r;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "gettimeofday");
	if (real == NULL)
		return -1;
	r = real(tv, tz);
	if (r == 0)
		tv->tv_sec += shift();
	return r;
}

time_t
time(time_t *t)
{
	struct timespec ts;
	time_t now;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (time_t)-1;
	now = ts.tv_sec;
	if (t != NULL)
		*t = now;
	return now;
}
