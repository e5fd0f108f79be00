/*
 * target.c - parsing of HOST[:PORT] arguments, port numbers and the
 * timeout of a check's phases.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

int
parse_port(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

int
parse_phase_timeout(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0.05 && v <= 600))
		return -1;
	*out = v;
	return 0;
}

static int
copy_host(char *host, size_t cap, const char *src, size_t n)
{
	if (n == 0 || n >= cap)
		return -1;
	memcpy(host, src, n);
	host[n] = '\0';
	return 0;
}

int
parse_target(const char *arg, char *host, size_t cap, int *port)
{
	const char *colon;
	struct in6_addr a6;

	if (arg == NULL || *arg == '\0')
		return -1;
	if (arg[0] == '[') { /* [v6] or [v6]:port */
		const char *close = strchr(arg, ']');

		if (close == NULL ||
		    copy_host(host, cap, arg + 1, (size_t)(close - arg - 1)))
			return -1;
		if (inet_pton(AF_INET6, host, &a6) != 1)
			return -1;
		if (close[1] == '\0')
			return 0;
		if (close[1] != ':' || (*port = parse_port(close + 2)) < 0)
			return -1;
		return 0;
	}
	colon = strchr(arg, ':');
	if (colon != NULL && strchr(colon + 1, ':') != NULL) {
		/* More than one colon: a bare IPv6 address. */
		if (inet_pton(AF_INET6, arg, &a6) != 1)
			return -1;
		return copy_host(host, cap, arg, strlen(arg));
	}
	if (colon == NULL)
		return copy_host(host, cap, arg, strlen(arg));
	if (copy_host(host, cap, arg, (size_t)(colon - arg)) != 0)
		return -1;
	if ((*port = parse_port(colon + 1)) < 0)
		return -1;
	return 0;
}
