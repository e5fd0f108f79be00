/*
 * fwrule.c - a Windows Firewall rule string ([MS-GPFAS] 2.2.2.19:
 * "v2.33|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|...") and
 * whether it lets a TCP port in (rdpdoctor/host.h). Pure ISO C: the
 * library's diagnosis and rdpdoctor-host.exe's choice of rules share it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "rdpdoctor/host.h"

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Does the LPort value V (a port, "lo-hi", or a keyword) hold PORT? */
static bool
lport_holds(const char *v, size_t n, unsigned port)
{
	unsigned lo = 0, hi;
	size_t i = 0;

	while (i < n && v[i] >= '0' && v[i] <= '9' && lo <= 65535)
		lo = lo * 10 + (unsigned)(v[i++] - '0');
	if (i == 0)
		return false; /* RPC, IPHTTPS, ...: not RDP's port */
	hi = lo;
	if (i < n && v[i] == '-') {
		size_t j = ++i;

		hi = 0;
		while (i < n && v[i] >= '0' && v[i] <= '9' && hi <= 65535)
			hi = hi * 10 + (unsigned)(v[i++] - '0');
		if (i == j)
			return false;
	}
	return i == n && lo <= port && port <= hi;
}

static bool
field_is(const char *f, size_t n, const char *name, const char **val,
         size_t *vn)
{
	size_t k = strlen(name);

	if (n <= k || strncmp(f, name, k) != 0 || f[k] != '=')
		return false;
	*val = f + k + 1;
	*vn = n - k - 1;
	return true;
}

static bool
val_eq(const char *v, size_t vn, const char *s)
{
	size_t i, k = strlen(s);

	if (vn != k)
		return false;
	for (i = 0; i < k; i++)
		if (lower((unsigned char)v[i]) != lower((unsigned char)s[i]))
			return false;
	return true;
}

int
rdd_host_fw_rule_allows(const char *rule, unsigned port)
{
	const char *p = rule, *v;
	size_t n, vn;
	bool allow = false, in = false, active = true, tcp = true;
	bool any_lport = false, lport_hit = false, first = true;

	if (rule == NULL || (rule[0] != 'v' && rule[0] != 'V'))
		return -1;
	while (*p != '\0') {
		n = strcspn(p, "|");
		if (first) {
			first = false; /* "v2.33" */
		} else if (field_is(p, n, "Action", &v, &vn)) {
			allow = val_eq(v, vn, "Allow");
		} else if (field_is(p, n, "Active", &v, &vn)) {
			active = val_eq(v, vn, "TRUE");
		} else if (field_is(p, n, "Dir", &v, &vn)) {
			in = val_eq(v, vn, "In");
		} else if (field_is(p, n, "Protocol", &v, &vn)) {
			tcp = val_eq(v, vn, "6");
		} else if (field_is(p, n, "LPort", &v, &vn)) {
			any_lport = true;
			lport_hit = lport_hit || lport_holds(v, vn, port);
		}
		p += n;
		if (*p == '|')
			p++;
	}
	if (!allow || !in || !active || !tcp)
		return 0;
	return !any_lport || lport_hit;
}
