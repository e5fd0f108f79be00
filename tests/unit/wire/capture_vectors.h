/*
 * capture_vectors.h - byte vectors from the real captures shared by several
 * tests in tests/unit/wire and tests/unit/probe, so each lives once. Each
 * definition in capture_vectors.c names its capture, frame and direction.
 */
#ifndef RDD_TEST_WIRE_CAPTURE_VECTORS_H
#define RDD_TEST_WIRE_CAPTURE_VECTORS_H

#include <stdint.h>

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

#endif
