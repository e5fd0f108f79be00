/*
 * krbphase_text.h - one KDC transport's outcome in words ("88/udp
 * answered in 0.4 ms"), for the phase's detail (krbphase.c) and the
 * findings' evidence (diag/rules/kerberos.c) alike.
 */
#ifndef RDD_PROBE_KRBPHASE_TEXT_H
#define RDD_PROBE_KRBPHASE_TEXT_H

#include <stddef.h>

#include "rdpdoctor/observation.h"

void rdd__krb_transport_text(char *buf, size_t cap, const char *name,
                             const struct rdd_krb_transport *t);

#endif
