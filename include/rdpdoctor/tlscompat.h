/*
 * tlscompat.h - which client generations can negotiate TLS with the server
 * the enumeration saw (lib/diag/tlscompat.c), from their documented
 * default versions and cipher suites.
 */
#ifndef RDPDOCTOR_TLSCOMPAT_H
#define RDPDOCTOR_TLSCOMPAT_H

#include <stdbool.h>
#include <stddef.h>

#include "rdpdoctor/tlsenum.h"

#define RDD_TLS_N_CLIENTS 5

struct rdd_tls_compat {
	const char
	    *client;    /* "Windows 7 / Server 2008 R2 (no TLS 1.2 update)" */
	const char *id; /* "win7", "win10", "win-tls12", "freerdp",
	                       "apple" */
	bool ok;
	char reason[192]; /* what they would agree on, or why not */
};

/* Fill OUT (RDD_TLS_N_CLIENTS entries); returns how many were written. */
size_t rdd_tls_compat(const struct rdd_tls_enum_info *e,
                      struct rdd_tls_compat *out, size_t max);

#endif
