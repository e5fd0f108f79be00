/*
 * capture_vectors.h - byte vectors from the real captures shared by several
 * wire tests (test_tlsrec.c, test_tlshello.c), so each lives once.
 */
#ifndef RDD_TEST_WIRE_CAPTURE_VECTORS_H
#define RDD_TEST_WIRE_CAPTURE_VECTORS_H

#include <stdint.h>

#define RDP_TO_SSL_SERVER_FLIGHT_LEN 859
extern const uint8_t rdp_to_ssl_server_flight[RDP_TO_SSL_SERVER_FLIGHT_LEN];

#endif
