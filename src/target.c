/*
 * target.c - parsing of HOST[:PORT] arguments, port numbers and the
 * timeout of a check's phases, and reading a saved connection file (.rdp).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "wire/rdpfile.h"

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

bool
is_rdp_file(const char *s)
{
	size_t n = strlen(s);

	return n > 4 && strcasecmp(s + n - 4, ".rdp") == 0;
}

int
read_rdp_file(const char *path, struct rdd_rdpfile *f)
{
	FILE *in = fopen(path, "rb");
	uint8_t *buf;
	size_t n;
	int saved;

	if (in == NULL)
		return -1;
	buf = malloc(RDD_RDPFILE_MAX_BYTES + 1);
	if (buf == NULL) {
		fclose(in);
		errno = ENOMEM;
		return -1;
	}
	n = fread(buf, 1, RDD_RDPFILE_MAX_BYTES + 1, in);
	if (ferror(in)) {
		saved = errno;
		free(buf);
		fclose(in);
		errno = saved != 0 ? saved : EIO;
		return -1;
	}
	fclose(in);
	(void)rdd_rdpfile_parse(buf, n, f);
	free(buf);
	return 0;
}
