/*
 * capture_vectors.h - byte vectors from the specifications and the real
 * captures shared by several tests in tests/unit/wire and tests/unit/probe,
 * so each lives once. Each
 * definition in capture_vectors.c names its capture, frame and direction.
 */
#ifndef RDD_TEST_WIRE_CAPTURE_VECTORS_H
#define RDD_TEST_WIRE_CAPTURE_VECTORS_H

#include <stdint.h>

#include "wire/gcc.h"

#define RDP_TO_SSL_SERVER_FLIGHT_LEN 859
extern const uint8_t rdp_to_ssl_server_flight[RDP_TO_SSL_SERVER_FLIGHT_LEN];

extern const uint8_t pe_cr[337];
extern const uint8_t shadow_challenge[278];
extern const uint8_t spnego_err_tail[44];
extern const uint8_t x224_spec_cr[44];
extern const uint8_t ssl_cr[47];
extern const uint8_t il_p4[183];
extern const uint8_t il_p6[64];
extern const uint8_t il_p7[255];

/* CredSSP over Kerberos, the lab acceptor's SPNEGO answers: accept with
 * the AP-REP; rejects with KRB_AP_ERR_BADKEYVER and KRB_AP_ERR_SKEW (its
 * clock +600 s). */
#define KRB_LAB_CAPTURED_AT 1796619153
extern const uint8_t krb_lab_accept[186];
extern const uint8_t krb_lab_stale[131];
extern const uint8_t krb_lab_skew[131];

/* The MCS Connect-Initial and Connect-Response of [MS-RDPBCGR] 4.1.3 and
 * 4.1.4, and of RDP-003.pcap (XP mstsc to Windows 2000 Server): whole
 * PDUs, TPKT header included. test_gcc reads their GCC user data, the
 * tails from GCC_CS_OFFSET and GCC_SC_OFFSET. */
#define SPEC_MCS_CI_LEN 416
#define SPEC_MCS_CR_LEN 337
#define R3_MCS_CI_LEN 412
#define R3_MCS_CR_LEN 333
extern const uint8_t spec_mcs_ci[SPEC_MCS_CI_LEN];
extern const uint8_t spec_mcs_cr[SPEC_MCS_CR_LEN];
extern const uint8_t r3_mcs_ci[R3_MCS_CI_LEN];
extern const uint8_t r3_mcs_cr[R3_MCS_CR_LEN];
#define GCC_CS_OFFSET 132 /* the client data blocks in a Connect-Initial */
#define GCC_SC_OFFSET 73  /* the server data blocks in a Connect-Response */
/* The client data of spec_mcs_ci, field by field. */
void spec_mcs_client(struct rdd_gcc_client_data *cd);

/* xrdp 0.9.21.1 (Debian 12): its canned LICENSE_REQUEST and its
 * STATUS_VALID_CLIENT (after the security header; libxrdp/xrdp_sec.c
 * g_lic1, g_lic2); the Demand Active and finalization answers of xrdp and
 * of FreeRDP's shadow server recorded in the lab (share control header
 * first). */
extern const uint8_t xrdp_demand_active[410];
extern const uint8_t xrdp_sync[22];
extern const uint8_t xrdp_cooperate[26];
extern const uint8_t xrdp_granted[26];
extern const uint8_t xrdp_font_map[26];
extern const uint8_t xrdp_shutdown_denied[18];
extern const uint8_t shadow_demand_active[383];
extern const uint8_t shadow_sync[22];
extern const uint8_t shadow_granted[26];
extern const uint8_t shadow_font_map[26];
extern const uint8_t xrdp_lic1[318];
extern const uint8_t xrdp_lic2[16];

#endif
