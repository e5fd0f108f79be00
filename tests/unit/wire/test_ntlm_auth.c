/*
 * test_ntlm_auth.c - lib/wire/ntlm_auth.c: the client side of an NTLMv2
 * logon. Vectors: every value of [MS-NLMP] 4.2.4 (NTOWFv2, the responses,
 * the keys, the 232-byte AUTHENTICATE laid out without a MIC, GSS_WrapEx
 * in 4.2.4.4) and the server direction and negative controls of
 * shared/reference/session.md N.5; Chromium's MIC and AV-list vectors
 * (net/ntlm/ntlm_test_data.h, session.md N.6); whole AUTHENTICATEs built
 * by an independent Python implementation for the 4.2.4.3 CHALLENGE and
 * the real CHALLENGE of the lab's FreeRDP 2.11.7 shadow server. Then
 * sealing round trips, every truncation of a CHALLENGE, hostile
 * CHALLENGEs, downgrades, the AV-list rules and the caps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/crypto.h"
#include "wire/ntlm.h"
#include "wire/ntlm_auth.h"
#include "wire/ntlm_auth_int.h"

#include "capture_vectors.h"

/* --- inputs ------------------------------------------------------------ */

/* [MS-NLMP] 4.2.4.3: the CHALLENGE_MESSAGE of the NTLMv2 example (flags
 * 0xe28a8233, TargetName "Server", MsvAvNbDomainName "Domain",
 * MsvAvNbComputerName "Server", no timestamp). */
static const uint8_t spec_challenge[104] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x53, 0x00, 0x65, 0x00,
    0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x02, 0x00, 0x0c, 0x00,
    0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00,
    0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
};
#define SPEC_TI_AT 0x44
#define SPEC_TI_LEN 0x24

/* [MS-NLMP] 4.2.2.3: the CHALLENGE of the NTLMv1 example: no TargetInfo,
 * flags 0xe2028233 (no EXTENDED_SESSIONSECURITY). */
static const uint8_t spec_v1_challenge[68] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x02, 0xe2,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x53, 0x00, 0x65, 0x00,
    0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00,
};

/* session.md N.2: the NEGOTIATE the lab's client sent (flags 0xe2088235,
 * VERSION 10.0.17763), accepted by the FreeRDP shadow server. */
static const uint8_t lab_negotiate[40] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x35, 0x82, 0x08, 0xe2, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0a, 0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
};

/* tests/captures/lab/client-tsrequest-ntlm.bin bytes 17..56: the NEGOTIATE
 * (flags 0xe20882b7) that the shadow server's CHALLENGE below answers. */
static const uint8_t shadow_negotiate[40] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x01, 0x00,
    0x00, 0x00, 0xb7, 0x82, 0x08, 0xe2, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0a, 0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
};

/* tests/captures/lab/shadow-tsrequest-challenge.bin bytes 24..241 (from
 * shadow_challenge in capture_vectors.c): FreeRDP 2.11.7's CHALLENGE,
 * flags 0xe28882b7, MsvAvTimestamp 80 4b d8 f4 49 7a dd 01. */
#define SHADOW_AT 24
#define SHADOW_LEN 218
#define SHADOW_TS_AT 206 /* the timestamp's value in the CHALLENGE */

/* The 4.2.1 inputs. */
static const uint8_t spec_server_challenge[8] = {0x01, 0x23, 0x45, 0x67,
                                                 0x89, 0xab, 0xcd, 0xef};
static const uint8_t aa8[8] = {0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa};

/* --- expected values ----------------------------------------------------- */

/* [MS-NLMP] 4.2.2.1.2, 4.2.4.1.1, 4.2.4.1.2, 4.2.4.2.1-4.2.4.2.3. */
static const uint8_t want_ntowfv1[16] = {0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10,
                                         0xbd, 0xca, 0xb6, 0x82, 0x4e, 0xe7,
                                         0xc3, 0x0f, 0xd8, 0x52};
static const uint8_t want_ntowfv2[16] = {0x0c, 0x86, 0x8a, 0x40, 0x3b, 0xfd,
                                         0x7a, 0x93, 0xa3, 0x00, 0x1e, 0xf2,
                                         0x2e, 0xf0, 0x2e, 0x3f};
static const uint8_t want_sbk[16] = {0x8d, 0xe4, 0x0c, 0xca, 0xdb, 0xc1,
                                     0x4a, 0x82, 0xf1, 0x5c, 0xb0, 0xad,
                                     0x0d, 0xe9, 0x5c, 0xa3};
static const uint8_t want_lmv2[24] = {
    0x86, 0xc3, 0x50, 0x97, 0xac, 0x9c, 0xec, 0x10, 0x25, 0x54, 0x76, 0x4a,
    0x57, 0xcc, 0xcc, 0x19, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa};
static const uint8_t want_proof[16] = {0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5,
                                       0x1c, 0x96, 0xaa, 0xbc, 0x92, 0x7b,
                                       0xeb, 0xef, 0x6a, 0x1c};
static const uint8_t want_enc_key[16] = {0xc5, 0xda, 0xd2, 0x54, 0x4f, 0xc9,
                                         0x79, 0x90, 0x94, 0xce, 0x1c, 0xe9,
                                         0x0b, 0xc9, 0xd0, 0x3e};

/* [MS-NLMP] 4.2.4.1.3: temp (Time 0, ClientChallenge aa x 8, the two AV
 * pairs of the CHALLENGE with their MsvAvEOL, then Z(4)). */
static const uint8_t spec_temp[68] = {
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x0c, 0x00, 0x44, 0x00, 0x6f, 0x00,
    0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00,
    0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

/* [MS-NLMP] 4.2.4.3: the AUTHENTICATE_MESSAGE of the example (flags
 * 0xe2888235, VERSION 5.1.2600, no MIC), as session.md N.5 rebuilt and
 * matched it. */
static const uint8_t spec_authenticate[232] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x18, 0x00, 0x18, 0x00, 0x6c, 0x00, 0x00, 0x00, 0x54, 0x00, 0x54, 0x00,
    0x84, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00, 0x48, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x08, 0x00, 0x54, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00,
    0x5c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0xd8, 0x00, 0x00, 0x00,
    0x35, 0x82, 0x88, 0xe2, 0x05, 0x01, 0x28, 0x0a, 0x00, 0x00, 0x00, 0x0f,
    0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00,
    0x55, 0x00, 0x73, 0x00, 0x65, 0x00, 0x72, 0x00, 0x43, 0x00, 0x4f, 0x00,
    0x4d, 0x00, 0x50, 0x00, 0x55, 0x00, 0x54, 0x00, 0x45, 0x00, 0x52, 0x00,
    0x86, 0xc3, 0x50, 0x97, 0xac, 0x9c, 0xec, 0x10, 0x25, 0x54, 0x76, 0x4a,
    0x57, 0xcc, 0xcc, 0x19, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5, 0x1c, 0x96, 0xaa, 0xbc, 0x92, 0x7b,
    0xeb, 0xef, 0x6a, 0x1c, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xaa, 0xaa, 0xaa, 0xaa,
    0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x0c, 0x00,
    0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00,
    0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xc5, 0xda, 0xd2, 0x54, 0x4f, 0xc9, 0x79, 0x90, 0x94, 0xce, 0x1c, 0xe9,
    0x0b, 0xc9, 0xd0, 0x3e,
};

/* [MS-NLMP] 4.2.4.4 (client to server) and session.md N.5 (server to
 * client, matched by a third-party suite's Ntlm2SealingTestCase). */
static const uint8_t want_seal_c2s[16] = {0x59, 0xf6, 0x00, 0x97, 0x3c, 0xc4,
                                          0x96, 0x0a, 0x25, 0x48, 0x0a, 0x7c,
                                          0x19, 0x6e, 0x4c, 0x58};
static const uint8_t want_sign_c2s[16] = {0x47, 0x88, 0xdc, 0x86, 0x1b, 0x47,
                                          0x82, 0xf3, 0x5d, 0x43, 0xfd, 0x98,
                                          0xfe, 0x1a, 0x2d, 0x39};
static const uint8_t want_seal_s2c[16] = {0x93, 0x55, 0xf3, 0xa9, 0x57, 0xc1,
                                          0x58, 0x3d, 0x25, 0xc4, 0xc2, 0xf1,
                                          0x1e, 0x40, 0x39, 0x0e};
static const uint8_t want_sign_s2c[16] = {0xd0, 0x4d, 0x6f, 0x10, 0x74, 0x10,
                                          0x41, 0xd1, 0xd2, 0x46, 0xd6, 0x41,
                                          0x88, 0xd7, 0xa8, 0xad};
/* U("Plaintext") */
static const uint8_t plaintext[18] = {0x50, 0x00, 0x6c, 0x00, 0x61, 0x00,
                                      0x69, 0x00, 0x6e, 0x00, 0x74, 0x00,
                                      0x65, 0x00, 0x78, 0x00, 0x74, 0x00};
/* SIGNATURE then sealed data, as rdd_ntlm_seal() lays them out. */
static const uint8_t want_wrap_c2s[34] = {
    0x01, 0x00, 0x00, 0x00, 0x7f, 0xb3, 0x8e, 0xc5, 0xc5, 0x5d, 0x49, 0x76,
    0x00, 0x00, 0x00, 0x00, 0x54, 0xe5, 0x01, 0x65, 0xbf, 0x19, 0x36, 0xdc,
    0x99, 0x60, 0x20, 0xc1, 0x81, 0x1b, 0x0f, 0x06, 0xfb, 0x5f};
static const uint8_t want_wrap_s2c[34] = {
    0x01, 0x00, 0x00, 0x00, 0xb2, 0x98, 0xb8, 0x47, 0xce, 0x7c, 0x58, 0x07,
    0x00, 0x00, 0x00, 0x00, 0x16, 0x08, 0x71, 0xb7, 0x30, 0xba, 0x74, 0xe9,
    0x46, 0xc4, 0x53, 0xd7, 0x46, 0x5b, 0x54, 0x27, 0x8d, 0xd0};

/* Chromium net/ntlm/ntlm_test_data.h (session.md N.6): the updated
 * target info (kExpectedTargetInfoSpecResponseV2) for the 4.2.4.3
 * CHALLENGE with channel bindings 6586e99d... and SPN "HTTP/Server". */
static const uint8_t chromium_cb[16] = {0x65, 0x86, 0xe9, 0x9d, 0x81, 0xc2,
                                        0xfc, 0x98, 0x4e, 0x47, 0x17, 0x2f,
                                        0xd4, 0xdd, 0x03, 0x10};
static const uint8_t chromium_target_info[90] = {
    0x02, 0x00, 0x0c, 0x00, 'D',  0x00, 'o',  0x00, 'm',  0x00, 'a',  0x00,
    'i',  0x00, 'n',  0x00, 0x01, 0x00, 0x0c, 0x00, 'S',  0x00, 'e',  0x00,
    'r',  0x00, 'v',  0x00, 'e',  0x00, 'r',  0x00, 0x06, 0x00, 0x04, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x10, 0x00, 0x65, 0x86, 0xe9, 0x9d,
    0x81, 0xc2, 0xfc, 0x98, 0x4e, 0x47, 0x17, 0x2f, 0xd4, 0xdd, 0x03, 0x10,
    0x09, 0x00, 0x16, 0x00, 'H',  0x00, 'T',  0x00, 'T',  0x00, 'P',  0x00,
    '/',  0x00, 'S',  0x00, 'e',  0x00, 'r',  0x00, 'v',  0x00, 'e',  0x00,
    'r',  0x00, 0x00, 0x00, 0x00, 0x00};
/* kClientTimestamp, 131400439870000000. */
static const uint8_t chromium_time[8] = {0x80, 0x0b, 0xc8, 0xfd,
                                         0x00, 0xd4, 0xd2, 0x01};
#define CHROMIUM_TIME UINT64_C(131400439870000000)
static const uint8_t chromium_proof[16] = {0x8c, 0x02, 0x60, 0xdb, 0xef, 0x69,
                                           0x06, 0x62, 0xaf, 0x9c, 0x42, 0xd5,
                                           0x07, 0x82, 0xd2, 0xed};
static const uint8_t chromium_sbk[16] = {0x62, 0x3d, 0xbd, 0x07, 0x1b, 0xe7,
                                         0xa5, 0x30, 0xb6, 0xa9, 0x5c, 0x2e,
                                         0xb4, 0x98, 0x24, 0x70};
/* kExpectedNegotiateMsg and kExpectedAuthenticateMsgSpecResponseV2, whose
 * MIC (kExpectedMicV2) is at 72. */
static const uint8_t chromium_negotiate[32] = {
    'N',  'T',  'L',  'M',  'S',  'S',  'P',  '\0', 0x01, 0x00, 0x00,
    0x00, 0x07, 0x82, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00};
static const uint8_t chromium_authenticate[286] = {
    'N',  'T',  'L',  'M',  'S',  'S',  'P',  '\0', 0x03, 0x00, 0x00, 0x00,
    0x18, 0x00, 0x18, 0x00, 0x58, 0x00, 0x00, 0x00, 0x8a, 0x00, 0x8a, 0x00,
    0x70, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00, 0xfa, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x08, 0x00, 0x06, 0x01, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00,
    0x0e, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x58, 0x00, 0x00, 0x00,
    0x03, 0x82, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xf7, 0x36, 0x16, 0x33, 0xf0, 0xad, 0x9b, 0xdf, 0x4a, 0x7c, 0x42, 0x1b,
    0xc6, 0xb8, 0x24, 0xa3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x8c, 0x02, 0x60, 0xdb, 0xef, 0x69, 0x06, 0x62,
    0xaf, 0x9c, 0x42, 0xd5, 0x07, 0x82, 0xd2, 0xed, 0x01, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x80, 0x0b, 0xc8, 0xfd, 0x00, 0xd4, 0xd2, 0x01,
    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x0c, 0x00, 'D',  0x00, 'o',  0x00, 'm',  0x00, 'a',  0x00,
    'i',  0x00, 'n',  0x00, 0x01, 0x00, 0x0c, 0x00, 'S',  0x00, 'e',  0x00,
    'r',  0x00, 'v',  0x00, 'e',  0x00, 'r',  0x00, 0x06, 0x00, 0x04, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x10, 0x00, 0x65, 0x86, 0xe9, 0x9d,
    0x81, 0xc2, 0xfc, 0x98, 0x4e, 0x47, 0x17, 0x2f, 0xd4, 0xdd, 0x03, 0x10,
    0x09, 0x00, 0x16, 0x00, 'H',  0x00, 'T',  0x00, 'T',  0x00, 'P',  0x00,
    '/',  0x00, 'S',  0x00, 'e',  0x00, 'r',  0x00, 'v',  0x00, 'e',  0x00,
    'r',  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 'D',  0x00,
    'o',  0x00, 'm',  0x00, 'a',  0x00, 'i',  0x00, 'n',  0x00, 'U',  0x00,
    's',  0x00, 'e',  0x00, 'r',  0x00, 'C',  0x00, 'O',  0x00, 'M',  0x00,
    'P',  0x00, 'U',  0x00, 'T',  0x00, 'E',  0x00, 'R',  0x00,
};

/*
 * Whole AUTHENTICATEs computed by an independent throwaway Python
 * implementation (own MD4 checked against RFC 1320, own RC4 checked
 * against RFC 6229, hashlib MD5, hmac; written from session.md N.1/N.2
 * and the choices at the top of ntlm_auth.c), for:
 * - want_spec_auth: lab_negotiate, spec_challenge, User / Domain /
 *   Password, workstation COMPUTER, SPN TERMSRV/Server, no channel
 *   bindings, now = kClientTimestamp (the CHALLENGE has no timestamp),
 *   client challenge aa x 8, exported session key 55 x 16 (4.2.1's
 *   RandomSessionKey). Flags 0xe2088231; MIC 511f432e...
 * - want_shadow_auth: shadow_negotiate, the shadow CHALLENGE, alice / "" /
 *   Passw0rd! (the lab's SAM entry, session.md C.8), no workstation, SPN
 *   TERMSRV/RDPLAB-SHADOW, client challenge 01..08, exported session key
 *   10..1f. Flags 0xe20882b7; MIC e5d1fa9e...
 */
static const uint8_t want_spec_auth[308] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x18, 0x00, 0x18, 0x00, 0x7c, 0x00, 0x00, 0x00, 0x90, 0x00, 0x90, 0x00,
    0x94, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00, 0x58, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x08, 0x00, 0x64, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00,
    0x6c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0x24, 0x01, 0x00, 0x00,
    0x31, 0x82, 0x08, 0xe2, 0x0a, 0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
    0x51, 0x1f, 0x43, 0x2e, 0x6c, 0x10, 0x06, 0x0d, 0x86, 0x84, 0x57, 0x69,
    0x56, 0xb0, 0xda, 0xf2, 0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00,
    0x69, 0x00, 0x6e, 0x00, 0x55, 0x00, 0x73, 0x00, 0x65, 0x00, 0x72, 0x00,
    0x43, 0x00, 0x4f, 0x00, 0x4d, 0x00, 0x50, 0x00, 0x55, 0x00, 0x54, 0x00,
    0x45, 0x00, 0x52, 0x00, 0x86, 0xc3, 0x50, 0x97, 0xac, 0x9c, 0xec, 0x10,
    0x25, 0x54, 0x76, 0x4a, 0x57, 0xcc, 0xcc, 0x19, 0xaa, 0xaa, 0xaa, 0xaa,
    0xaa, 0xaa, 0xaa, 0xaa, 0xbe, 0x00, 0x1f, 0x6d, 0x16, 0x7d, 0x1e, 0x0a,
    0x8a, 0x70, 0x31, 0xa8, 0xb6, 0x6e, 0x83, 0x30, 0x01, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x80, 0x0b, 0xc8, 0xfd, 0x00, 0xd4, 0xd2, 0x01,
    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x0c, 0x00, 0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00,
    0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00,
    0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x06, 0x00, 0x04, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x09, 0x00, 0x1c, 0x00, 0x54, 0x00, 0x45, 0x00, 0x52, 0x00, 0x4d, 0x00,
    0x53, 0x00, 0x52, 0x00, 0x56, 0x00, 0x2f, 0x00, 0x53, 0x00, 0x65, 0x00,
    0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x7d, 0xf1, 0x19, 0x8d, 0x4d, 0xf6, 0xb8, 0x9b,
    0x2c, 0x46, 0x14, 0x26, 0x89, 0xc0, 0xbc, 0xab,
};

static const uint8_t want_shadow_auth[396] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x18, 0x00, 0x18, 0x00, 0x62, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x01,
    0x7a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x58, 0x00, 0x00, 0x00,
    0x0a, 0x00, 0x0a, 0x00, 0x58, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x62, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0x7c, 0x01, 0x00, 0x00,
    0xb7, 0x82, 0x08, 0xe2, 0x0a, 0x00, 0x63, 0x45, 0x00, 0x00, 0x00, 0x0f,
    0xe5, 0xd1, 0xfa, 0x9e, 0x29, 0x22, 0xb7, 0x65, 0x2b, 0x77, 0xfa, 0xeb,
    0xdf, 0x74, 0xe6, 0x71, 0x61, 0x00, 0x6c, 0x00, 0x69, 0x00, 0x63, 0x00,
    0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x59, 0xb1, 0x58, 0xa2, 0x09, 0x68, 0xf9, 0x8b, 0x3d, 0x9e,
    0x64, 0xfc, 0x05, 0xd4, 0x3c, 0xe5, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x80, 0x4b, 0xd8, 0xf4, 0x49, 0x7a, 0xdd, 0x01, 0x01, 0x02,
    0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
    0x1a, 0x00, 0x52, 0x00, 0x44, 0x00, 0x50, 0x00, 0x4c, 0x00, 0x41, 0x00,
    0x42, 0x00, 0x2d, 0x00, 0x53, 0x00, 0x48, 0x00, 0x41, 0x00, 0x44, 0x00,
    0x4f, 0x00, 0x57, 0x00, 0x01, 0x00, 0x1a, 0x00, 0x52, 0x00, 0x44, 0x00,
    0x50, 0x00, 0x4c, 0x00, 0x41, 0x00, 0x42, 0x00, 0x2d, 0x00, 0x53, 0x00,
    0x48, 0x00, 0x41, 0x00, 0x44, 0x00, 0x4f, 0x00, 0x57, 0x00, 0x04, 0x00,
    0x1a, 0x00, 0x52, 0x00, 0x44, 0x00, 0x50, 0x00, 0x4c, 0x00, 0x41, 0x00,
    0x42, 0x00, 0x2d, 0x00, 0x53, 0x00, 0x48, 0x00, 0x41, 0x00, 0x44, 0x00,
    0x4f, 0x00, 0x57, 0x00, 0x03, 0x00, 0x1a, 0x00, 0x52, 0x00, 0x44, 0x00,
    0x50, 0x00, 0x4c, 0x00, 0x41, 0x00, 0x42, 0x00, 0x2d, 0x00, 0x53, 0x00,
    0x48, 0x00, 0x41, 0x00, 0x44, 0x00, 0x4f, 0x00, 0x57, 0x00, 0x07, 0x00,
    0x08, 0x00, 0x80, 0x4b, 0xd8, 0xf4, 0x49, 0x7a, 0xdd, 0x01, 0x06, 0x00,
    0x04, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x10, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x09, 0x00, 0x2a, 0x00, 0x54, 0x00, 0x45, 0x00, 0x52, 0x00,
    0x4d, 0x00, 0x53, 0x00, 0x52, 0x00, 0x56, 0x00, 0x2f, 0x00, 0x52, 0x00,
    0x44, 0x00, 0x50, 0x00, 0x4c, 0x00, 0x41, 0x00, 0x42, 0x00, 0x2d, 0x00,
    0x53, 0x00, 0x48, 0x00, 0x41, 0x00, 0x44, 0x00, 0x4f, 0x00, 0x57, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x9e, 0xc0, 0x13,
    0x34, 0xe7, 0xd8, 0x95, 0xdf, 0x1c, 0xc2, 0xf4, 0x93, 0x0d, 0x47, 0x5e,
};

static uint8_t shadow[SHADOW_LEN];

static int
setup(void **state)
{
	(void)state;
	memcpy(shadow, shadow_challenge + SHADOW_AT, sizeof(shadow));
	return 0;
}

/* --- helpers ------------------------------------------------------------- */

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The payload of the Len/MaxLen/Offset fields at AT of message M. */
static const uint8_t *
field(const uint8_t *m, size_t mlen, size_t at, size_t *len)
{
	size_t off = le32(m + at + 4);

	*len = le16(m + at);
	assert_int_equal(le16(m + at + 2), *len);
	assert_true(off <= mlen && *len <= mlen - off);
	return m + off;
}

static void
spec_input(struct rdd_ntlm_auth_input *in)
{
	memset(in, 0, sizeof(*in));
	in->negotiate = lab_negotiate;
	in->negotiate_len = sizeof(lab_negotiate);
	in->challenge = spec_challenge;
	in->challenge_len = sizeof(spec_challenge);
	in->user = "User";
	in->domain = "Domain";
	in->password = "Password";
	in->workstation = "COMPUTER";
	in->target_spn = "TERMSRV/Server";
	in->now_filetime = CHROMIUM_TIME;
	memcpy(in->client_challenge, aa8, 8);
	memset(in->exported_session_key, 0x55, 16);
}

static void
shadow_input(struct rdd_ntlm_auth_input *in)
{
	size_t i;

	memset(in, 0, sizeof(*in));
	in->negotiate = shadow_negotiate;
	in->negotiate_len = sizeof(shadow_negotiate);
	in->challenge = shadow;
	in->challenge_len = sizeof(shadow);
	in->user = "alice";
	in->domain = "";
	in->password = "Passw0rd!";
	in->workstation = "";
	in->target_spn = "TERMSRV/RDPLAB-SHADOW";
	in->now_filetime = CHROMIUM_TIME;
	for (i = 0; i < 8; i++)
		in->client_challenge[i] = (uint8_t)(1 + i);
	for (i = 0; i < 16; i++)
		in->exported_session_key[i] = (uint8_t)(0x10 + i);
}

static enum rdd_ntlm_auth_result
run(const struct rdd_ntlm_auth_input *in, uint8_t *out, size_t cap, size_t *len,
    struct rdd_ntlm_sec *sec, uint32_t *missing)
{
	struct rdd_buf b;
	enum rdd_ntlm_auth_result r;

	rdd_buf_init(&b, out, cap);
	memset(sec, 0xa5, sizeof(*sec));
	r = rdd_ntlm_authenticate(&b, in, sec, missing);
	*len = b.len;
	return r;
}

static void
assert_zeroed(const struct rdd_ntlm_sec *sec)
{
	static const struct rdd_ntlm_sec zero;

	assert_null(sec->send.seal);
	assert_null(sec->recv.seal);
	assert_memory_equal(sec->exported_session_key,
	                    zero.exported_session_key, 16);
	assert_memory_equal(sec->send.sign_key, zero.send.sign_key, 16);
	assert_memory_equal(sec->recv.sign_key, zero.recv.sign_key, 16);
}

/* A CHALLENGE with FLAGS and target info TI (N bytes) at 56, after
 * VERSION 6.1.7601; no TargetName. Returns its length. */
static size_t
make_challenge(uint8_t *dst, size_t cap, uint32_t flags, const uint8_t *ti,
               size_t n)
{
	static const uint8_t sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
	struct rdd_buf b;

	rdd_buf_init(&b, dst, cap);
	rdd_buf_bytes(&b, sig, 8);
	rdd_buf_u32le(&b, 2);
	rdd_buf_zeros(&b, 4);
	rdd_buf_u32le(&b, 56);
	rdd_buf_u32le(&b, flags);
	rdd_buf_bytes(&b, spec_server_challenge, 8);
	rdd_buf_zeros(&b, 8);
	rdd_buf_u16le(&b, (uint16_t)n);
	rdd_buf_u16le(&b, (uint16_t)n);
	rdd_buf_u32le(&b, n > 0 ? 56 : 0);
	rdd_buf_u8(&b, 6);
	rdd_buf_u8(&b, 1);
	rdd_buf_u16le(&b, 7601);
	rdd_buf_zeros(&b, 3);
	rdd_buf_u8(&b, 15);
	rdd_buf_bytes(&b, ti, n);
	assert_false(b.err);
	return b.len;
}

/* The AV list inside the NTLMv2 response of AUTHENTICATE M. */
static struct rdd_cur
response_av_list(const uint8_t *m, size_t len, const uint8_t **temp)
{
	size_t nt_len;
	const uint8_t *nt = field(m, len, 20, &nt_len);
	struct rdd_cur c;

	assert_true(nt_len >= 16 + 28 + 4 + 4);
	*temp = nt + 16;
	/* 28 bytes of header; the list ends 4 bytes before the response. */
	rdd_cur_init(&c, nt + 16 + 28, nt_len - 16 - 28 - 4);
	return c;
}

/* --- UTF-8 and NTOWFv2 ------------------------------------------------- */

static void
test_utf16(void **state)
{
	static const uint8_t want[] = {'a',  0,    0xe9, 0x00, 0xac,
	                               0x20, 0x3d, 0xd8, 0x00, 0xde};
	static const char *bad[] = {
	    "\x80",             /* a lone continuation byte */
	    "\xc3",             /* cut */
	    "\xe2\x82",         /* cut */
	    "\xc0\x80",         /* overlong NUL */
	    "\xe0\x80\xaf",     /* overlong '/' */
	    "\xed\xa0\x80",     /* a surrogate */
	    "\xf4\x90\x80\x80", /* above U+10FFFF */
	    "\xf8\x88\x80\x80\x80",
	    "ok\xff",
	};
	uint8_t out[16];
	struct rdd_buf b;
	size_t i, n;

	(void)state;
	/* a, e acute, euro sign, U+1F600 as a surrogate pair */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_utf8_to_utf16le(&b, "a\xc3\xa9\xe2\x82\xac"
	                                         "\xf0\x9f\x98\x80"),
	                 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(rdd__utf16le_size("a\xc3\xa9\xe2\x82\xac"
	                                   "\xf0\x9f\x98\x80",
	                                   &n),
	                 0);
	assert_int_equal(n, sizeof(want));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(rdd_utf8_to_utf16le(&b, bad[i]), -1);
		assert_int_equal(rdd__utf16le_size(bad[i], &n), -1);
	}
	/* Too long for the buffer. */
	rdd_buf_init(&b, out, 3);
	assert_int_equal(rdd_utf8_to_utf16le(&b, "ab"), -1);
	assert_true(b.err);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_utf8_to_utf16le(&b, ""), 0);
	assert_int_equal(b.len, 0);
}

static void
test_ntowfv2(void **state)
{
	uint8_t k[16], k2[16], nt[16];
	struct rdd_iov pw = {plaintext, 0};
	static const uint8_t u_password[16] = {'P', 0, 'a', 0, 's', 0, 's', 0,
	                                       'w', 0, 'o', 0, 'r', 0, 'd', 0};
	char long_pw[2 * RDD_NTLM_NAME_MAX + 2];

	(void)state;
	/* NTOWFv1 = MD4(U(Password)) ([MS-NLMP] 4.2.2.1.2): the first step. */
	pw.p = u_password;
	pw.len = sizeof(u_password);
	assert_int_equal(rdd_md4(nt, &pw, 1), 0);
	assert_memory_equal(nt, want_ntowfv1, 16);
	assert_int_equal(rdd_ntlm_ntowfv2(k, "Password", "User", "Domain"), 0);
	assert_memory_equal(k, want_ntowfv2, 16);
	/* The user is uppercased, the domain is not. */
	assert_int_equal(rdd_ntlm_ntowfv2(k2, "Password", "user", "Domain"), 0);
	assert_memory_equal(k2, want_ntowfv2, 16);
	assert_int_equal(rdd_ntlm_ntowfv2(k2, "Password", "User", "DOMAIN"), 0);
	assert_memory_not_equal(k2, want_ntowfv2, 16);
	assert_int_equal(rdd_ntlm_ntowfv2(k2, "password", "User", "Domain"), 0);
	assert_memory_not_equal(k2, want_ntowfv2, 16);
	/* ASCII-only uppercasing: e acute stays (session.md N.1 step 2). */
	assert_int_equal(rdd_ntlm_ntowfv2(k, "x", "\xc3\xa9", ""), 0);
	assert_int_equal(rdd_ntlm_ntowfv2(k2, "x", "\xc3\x89", ""), 0);
	assert_memory_not_equal(k, k2, 16);
	/* The cap, and invalid UTF-8. */
	memset(long_pw, 'p', sizeof(long_pw));
	long_pw[RDD_NTLM_NAME_MAX] = '\0';
	assert_int_equal(rdd_ntlm_ntowfv2(k, long_pw, "u", ""), 0);
	long_pw[RDD_NTLM_NAME_MAX] = 'p';
	long_pw[RDD_NTLM_NAME_MAX + 1] = '\0';
	assert_int_equal(rdd_ntlm_ntowfv2(k, long_pw, "u", ""), -1);
	assert_int_equal(rdd_ntlm_ntowfv2(k, "\xff", "u", ""), -1);
	assert_int_equal(rdd_ntlm_ntowfv2(k, "p", "\xc0\x80", ""), -1);
}

/* --- [MS-NLMP] 4.2.4 ------------------------------------------------------ */

static void
test_spec_responses(void **state)
{
	uint8_t proof[16], sbk[16], lm[24], enc[16], esk[16];

	(void)state;
	assert_int_equal(rdd__ntlm_v2_proof(proof, sbk, want_ntowfv2,
	                                    spec_server_challenge, spec_temp,
	                                    sizeof(spec_temp)),
	                 0);
	assert_memory_equal(proof, want_proof, 16); /* 4.2.4.2.2 */
	assert_memory_equal(sbk, want_sbk, 16);     /* 4.2.4.1.2 */
	assert_int_equal(
	    rdd__ntlm_lmv2(lm, want_ntowfv2, spec_server_challenge, aa8), 0);
	assert_memory_equal(lm, want_lmv2, 24); /* 4.2.4.2.1 */
	/* 4.2.4.2.3: EncryptedSessionKey = RC4K(KeyExchangeKey = SBK,
	 * RandomSessionKey 55 x 16). */
	memset(esk, 0x55, sizeof(esk));
	assert_int_equal(rdd_rc4_once(sbk, 16, esk, enc, 16), 0);
	assert_memory_equal(enc, want_enc_key, 16);
}

static void
test_spec_authenticate_layout(void **state)
{
	struct rdd__ntlm_auth_fields f;
	uint8_t out[300];
	struct rdd_buf b;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.flags = 0xe2888235;
	f.version.major = 5;
	f.version.minor = 1;
	f.version.build = 2600;
	f.version.revision = 15;
	f.has_mic = false;
	f.domain = (struct rdd_iov){spec_authenticate + 0x48, 12};
	f.user = (struct rdd_iov){spec_authenticate + 0x54, 8};
	f.workstation = (struct rdd_iov){spec_authenticate + 0x5c, 16};
	f.lm = (struct rdd_iov){want_lmv2, 24};
	f.nt_proof = (struct rdd_iov){want_proof, 16};
	f.nt_temp = (struct rdd_iov){spec_temp, sizeof(spec_temp)};
	f.key = (struct rdd_iov){want_enc_key, 16};
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd__ntlm_put_authenticate(&b, &f), 0);
	assert_int_equal(b.len, sizeof(spec_authenticate));
	assert_memory_equal(out, spec_authenticate, sizeof(spec_authenticate));
	/* With a MIC field the payload moves to 88. */
	f.has_mic = true;
	memset(f.mic, 0x77, 16);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd__ntlm_put_authenticate(&b, &f), 0);
	assert_int_equal(b.len, sizeof(spec_authenticate) + 16);
	assert_int_equal(le32(out + 32), 88); /* DomainNameFields offset */
	assert_int_equal(out[72], 0x77);
	assert_memory_equal(out + 88, spec_authenticate + 72, 232 - 72);
	/* A field longer than 16 bits is refused; so is a short buffer. */
	f.nt_temp.len = 0x10000 - 16;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd__ntlm_put_authenticate(&b, &f), -1);
	f.nt_temp.len = sizeof(spec_temp);
	rdd_buf_init(&b, out, 100);
	assert_int_equal(rdd__ntlm_put_authenticate(&b, &f), -1);
}

static void
test_keys(void **state)
{
	uint8_t esk[16], k[16];
	static const uint8_t seal_no_nul[16] = {
	    0xce, 0x8c, 0x7d, 0x47, 0x2d, 0x76, 0xfc, 0x5a,
	    0xa5, 0xe8, 0x10, 0x11, 0xfb, 0x54, 0xb3, 0x85};
	static const char magic[] =
	    "session key to client-to-server sealing key magic constant";
	struct rdd_iov parts[2] = {{esk, 16}, {magic, sizeof(magic) - 1}};

	(void)state;
	memset(esk, 0x55, sizeof(esk));
	assert_int_equal(rdd_ntlm_seal_key(k, esk, true), 0);
	assert_memory_equal(k, want_seal_c2s, 16);
	assert_int_equal(rdd_ntlm_sign_key(k, esk, true), 0);
	assert_memory_equal(k, want_sign_c2s, 16);
	assert_int_equal(rdd_ntlm_seal_key(k, esk, false), 0);
	assert_memory_equal(k, want_seal_s2c, 16);
	assert_int_equal(rdd_ntlm_sign_key(k, esk, false), 0);
	assert_memory_equal(k, want_sign_s2c, 16);
	/* Negative control (session.md N.5): the constant without its NUL
	 * gives another key, so the vector above pins the NUL down. */
	assert_int_equal(rdd_md5(k, parts, 2), 0);
	assert_memory_equal(k, seal_no_nul, 16);
	assert_memory_not_equal(seal_no_nul, want_seal_c2s, 16);
}

static void
test_spec_wrap(void **state)
{
	struct rdd_ntlm_sec client, server;
	uint8_t esk[16], out[64], plain[32], cs[8];
	static const uint8_t checksum[8] = {0x70, 0x35, 0x28, 0x51,
	                                    0xf2, 0x56, 0x43, 0x09};
	static const uint8_t fresh_rc4[8] = {0x74, 0xd0, 0x45, 0x34,
	                                     0x2c, 0x4f, 0x1c, 0xd5};

	(void)state;
	memset(esk, 0x55, sizeof(esk));
	assert_int_equal(rdd__ntlm_sec_init(&client, esk, 0xe2888235, false),
	                 0);
	assert_int_equal(rdd__ntlm_sec_init(&server, esk, 0xe2888235, true), 0);
	assert_memory_equal(client.send.sign_key, want_sign_c2s, 16);
	assert_memory_equal(client.recv.sign_key, want_sign_s2c, 16);
	assert_memory_equal(server.send.sign_key, want_sign_s2c, 16);
	assert_int_equal(client.flags, 0xe2888235);

	/* 4.2.4.4 GSS_WrapEx, sequence number 0. */
	assert_int_equal(
	    rdd_ntlm_seal(&client, plaintext, sizeof(plaintext), out), 0);
	assert_memory_equal(out, want_wrap_c2s, sizeof(want_wrap_c2s));
	assert_int_equal(client.send.seq, 1);
	/* The server direction (session.md N.5). */
	assert_int_equal(
	    rdd_ntlm_seal(&server, plaintext, sizeof(plaintext), out), 0);
	assert_memory_equal(out, want_wrap_s2c, sizeof(want_wrap_s2c));
	/* The client reads the server's token back. */
	assert_int_equal(rdd_ntlm_unseal(&client, want_wrap_s2c,
	                                 sizeof(want_wrap_s2c), plain),
	                 0);
	assert_memory_equal(plain, plaintext, sizeof(plaintext));
	assert_int_equal(client.recv.seq, 1);
	/* And the server the client's. */
	assert_int_equal(rdd_ntlm_unseal(&server, want_wrap_c2s,
	                                 sizeof(want_wrap_c2s), plain),
	                 0);
	assert_memory_equal(plain, plaintext, sizeof(plaintext));

	/* Negative control: the checksum RC4'd with a fresh handle, instead
	 * of the one that sealed the message, is not the signature's. */
	assert_int_equal(rdd_rc4_once(want_seal_c2s, 16, checksum, cs, 8), 0);
	assert_memory_equal(cs, fresh_rc4, 8);
	assert_memory_not_equal(cs, want_wrap_c2s + 4, 8);
	rdd_ntlm_sec_free(&client);
	rdd_ntlm_sec_free(&server);
	assert_zeroed(&client);
}

/* GSS_GetMIC / VerifyMIC (the mechListMIC of NTLM in SPNEGO, session.md
 * C.3): VERSION 1, the HMAC's first 8 bytes RC4'd with the direction's
 * fresh handle, the sequence number; each side checks the other's. */
static void
test_sign_verify(void **state)
{
	static const uint8_t list[] = {0x30, 0x0c, 0x06, 0x0a, 0x2b,
	                               0x06, 0x01, 0x04, 0x01, 0x82,
	                               0x37, 0x02, 0x02, 0x0a};
	struct rdd_ntlm_sec client, server;
	uint8_t esk[16], sig[16], ssig[16], mac[16], want[16], seq0[4] = {0};
	struct rdd_iov parts[2] = {{seq0, 4}, {list, sizeof(list)}};

	(void)state;
	memset(esk, 0x55, sizeof(esk));
	assert_int_equal(rdd__ntlm_sec_init(&client, esk, 0xe2888235, false),
	                 0);
	assert_int_equal(rdd__ntlm_sec_init(&server, esk, 0xe2888235, true), 0);
	assert_int_equal(rdd_ntlm_sign(&client, list, sizeof(list), sig), 0);
	assert_int_equal(client.send.seq, 1);
	/* Recomputed from the 4.2.4 keys, independently. */
	assert_int_equal(rdd_hmac_md5(mac, want_sign_c2s, 16, parts, 2), 0);
	memset(want, 0, sizeof(want));
	want[0] = 1;
	assert_int_equal(rdd_rc4_once(want_seal_c2s, 16, mac, want + 4, 8), 0);
	assert_memory_equal(sig, want, sizeof(want));
	/* The server verifies it; a changed byte, a short one do not. */
	assert_int_equal(
	    rdd_ntlm_verify(&server, list, sizeof(list), sig, sizeof(sig)), 0);
	assert_int_equal(server.recv.seq, 1);
	assert_int_equal(rdd_ntlm_sign(&server, list, sizeof(list), ssig), 0);
	assert_int_equal(rdd_ntlm_verify(&client, list, sizeof(list), ssig, 15),
	                 -1);
	assert_int_equal(client.recv.seq, 1);
	rdd_ntlm_sec_free(&client);
	assert_int_equal(rdd__ntlm_sec_init(&client, esk, 0xe2888235, false),
	                 0);
	ssig[6] ^= 1;
	assert_int_equal(rdd_ntlm_verify(&client, list, sizeof(list), ssig, 16),
	                 -1);
	ssig[6] ^= 1;
	rdd_ntlm_sec_free(&client);
	assert_int_equal(rdd__ntlm_sec_init(&client, esk, 0xe2888235, false),
	                 0);
	assert_int_equal(rdd_ntlm_verify(&client, list, sizeof(list), ssig, 16),
	                 0);
	/* No keys: -1. */
	rdd_ntlm_sec_free(&client);
	assert_int_equal(rdd_ntlm_sign(&client, list, sizeof(list), sig), -1);
	assert_int_equal(rdd_ntlm_verify(&client, list, sizeof(list), ssig, 16),
	                 -1);
	rdd_ntlm_sec_free(&server);
}

static void
test_round_trip(void **state)
{
	struct rdd_ntlm_sec client, server;
	uint8_t esk[16], msg[300], tok[316], back[300];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(esk); i++)
		esk[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i ^ 0x5a);
	assert_int_equal(rdd__ntlm_sec_init(&client, esk, 0, false), 0);
	assert_int_equal(rdd__ntlm_sec_init(&server, esk, 0, true), 0);
	/* Several messages each way, of several sizes, interleaved. */
	for (n = 0; n < sizeof(msg); n += 37) {
		assert_int_equal(rdd_ntlm_seal(&client, msg, n, tok), 0);
		assert_int_equal(le32(tok + 12), client.send.seq - 1);
		memset(back, 0, sizeof(back));
		assert_int_equal(rdd_ntlm_unseal(&server, tok, n + 16, back),
		                 0);
		assert_memory_equal(back, msg, n);
		assert_int_equal(rdd_ntlm_seal(&server, msg, n, tok), 0);
		assert_int_equal(rdd_ntlm_unseal(&client, tok, n + 16, back),
		                 0);
		assert_memory_equal(back, msg, n);
	}
	/* A flipped byte anywhere in the token fails. */
	for (i = 0; i < 16 + 40; i++) {
		struct rdd_ntlm_sec c2, s2;

		assert_int_equal(rdd__ntlm_sec_init(&c2, esk, 0, false), 0);
		assert_int_equal(rdd__ntlm_sec_init(&s2, esk, 0, true), 0);
		assert_int_equal(rdd_ntlm_seal(&c2, msg, 40, tok), 0);
		tok[i] ^= 0x01;
		assert_int_equal(rdd_ntlm_unseal(&s2, tok, 56, back), -1);
		assert_int_equal(s2.recv.seq, 1); /* advanced anyway */
		rdd_ntlm_sec_free(&c2);
		rdd_ntlm_sec_free(&s2);
	}
	/* A skipped message: the sequence numbers disagree. */
	assert_int_equal(rdd_ntlm_seal(&client, msg, 10, tok), 0);
	assert_int_equal(rdd_ntlm_seal(&client, msg, 10, tok), 0);
	assert_int_equal(rdd_ntlm_unseal(&server, tok, 26, back), -1);
	/* A token shorter than a signature; a direction mixed up. */
	assert_int_equal(rdd_ntlm_unseal(&server, tok, 15, back), -1);
	assert_int_equal(rdd_ntlm_seal(&client, msg, 10, tok), 0);
	assert_int_equal(rdd_ntlm_unseal(&client, tok, 26, back), -1);
	rdd_ntlm_sec_free(&client);
	rdd_ntlm_sec_free(&server);
	/* Nothing set up: -1, no crash. */
	memset(&client, 0, sizeof(client));
	assert_int_equal(rdd_ntlm_seal(&client, msg, 10, tok), -1);
	assert_int_equal(rdd_ntlm_unseal(&client, tok, 26, back), -1);
	rdd_ntlm_sec_free(&client);
	rdd_ntlm_sec_free(NULL);
}

/* --- Chromium's vectors (session.md N.6) -------------------------------- */

static void
test_chromium_av_list_and_proof(void **state)
{
	struct rdd_cur ti;
	uint8_t temp[200], proof[16], sbk[16];
	struct rdd_buf b;

	(void)state;
	rdd_cur_init(&ti, spec_challenge + SPEC_TI_AT, SPEC_TI_LEN);
	rdd_buf_init(&b, temp, sizeof(temp));
	rdd_buf_u8(&b, 1);
	rdd_buf_u8(&b, 1);
	rdd_buf_zeros(&b, 6);
	rdd_buf_bytes(&b, chromium_time, 8);
	rdd_buf_bytes(&b, aa8, 8);
	rdd_buf_zeros(&b, 4);
	assert_int_equal(rdd__ntlm_av_list(&b, &ti, chromium_cb, "HTTP/Server"),
	                 0);
	assert_int_equal(b.len - 28, sizeof(chromium_target_info));
	assert_memory_equal(temp + 28, chromium_target_info,
	                    sizeof(chromium_target_info));
	rdd_buf_zeros(&b, 4);
	assert_int_equal(rdd__ntlm_v2_proof(proof, sbk, want_ntowfv2,
	                                    spec_server_challenge, temp, b.len),
	                 0);
	assert_memory_equal(proof, chromium_proof, 16);
	assert_memory_equal(sbk, chromium_sbk, 16);
	/* And the same response inside Chromium's AUTHENTICATE at 112. */
	assert_memory_equal(chromium_authenticate + 112, proof, 16);
	assert_memory_equal(chromium_authenticate + 128, temp, b.len);
}

static void
test_chromium_mic(void **state)
{
	static const uint8_t a[4] = {0x44, 0x44, 0x44, 0x44};
	static const uint8_t bb[6] = {0x66, 0x66, 0x66, 0x66, 0x66, 0x66};
	static const uint8_t c[8] = {0x88, 0x88, 0x88, 0x88,
	                             0x88, 0x88, 0x88, 0x88};
	static const uint8_t simple_mic[16] = {
	    0x71, 0xfe, 0xef, 0xd7, 0x76, 0xd4, 0x42, 0xa8,
	    0x5f, 0x6e, 0x18, 0x0a, 0x6b, 0x02, 0x47, 0x20};
	uint8_t auth[sizeof(chromium_authenticate)], mic[16];

	(void)state;
	/* Chromium's GenerateMicV2 vector. */
	assert_int_equal(rdd__ntlm_mic(mic, want_sbk, a, 4, bb, 6, c, 8), 0);
	assert_memory_equal(mic, simple_mic, 16);
	/* Over the three messages, with the MIC field zeroed. */
	memcpy(auth, chromium_authenticate, sizeof(auth));
	memset(auth + RDD_NTLM_MIC_OFFSET, 0, 16);
	assert_int_equal(rdd__ntlm_mic(mic, chromium_sbk, chromium_negotiate,
	                               sizeof(chromium_negotiate),
	                               spec_challenge, sizeof(spec_challenge),
	                               auth, sizeof(auth)),
	                 0);
	assert_memory_equal(mic, chromium_authenticate + RDD_NTLM_MIC_OFFSET,
	                    16);
	/* Not zeroing it gives another value. */
	assert_int_equal(rdd__ntlm_mic(mic, chromium_sbk, chromium_negotiate,
	                               sizeof(chromium_negotiate),
	                               spec_challenge, sizeof(spec_challenge),
	                               chromium_authenticate,
	                               sizeof(chromium_authenticate)),
	                 0);
	assert_memory_not_equal(mic, chromium_authenticate + 72, 16);
}

/* --- rdd_ntlm_authenticate --------------------------------------------- */

/* The MIC in M, recomputed with the MIC field zeroed. */
static void
assert_mic(const struct rdd_ntlm_auth_input *in, const uint8_t *m, size_t len)
{
	uint8_t copy[RDD_NTLM_AUTHENTICATE_MAX], mic[16];

	assert_true(len <= sizeof(copy));
	memcpy(copy, m, len);
	memset(copy + RDD_NTLM_MIC_OFFSET, 0, 16);
	assert_int_equal(rdd__ntlm_mic(mic, in->exported_session_key,
	                               in->negotiate, in->negotiate_len,
	                               in->challenge, in->challenge_len, copy,
	                               len),
	                 0);
	assert_memory_equal(mic, m + RDD_NTLM_MIC_OFFSET, 16);
}

static void
test_authenticate_spec_challenge(void **state)
{
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_sec sec;
	uint8_t out[RDD_NTLM_AUTHENTICATE_MAX], tok[64];
	size_t len, n;
	uint32_t missing = 7;
	const uint8_t *p, *temp;
	struct rdd_cur av;

	(void)state;
	spec_input(&in);
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, &missing),
	                 RDD_NTLM_AUTH_OK);
	assert_int_equal(missing, 0);
	/* The whole message, as the independent implementation built it. */
	assert_int_equal(len, sizeof(want_spec_auth));
	assert_memory_equal(out, want_spec_auth, len);
	/* Field by field: flags, VERSION, the 4.2.4 LMv2 (no timestamp in
	 * this CHALLENGE), the names, the time, the MIC. */
	assert_int_equal(le32(out + 60), (0xe28a8233u & 0xe2088235u) |
	                                     RDD_NTLM_NEGOTIATE_VERSION);
	assert_memory_equal(out + 64, lab_negotiate + 32, 8);
	p = field(out, len, 12, &n);
	assert_int_equal(n, 24);
	assert_memory_equal(p, want_lmv2, 24);
	p = field(out, len, 28, &n);
	assert_int_equal(n, 12);
	assert_memory_equal(p, spec_authenticate + 0x48, 12); /* Domain */
	p = field(out, len, 36, &n);
	assert_memory_equal(p, spec_authenticate + 0x54, 8); /* User */
	p = field(out, len, 44, &n);
	assert_memory_equal(p, spec_authenticate + 0x5c, 16); /* COMPUTER */
	assert_int_equal(le32(out + 28 + 4), 88); /* payload after the MIC */
	av = response_av_list(out, len, &temp);
	assert_memory_equal(temp, "\x01\x01\0\0\0\0\0\0", 8);
	assert_memory_equal(temp + 8, chromium_time, 8); /* now_filetime */
	assert_memory_equal(temp + 16, aa8, 8);
	/* The server's two pairs, then ours. */
	assert_int_equal(av.len, SPEC_TI_LEN - 4 + 8 + 20 + 4 + 28 + 4);
	assert_memory_equal(av.p, spec_challenge + SPEC_TI_AT, SPEC_TI_LEN - 4);
	assert_mic(&in, out, len);

	/* SEC: 4.2.4's exported key, so its keys and its GSS_WrapEx. */
	assert_int_equal(sec.flags, le32(out + 60));
	assert_memory_equal(sec.exported_session_key, in.exported_session_key,
	                    16);
	assert_memory_equal(sec.send.sign_key, want_sign_c2s, 16);
	assert_memory_equal(sec.recv.sign_key, want_sign_s2c, 16);
	assert_int_equal(sec.send.seq, 0);
	assert_int_equal(rdd_ntlm_seal(&sec, plaintext, sizeof(plaintext), tok),
	                 0);
	assert_memory_equal(tok, want_wrap_c2s, sizeof(want_wrap_c2s));
	assert_int_equal(
	    rdd_ntlm_unseal(&sec, want_wrap_s2c, sizeof(want_wrap_s2c), tok),
	    0);
	assert_memory_equal(tok, plaintext, sizeof(plaintext));
	rdd_ntlm_sec_free(&sec);
	assert_zeroed(&sec);
}

static void
test_authenticate_shadow(void **state)
{
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_sec sec;
	uint8_t out[RDD_NTLM_AUTHENTICATE_MAX];
	static const uint8_t z24[24];
	size_t len, n;
	const uint8_t *p, *temp;
	struct rdd_cur av, v;
	uint16_t id, last = 0xffff;
	size_t flags_pairs = 0;

	(void)state;
	shadow_input(&in);
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_OK);
	assert_int_equal(len, sizeof(want_shadow_auth));
	assert_memory_equal(out, want_shadow_auth, len);
	assert_int_equal(le32(out + 60), 0xe20882b7);
	/* A timestamp in the CHALLENGE: LM is Z(24), Time is the server's. */
	p = field(out, len, 12, &n);
	assert_int_equal(n, 24);
	assert_memory_equal(p, z24, 24);
	av = response_av_list(out, len, &temp);
	assert_memory_equal(temp + 8, shadow + SHADOW_TS_AT, 8);
	/* Empty domain and workstation: zero-length fields. */
	(void)field(out, len, 28, &n);
	assert_int_equal(n, 0);
	(void)field(out, len, 44, &n);
	assert_int_equal(n, 0);
	/* One MsvAvFlags (appended: the server sent none), the list ends
	 * with MsvAvEOL. */
	while (rdd_ntlm_av_next(&av, &id, &v) == 0) {
		if (id == RDD_MSV_AV_FLAGS) {
			flags_pairs++;
			assert_int_equal(v.len, 4);
			assert_int_equal(le32(v.p), 2);
		}
		last = id;
	}
	assert_int_equal(flags_pairs, 1);
	assert_int_equal(last, RDD_MSV_AV_EOL);
	assert_int_equal(av.len, 0);
	assert_mic(&in, out, len);
	rdd_ntlm_sec_free(&sec);
}

static void
test_authenticate_old_challenges(void **state)
{
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_sec sec;
	uint8_t out[RDD_NTLM_AUTHENTICATE_MAX], ch[sizeof(spec_v1_challenge)];
	static const uint8_t from_scratch[] = {
	    0x06, 0x00, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x00,
	    0x10, 0x00, 0,    0,    0,    0,    0,    0,    0,    0,
	    0,    0,    0,    0,    0,    0,    0,    0,    0x09, 0x00,
	    0x04, 0x00, 'a',  0x00, '/',  0x00, 0x00, 0x00, 0x00, 0x00};
	size_t len, n;
	uint32_t missing = 0;
	const uint8_t *p, *temp;
	struct rdd_cur av;

	(void)state;
	/* [MS-NLMP] 4.2.2.3 as it is: no EXTENDED_SESSIONSECURITY. */
	spec_input(&in);
	in.challenge = spec_v1_challenge;
	in.challenge_len = sizeof(spec_v1_challenge);
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, &missing),
	                 RDD_NTLM_AUTH_DOWNGRADE);
	assert_int_equal(missing, RDD_NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY);
	assert_zeroed(&sec);
	/* With it: no TargetInfo, so the AV list is built from scratch, the
	 * time is ours and LM the classic LMv2 of 4.2.4.2.1. */
	memcpy(ch, spec_v1_challenge, sizeof(ch));
	ch[22] |= 0x08;
	in.challenge = ch;
	in.target_spn = "a/";
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, &missing),
	                 RDD_NTLM_AUTH_OK);
	av = response_av_list(out, len, &temp);
	assert_int_equal(av.len, sizeof(from_scratch));
	assert_memory_equal(av.p, from_scratch, sizeof(from_scratch));
	assert_memory_equal(temp + 8, chromium_time, 8);
	p = field(out, len, 12, &n);
	assert_memory_equal(p, want_lmv2, 24);
	assert_mic(&in, out, len);
	rdd_ntlm_sec_free(&sec);
	/* The 32-byte CHALLENGE of old servers (Chromium's
	 * kMinChallengeMessage): the parser wants the 48-byte header. */
	in.challenge_len = 32;
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
}

static void
check_truncations(struct rdd_ntlm_auth_input *in, const uint8_t *msg,
                  size_t len)
{
	uint8_t out[RDD_NTLM_AUTHENTICATE_MAX];
	struct rdd_ntlm_sec sec;
	uint32_t missing;
	size_t cut, n;

	for (cut = 0; cut < len; cut++) {
		/* A copy of exactly CUT bytes: ASan sees any read past it. */
		uint8_t *p = malloc(cut > 0 ? cut : 1);

		assert_non_null(p);
		memcpy(p, msg, cut);
		in->challenge = p;
		in->challenge_len = cut;
		missing = 0;
		assert_int_equal(run(in, out, sizeof(out), &n, &sec, &missing),
		                 RDD_NTLM_AUTH_MALFORMED);
		assert_int_equal(missing, 0);
		assert_zeroed(&sec);
		free(p);
	}
}

static void
test_every_truncation(void **state)
{
	struct rdd_ntlm_auth_input in;

	(void)state;
	spec_input(&in);
	check_truncations(&in, spec_challenge, sizeof(spec_challenge));
	shadow_input(&in);
	check_truncations(&in, shadow, sizeof(shadow));
}

/* Expect MALFORMED for the CHALLENGE made of FLAGS and TI. */
static void
assert_malformed(const uint8_t *ti, size_t n)
{
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_sec sec;
	uint8_t ch[512], out[RDD_NTLM_AUTHENTICATE_MAX];
	size_t len;

	spec_input(&in);
	in.challenge = ch;
	in.challenge_len = make_challenge(ch, sizeof(ch), 0xe28a8233, ti, n);
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
	assert_zeroed(&sec);
}

static void
test_hostile_challenges(void **state)
{
	/* No MsvAvEOL. */
	static const uint8_t no_eol[] = {0x01, 0x00, 0x02, 0x00, 'S', 0x00};
	/* A name of odd length. */
	static const uint8_t odd[] = {0x01, 0x00, 0x03, 0x00, 'S', 0x00,
	                              'x',  0,    0,    0,    0};
	/* AvLen beyond the list. */
	static const uint8_t huge[] = {0x01, 0x00, 0xff, 0xff, 'S',
	                               0x00, 0x00, 0x00, 0x00, 0x00};
	/* MsvAvTimestamp and MsvAvFlags of the wrong size. */
	static const uint8_t bad_ts[] = {0x07, 0x00, 0x04, 0x00, 1, 2,
	                                 3,    4,    0,    0,    0, 0};
	static const uint8_t bad_flags[] = {0x06, 0x00, 0x02, 0x00, 1,
	                                    2,    0,    0,    0,    0};
	/* A pair header cut inside the list. */
	static const uint8_t cut[] = {0x01, 0x00, 0x00};
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_sec sec;
	uint8_t ch[sizeof(spec_challenge)], out[RDD_NTLM_AUTHENTICATE_MAX];
	size_t len;

	(void)state;
	assert_malformed(no_eol, sizeof(no_eol));
	assert_malformed(odd, sizeof(odd));
	assert_malformed(huge, sizeof(huge));
	assert_malformed(bad_ts, sizeof(bad_ts));
	assert_malformed(bad_flags, sizeof(bad_flags));
	assert_malformed(cut, sizeof(cut));

	/* Offset + length wrapping 32 bits, for TargetInfo and TargetName. */
	spec_input(&in);
	in.challenge = ch;
	memcpy(ch, spec_challenge, sizeof(ch));
	ch[44] = 0xf0;
	ch[45] = ch[46] = ch[47] = 0xff; /* TargetInfo at 0xfffffff0 */
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
	memcpy(ch, spec_challenge, sizeof(ch));
	ch[16] = 0xfa;
	ch[17] = ch[18] = ch[19] = 0xff; /* TargetName at 0xfffffffa */
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
	/* Not a CHALLENGE: another type, another signature. */
	memcpy(ch, spec_challenge, sizeof(ch));
	ch[8] = 3;
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
	memcpy(ch, spec_challenge, sizeof(ch));
	ch[0] = 'n';
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
	/* Missing pieces of the input. */
	spec_input(&in);
	in.challenge = NULL;
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
	spec_input(&in);
	in.negotiate = NULL;
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
	in.negotiate = spec_challenge; /* not a NEGOTIATE */
	in.negotiate_len = sizeof(spec_challenge);
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
	in.negotiate = lab_negotiate;
	in.negotiate_len = 15; /* cut before its flags */
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_MALFORMED);
}

static void
test_downgrade(void **state)
{
	static const uint32_t required[] = {
	    RDD_NTLM_NEGOTIATE_UNICODE,
	    RDD_NTLM_NEGOTIATE_SIGN,
	    RDD_NTLM_NEGOTIATE_SEAL,
	    RDD_NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY,
	    RDD_NTLM_NEGOTIATE_128,
	    RDD_NTLM_NEGOTIATE_KEY_EXCH};
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_sec sec;
	uint8_t ch[sizeof(spec_challenge)], neg[sizeof(lab_negotiate)];
	uint8_t out[RDD_NTLM_AUTHENTICATE_MAX];
	uint32_t missing, all = 0, flags;
	size_t i, len;

	(void)state;
	spec_input(&in);
	in.challenge = ch;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		all |= required[i];
		memcpy(ch, spec_challenge, sizeof(ch));
		flags = le32(ch + 20) & ~required[i];
		ch[20] = (uint8_t)flags;
		ch[21] = (uint8_t)(flags >> 8);
		ch[22] = (uint8_t)(flags >> 16);
		ch[23] = (uint8_t)(flags >> 24);
		missing = 0;
		assert_int_equal(
		    run(&in, out, sizeof(out), &len, &sec, &missing),
		    RDD_NTLM_AUTH_DOWNGRADE);
		assert_int_equal(missing, required[i]);
		assert_zeroed(&sec);
		/* MISSING may be NULL. */
		assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
		                 RDD_NTLM_AUTH_DOWNGRADE);
	}
	assert_int_equal(all, RDD_NTLM_REQUIRED_FLAGS);
	/* Everything missing at once. */
	memcpy(ch, spec_challenge, sizeof(ch));
	memset(ch + 20, 0, 4);
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, &missing),
	                 RDD_NTLM_AUTH_DOWNGRADE);
	assert_int_equal(missing, RDD_NTLM_REQUIRED_FLAGS);
	/* The flags that count are the CHALLENGE's ANDed with the
	 * NEGOTIATE's: a NEGOTIATE without KEY_EXCH gets no key exchange. */
	memcpy(neg, lab_negotiate, sizeof(neg));
	neg[15] &= (uint8_t) ~(RDD_NTLM_NEGOTIATE_KEY_EXCH >> 24);
	in.challenge = spec_challenge;
	in.negotiate = neg;
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, &missing),
	                 RDD_NTLM_AUTH_DOWNGRADE);
	assert_int_equal(missing, RDD_NTLM_NEGOTIATE_KEY_EXCH);
	/* LM_KEY echoed next to ESS, and 56 missing, are harmless. */
	memcpy(ch, spec_challenge, sizeof(ch));
	ch[20] |= 0x80;
	ch[23] &= 0x7f;
	in.challenge = ch;
	in.negotiate = lab_negotiate;
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, &missing),
	                 RDD_NTLM_AUTH_OK);
	rdd_ntlm_sec_free(&sec);
}

static void
test_av_list_rules(void **state)
{
	/* Server pairs: NbComputerName, MsvAvFlags 0x1, an unknown id 0x0b,
	 * the server's own MsvAvTargetName and MsvAvChannelBindings, a
	 * second MsvAvFlags 0x10, MsvAvTimestamp, MsvAvEOL, then padding. */
	static const uint8_t ti[] = {
	    0x01, 0x00, 0x02, 0x00, 'S',  0x00,             /* NbComputerName */
	    0x06, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, /* flags */
	    0x0b, 0x00, 0x03, 0x00, 0xaa, 0xbb, 0xcc,       /* unknown */
	    0x09, 0x00, 0x02, 0x00, 'X',  0x00,             /* target */
	    0x0a, 0x00, 0x02, 0x00, 0x11, 0x22,             /* cb */
	    0x06, 0x00, 0x04, 0x00, 0x10, 0x00, 0x00, 0x00, /* flags */
	    0x07, 0x00, 0x08, 0x00, 1,    2,    3,    4,
	    5,    6,    7,    8,                            /* timestamp */
	    0x00, 0x00, 0x00, 0x00, 0xee, 0xee, 0xee, 0xee, /* EOL, padding */
	};
	static const uint8_t cb[16] = {0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5,
	                               0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb,
	                               0xcc, 0xcd, 0xce, 0xcf};
	static const uint8_t want[] = {
	    0x01, 0x00, 0x02, 0x00, 'S',  0x00, 0x06, 0x00, 0x04, 0x00, 0x03,
	    0x00, 0x00, 0x00, 0x0b, 0x00, 0x03, 0x00, 0xaa, 0xbb, 0xcc, 0x07,
	    0x00, 0x08, 0x00, 1,    2,    3,    4,    5,    6,    7,    8,
	    0x0a, 0x00, 0x10, 0x00, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6,
	    0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0x09, 0x00,
	    0x02, 0x00, 'T',  0x00, 0x00, 0x00, 0x00, 0x00};
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_sec sec;
	uint8_t ch[256], out[RDD_NTLM_AUTHENTICATE_MAX];
	size_t len;
	const uint8_t *temp;
	struct rdd_cur av;

	(void)state;
	spec_input(&in);
	in.challenge = ch;
	in.challenge_len =
	    make_challenge(ch, sizeof(ch), 0xe28a8233, ti, sizeof(ti));
	in.channel_bindings = cb;
	in.target_spn = "T";
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_OK);
	av = response_av_list(out, len, &temp);
	assert_int_equal(av.len, sizeof(want));
	assert_memory_equal(av.p, want, sizeof(want));
	/* The server's timestamp is the response's time. */
	assert_memory_equal(temp + 8, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_mic(&in, out, len);
	rdd_ntlm_sec_free(&sec);
}

static void
test_mic_covers_challenge(void **state)
{
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_sec sec;
	uint8_t ch[sizeof(spec_challenge)], out[RDD_NTLM_AUTHENTICATE_MAX];
	size_t len;

	(void)state;
	/* A byte no parser reads (the CHALLENGE's Reserved field) still
	 * changes the MIC: it covers the bytes as received. */
	spec_input(&in);
	memcpy(ch, spec_challenge, sizeof(ch));
	ch[33] = 0x01;
	in.challenge = ch;
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_OK);
	assert_int_equal(len, sizeof(want_spec_auth));
	assert_memory_equal(out, want_spec_auth, RDD_NTLM_MIC_OFFSET);
	assert_memory_not_equal(out + RDD_NTLM_MIC_OFFSET,
	                        want_spec_auth + RDD_NTLM_MIC_OFFSET, 16);
	assert_memory_equal(out + 88, want_spec_auth + 88, len - 88);
	assert_mic(&in, out, len);
	rdd_ntlm_sec_free(&sec);
}

/* S of N copies of C, then TAIL. */
static char *
repeat(char c, size_t n, const char *tail)
{
	char *s = malloc(n + strlen(tail) + 1);

	assert_non_null(s);
	memset(s, c, n);
	strcpy(s + n, tail);
	return s;
}

static void
test_caps(void **state)
{
	struct rdd_ntlm_auth_input in;
	struct rdd_ntlm_sec sec;
	uint8_t *ch = malloc(70000), out[RDD_NTLM_AUTHENTICATE_MAX];
	uint8_t *ti = calloc(1, 70000);
	char *at_cap = repeat('n', RDD_NTLM_NAME_MAX, "");
	char *over = repeat('n', RDD_NTLM_NAME_MAX + 1, "");
	/* 255 units and a surrogate pair: 257 units. */
	char *pair_over =
	    repeat('n', RDD_NTLM_NAME_MAX - 1, "\xf0\x9f\x98\x80");
	const char **fields[] = {&in.user, &in.domain, &in.password,
	                         &in.workstation, &in.target_spn};
	size_t i, len, n;

	(void)state;
	assert_non_null(ch);
	assert_non_null(ti);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		spec_input(&in);
		*fields[i] = at_cap;
		assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
		                 RDD_NTLM_AUTH_OK);
		rdd_ntlm_sec_free(&sec);
		*fields[i] = over;
		assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
		                 RDD_NTLM_AUTH_TOO_LONG);
		assert_zeroed(&sec);
		*fields[i] = pair_over;
		assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
		                 RDD_NTLM_AUTH_TOO_LONG);
		/* Invalid UTF-8 cannot be encoded either. */
		*fields[i] = "ab\xc0\xaf";
		assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
		                 RDD_NTLM_AUTH_TOO_LONG);
		*fields[i] = NULL;
		assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
		                 RDD_NTLM_AUTH_TOO_LONG);
	}

	/* Every name at its cap and the longest server AV list that keeps
	 * the message within RDD_NTLM_AUTHENTICATE_MAX: OK, and exactly
	 * that long; one byte more is TOO_LONG. The list is one unknown
	 * pair of N bytes, then MsvAvEOL. */
	spec_input(&in);
	in.user = in.domain = in.workstation = in.target_spn = at_cap;
	/* fixed 88, names 3 x 512, LM 24, proof 16, temp head 28, our
	 * pairs 8 + 20 + 4 + 512 + 4, Z(4), key 16, the pair's head 4. */
	n = RDD_NTLM_AUTHENTICATE_MAX -
	    (88 + 3 * 512 + 24 + 16 + 28 + 8 + 20 + 4 + 512 + 4 + 4 + 16 + 4);
	ti[0] = 0x0b;
	ti[2] = (uint8_t)n;
	ti[3] = (uint8_t)(n >> 8);
	in.challenge = ch;
	in.challenge_len = make_challenge(ch, 70000, 0xe28a8233, ti, n + 8);
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_OK);
	assert_int_equal(len, RDD_NTLM_AUTHENTICATE_MAX);
	assert_mic(&in, out, len);
	rdd_ntlm_sec_free(&sec);
	/* OUT one byte too small. */
	assert_int_equal(run(&in, out, sizeof(out) - 1, &len, &sec, NULL),
	                 RDD_NTLM_AUTH_TOO_LONG);
	assert_zeroed(&sec);
	n++;
	ti[2] = (uint8_t)n;
	ti[3] = (uint8_t)(n >> 8);
	in.challenge_len = make_challenge(ch, 70000, 0xe28a8233, ti, n + 8);
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_TOO_LONG);
	assert_zeroed(&sec);
	/* A server AV list near 64 KiB: the NtChallengeResponse would not
	 * fit its 16-bit length either. */
	spec_input(&in);
	n = 0xffff - 8;
	ti[2] = (uint8_t)n;
	ti[3] = (uint8_t)(n >> 8);
	in.challenge = ch;
	in.challenge_len = make_challenge(ch, 70000, 0xe28a8233, ti, n + 8);
	assert_int_equal(run(&in, out, sizeof(out), &len, &sec, NULL),
	                 RDD_NTLM_AUTH_TOO_LONG);
	free(at_cap);
	free(over);
	free(pair_over);
	free(ti);
	free(ch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf16),
	    cmocka_unit_test(test_ntowfv2),
	    cmocka_unit_test(test_spec_responses),
	    cmocka_unit_test(test_spec_authenticate_layout),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_spec_wrap),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_sign_verify),
	    cmocka_unit_test(test_chromium_av_list_and_proof),
	    cmocka_unit_test(test_chromium_mic),
	    cmocka_unit_test(test_authenticate_spec_challenge),
	    cmocka_unit_test(test_authenticate_shadow),
	    cmocka_unit_test(test_authenticate_old_challenges),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_hostile_challenges),
	    cmocka_unit_test(test_downgrade),
	    cmocka_unit_test(test_av_list_rules),
	    cmocka_unit_test(test_mic_covers_challenge),
	    cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
