/*
 * names.c - stable names of the observation's enumerations. These strings
 * are part of the JSON contract (docs/json.md): add, never rename.
 */
#include <string.h>

#include "rdpdoctor/observation.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const phase_names[RDD_PHASE_COUNT] = {
    [RDD_PHASE_RESOLVE] = "resolve",     [RDD_PHASE_TCP] = "tcp",
    [RDD_PHASE_X224] = "x224",           [RDD_PHASE_TLS] = "tls",
    [RDD_PHASE_CREDSSP] = "credssp",     [RDD_PHASE_MCS] = "mcs",
    [RDD_PHASE_LICENSING] = "licensing", [RDD_PHASE_UDP] = "udp",
    [RDD_PHASE_NETWORK] = "network",
};

const char *
rdd_phase_name(enum rdd_phase phase)
{
	if ((unsigned)phase >= RDD_PHASE_COUNT)
		return NULL;
	return phase_names[phase];
}

int
rdd_phase_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(phase_names); i++)
		if (strcmp(phase_names[i], name) == 0)
			return (int)i;
	return -1;
}

static const char *
lookup(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : NULL;
}

const char *
rdd_status_name(enum rdd_status s)
{
	static const char *const n[] = {"skipped", "ok", "failed", "timeout"};

	return lookup(n, NELEM(n), (unsigned)s);
}

const char *
rdd_tcp_outcome_name(enum rdd_tcp_outcome o)
{
	static const char *const n[] = {"not_run", "ok",          "refused",
	                                "timeout", "unreachable", "error"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_x224_outcome_name(enum rdd_x224_outcome o)
{
	static const char *const n[] = {
	    "not_run",  "response", "failure", "no_negotiation_data",
	    "timeout",  "closed",   "reset",   "not_rdp",
	    "malformed"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_tls_outcome_name(enum rdd_tls_outcome o)
{
	static const char *const n[] = {"not_run", "ok",    "alert",
	                                "closed",  "reset", "timeout",
	                                "not_tls", "error"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_credssp_outcome_name(enum rdd_credssp_outcome o)
{
	static const char *const n[] = {"not_run", "ok",    "closed",   "reset",
	                                "timeout", "error", "malformed"};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_security_layer_name(enum rdd_security_layer l)
{
	static const char *const n[] = {"unknown", "rdp", "negotiate", "tls"};

	return lookup(n, NELEM(n), (unsigned)l);
}

const char *
rdd_mcs_outcome_name(enum rdd_mcs_outcome o)
{
	static const char *const n[] = {
	    "not_run", "ok",      "disconnected", "closed",
	    "reset",   "timeout", "malformed",    "error",
	};

	return lookup(n, NELEM(n), (unsigned)o);
}

const char *
rdd_server_cert_kind_name(enum rdd_server_cert_kind k)
{
	static const char *const n[] = {"none", "proprietary", "x509",
	                                "unknown"};

	return lookup(n, NELEM(n), (unsigned)k);
}

void
rdd_observation_init(struct rdd_observation *obs)
{
	size_t i;

	memset(obs, 0, sizeof(*obs));
	obs->nla_required = -1;
	obs->tls.cert.name_match = -1;
	obs->tls.cert.trusted = -1;
	obs->mcs.result = -1;
	obs->mcs.disconnect_reason = -1;
	for (i = 0; i < RDD_PHASE_COUNT; i++)
		obs->phases[i].status = RDD_STATUS_SKIPPED;
}
