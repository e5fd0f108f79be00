/*
 * mcsphase.h - the MCS phase of a probe (the Basic Settings Exchange),
 * without the state machine (internal to lib/probe; used by probe.c and
 * the unit tests): the Connect-Initial rdpdoctor sends and what the
 * server's answer says. Pure functions over lib/wire/{mcs,gcc}.c.
 */
#ifndef RDD_PROBE_MCSPHASE_H
#define RDD_PROBE_MCSPHASE_H

#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"
#include "wire/mcs.h"

/* Longest Connect-Initial rdpdoctor sends (no channels: 372 bytes; 31
 * channels: 752). */
#define RDD_MCS_REQUEST_MAX 1024

/*
 * Write the whole Connect-Initial (TPKT header included) to DST (CAP
 * bytes): rdpdoctor's client blocks (rdd_gcc_client_defaults) with
 * serverSelectedProtocol SELECTED (what the server selected in its
 * RDP_NEG_RSP) and CS_SECURITY encryptionMethods METHODS. Returns its
 * length, or 0 if it does not fit.
 */
size_t rdd__mcs_request(uint8_t *dst, size_t cap, uint32_t selected,
                        uint32_t methods);

/* The same, asking for the N static virtual channels NAMES (CS_NET,
 * each CHANNEL_OPTION_INITIALIZED). Returns 0 when a name is longer than
 * 7 characters, N is above 31, or it does not fit. */
size_t rdd__mcs_request_channels(uint8_t *dst, size_t cap, uint32_t selected,
                                 uint32_t methods, const char *const *names,
                                 size_t n);

/*
 * Read the server's answer to the Connect-Initial: the payload of one
 * whole TPKT (LEN bytes at PAYLOAD, after the TPKT header). Fills INFO's
 * result, disconnect_reason, server facts and detail, and returns the
 * outcome: OK for a Connect-Response (whatever its result), DISCONNECTED
 * for a Disconnect Provider Ultimatum or an X.224 Disconnect Request,
 * MALFORMED for anything else. Leaves the other fields alone.
 */
enum rdd_mcs_outcome rdd__mcs_answer(const uint8_t *payload, size_t len,
                                     struct rdd_mcs_info *info);

/* Copy what a parsed Connect-Response says into INFO (exposed for the
 * tests). Sets result, the SC_* facts and the certificate. */
void rdd__mcs_facts(const struct rdd_mcs_connect_response *cr,
                    struct rdd_mcs_info *info);

#endif
