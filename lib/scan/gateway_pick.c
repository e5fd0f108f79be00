/*
 * gateway_pick.c - the RD Gateway a scan target goes through
 * (gateway_pick.h). gatewayusagemethod values: Microsoft Learn
 * "Supported RDP properties" and IMsRdpClientTransportSettings::
 * GatewayUsageMethod (TSC_PROXY_MODE_NONE_DIRECT 0, _DIRECT 1, _DETECT 2,
 * _DEFAULT 3, _NONE_DETECT 4); shared/reference/gateway.md 3.3.
 */
#include "scan/gateway_pick.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "GW", "GW:PORT", "[V6]", "[V6]:PORT" or a bare IPv6 address. */
static int
split(const char *s, char *host, size_t cap, uint16_t *port)
{
	const char *colon = strrchr(s, ':'), *p = NULL;
	size_t n;

	*port = 443;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || end == s + 1)
			return -1;
		n = (size_t)(end - s - 1);
		if (end[1] == ':')
			p = end + 2;
		else if (end[1] != '\0')
			return -1;
		s++;
	} else if (colon != NULL && strchr(s, ':') == colon) {
		n = (size_t)(colon - s);
		p = colon + 1;
	} else {
		n = strlen(s); /* a name, or a bare IPv6 address */
	}
	if (n == 0 || n >= cap)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (p != NULL) {
		char *end;
		long v = strtol(p, &end, 10);

		if (p[0] < '0' || p[0] > '9' || *end != '\0' || v < 1 ||
		    v > 65535)
			return -1;
		*port = (uint16_t)v;
	}
	return 0;
}

int
rdd_scan_gateway_pick(const char *opt_gw, uint16_t opt_port,
                      const struct rdd_rdpfile *f, char *host, size_t cap,
                      uint16_t *port, char *err, size_t errcap)
{
	const struct rdd_rdpfile_value *gh, *um;

	if (opt_gw != NULL && opt_gw[0] != '\0') {
		if (strlen(opt_gw) >= cap) {
			snprintf(err, errcap, "the gateway name is too long");
			return -1;
		}
		strcpy(host, opt_gw);
		*port = opt_port != 0 ? opt_port : 443;
		return RDD_SCAN_GW_OPTION;
	}
	if (f == NULL)
		return RDD_SCAN_GW_NONE;
	gh = &f->v[RDD_RDPK_GATEWAYHOSTNAME];
	um = &f->v[RDD_RDPK_GATEWAYUSAGEMETHOD];
	if (!gh->set || gh->s[0] == '\0' || !um->set || um->i != 1)
		return RDD_SCAN_GW_NONE;
	if (split(gh->s, host, cap, port) != 0) {
		snprintf(err, errcap,
		         "line %u: gatewayhostname is not GW or GW:PORT",
		         gh->line);
		return -1;
	}
	return RDD_SCAN_GW_FILE;
}

const char *
rdd_scan_gw_source_name(enum rdd_scan_gw_source s)
{
	switch (s) {
	case RDD_SCAN_GW_NONE:
		return "none";
	case RDD_SCAN_GW_OPTION:
		return "option";
	case RDD_SCAN_GW_FILE:
		return "file";
	}
	return NULL;
}
