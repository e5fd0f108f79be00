/*
 * test_domain.c - lib/wire/domain.c: the MCS domain PDU builders (exact
 * bytes), the server and client parsers on every cleartext domain PDU of a
 * real capture and on the [MS-RDPBCGR] 4.1.8 examples, the T.125 Result
 * bits, malformed and cut-short PDUs, and the fast-path framing.
 *
 * Capture: tests/captures/suricata-verify/tests/rdp-protocol/RDP-003.pcap
 * (XP mstsc 10.226.41.226:13178 -> Windows server 10.226.29.74:3389,
 * standard RDP security), frame numbers as tshark counts them; each vector
 * is the frame's whole TCP payload (one TPKT, or one fast-path PDU).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/domain.h"
#include "wire/mcs.h"
#include "wire/per.h"
#include "wire/tpkt.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- vectors ------------------------------------------------------------ */

/* RDP-003 frame 9, client -> server: Erect Domain Request. */
static const uint8_t r3_f9[] = {0x03, 0x00, 0x00, 0x0c, 0x02, 0xf0,
                                0x80, 0x04, 0x01, 0x00, 0x01, 0x00};
/* RDP-003 frame 10, client -> server: Attach User Request. */
static const uint8_t r3_f10[] = {0x03, 0x00, 0x00, 0x08,
                                 0x02, 0xf0, 0x80, 0x28};
/* RDP-003 frame 12, server -> client: Attach User Confirm, result 0,
 * initiator 6 (user channel 1007). */
static const uint8_t r3_f12[] = {0x03, 0x00, 0x00, 0x0b, 0x02, 0xf0,
                                 0x80, 0x2e, 0x00, 0x00, 0x06};
/* RDP-003 frames 13, 15, 17, 19, 21, client -> server: Channel Join
 * Request of user 1007 for 1007 (0x3ef), 1003, 1004, 1005, 1006. */
static const uint8_t r3_f13[] = {0x03, 0x00, 0x00, 0x0c, 0x02, 0xf0,
                                 0x80, 0x38, 0x00, 0x06, 0x03, 0xef};
static const uint8_t r3_f15[] = {0x03, 0x00, 0x00, 0x0c, 0x02, 0xf0,
                                 0x80, 0x38, 0x00, 0x06, 0x03, 0xeb};
static const uint8_t r3_f17[] = {0x03, 0x00, 0x00, 0x0c, 0x02, 0xf0,
                                 0x80, 0x38, 0x00, 0x06, 0x03, 0xec};
static const uint8_t r3_f19[] = {0x03, 0x00, 0x00, 0x0c, 0x02, 0xf0,
                                 0x80, 0x38, 0x00, 0x06, 0x03, 0xed};
static const uint8_t r3_f21[] = {0x03, 0x00, 0x00, 0x0c, 0x02, 0xf0,
                                 0x80, 0x38, 0x00, 0x06, 0x03, 0xee};
/* RDP-003 frames 14, 16, 18, 20, 22, server -> client: Channel Join
 * Confirm, result 0, initiator 1007, requested = channelId. Frame 14 is
 * byte for byte the [MS-RDPBCGR] 4.1.8.1.2 example (channel 1007), frame
 * 22 the 4.1.8.5.2 one (channel 1006). */
static const uint8_t r3_f14[] = {0x03, 0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80, 0x3e,
                                 0x00, 0x00, 0x06, 0x03, 0xef, 0x03, 0xef};
static const uint8_t r3_f16[] = {0x03, 0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80, 0x3e,
                                 0x00, 0x00, 0x06, 0x03, 0xeb, 0x03, 0xeb};
static const uint8_t r3_f18[] = {0x03, 0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80, 0x3e,
                                 0x00, 0x00, 0x06, 0x03, 0xec, 0x03, 0xec};
static const uint8_t r3_f20[] = {0x03, 0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80, 0x3e,
                                 0x00, 0x00, 0x06, 0x03, 0xed, 0x03, 0xed};
static const uint8_t r3_f22[] = {0x03, 0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80, 0x3e,
                                 0x00, 0x00, 0x06, 0x03, 0xee, 0x03, 0xee};
/* [MS-RDPBCGR] 4.1.8.1.2 and 4.1.8.5.2: Server Channel Join Confirm for
 * 1007 and for 1006 (rdpsnd). */
static const uint8_t spec_cjc_1007[] = {0x03, 0x00, 0x00, 0x0f, 0x02,
                                        0xf0, 0x80, 0x3e, 0x00, 0x00,
                                        0x06, 0x03, 0xef, 0x03, 0xef};
static const uint8_t spec_cjc_1006[] = {0x03, 0x00, 0x00, 0x0f, 0x02,
                                        0xf0, 0x80, 0x3e, 0x00, 0x00,
                                        0x06, 0x03, 0xee, 0x03, 0xee};
/* RDP-003 frame 431, server -> client: Disconnect Provider Ultimatum
 * rn-user-requested (21 80). */
static const uint8_t r3_f431[] = {0x03, 0x00, 0x00, 0x09, 0x02,
                                  0xf0, 0x80, 0x21, 0x80};

/* RDP-003 frame 23, client -> server: Send Data Request from 1007 on the
 * I/O channel 1003 with the Security Exchange PDU (80 bytes, one-byte
 * PER length 0x50). */
static const uint8_t r3_f23[94] = {
    0x03, 0x00, 0x00, 0x5e, 0x02, 0xf0, 0x80, 0x64, 0x00, 0x06, 0x03, 0xeb,
    0x70, 0x50, 0x01, 0x02, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x4c, 0xec,
    0xf8, 0x64, 0x7d, 0xa6, 0x11, 0xd0, 0xcc, 0xca, 0x1f, 0x36, 0x3c, 0x8b,
    0x56, 0xca, 0x74, 0x48, 0xfc, 0x6c, 0x23, 0xa0, 0xa5, 0x7e, 0x3a, 0x24,
    0xf2, 0xb6, 0xce, 0xcc, 0x9f, 0x90, 0xf5, 0xc9, 0x15, 0xee, 0xdc, 0x55,
    0xb1, 0xb8, 0xf4, 0xc0, 0x2f, 0xe8, 0xfc, 0x3e, 0x5d, 0xf9, 0x8c, 0xd7,
    0x0e, 0x21, 0xd7, 0x42, 0x1c, 0x1a, 0x1a, 0x9c, 0x72, 0x07, 0x92, 0x1e,
    0xc2, 0x2b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* RDP-003 frame 24, client -> server: Send Data Request from 1007 on 1003
 * with the encrypted Client Info PDU (342 bytes, PER length 81 56). */
static const uint8_t r3_f24[357] = {
    0x03, 0x00, 0x01, 0x65, 0x02, 0xf0, 0x80, 0x64, 0x00, 0x06, 0x03, 0xeb,
    0x70, 0x81, 0x56, 0x48, 0x00, 0x00, 0x00, 0x05, 0xf2, 0xc1, 0xb0, 0x49,
    0xeb, 0x8d, 0x13, 0x4a, 0x6c, 0xf3, 0xa9, 0x88, 0xc8, 0xd0, 0x02, 0xc6,
    0x9b, 0xd7, 0xd1, 0x72, 0xc1, 0x1f, 0x20, 0xf3, 0xb1, 0xe8, 0xe6, 0x7d,
    0xbd, 0xcd, 0x2a, 0x74, 0xb3, 0xfb, 0x48, 0xe5, 0x20, 0xed, 0xa0, 0xa5,
    0x7c, 0x44, 0xf9, 0x9b, 0x6e, 0x12, 0x9e, 0x86, 0x79, 0x8d, 0xdd, 0x80,
    0x68, 0xf6, 0x7e, 0x6f, 0x47, 0xa0, 0x4b, 0xd6, 0x8c, 0x20, 0xdc, 0x35,
    0xf6, 0x88, 0xcf, 0x19, 0x23, 0x69, 0xa1, 0xde, 0x71, 0x1c, 0x87, 0x56,
    0xc6, 0x9e, 0x5e, 0xd1, 0x2a, 0x99, 0x19, 0x26, 0x66, 0x55, 0xe2, 0xc2,
    0xd3, 0x5f, 0xf1, 0x57, 0xcd, 0xd4, 0x7c, 0x64, 0xc7, 0x36, 0x66, 0xbb,
    0xc4, 0x98, 0xea, 0x22, 0xd0, 0xf3, 0x47, 0x73, 0x15, 0xf3, 0xb4, 0xf9,
    0x2b, 0x94, 0x7c, 0x1e, 0xc8, 0x11, 0x68, 0x9e, 0x57, 0x55, 0xf1, 0x13,
    0x72, 0x2c, 0x90, 0x74, 0x91, 0x63, 0xfd, 0x21, 0x1d, 0x22, 0xf3, 0x74,
    0x06, 0xe9, 0x6c, 0x2c, 0x28, 0xdb, 0x1d, 0xca, 0x46, 0xfe, 0xf4, 0xae,
    0x5d, 0xc7, 0xe6, 0x11, 0xdb, 0xc7, 0x08, 0xda, 0x5a, 0x5e, 0xb5, 0xcf,
    0xdc, 0x6c, 0x6a, 0x8a, 0x9f, 0xa2, 0x99, 0x2d, 0xc5, 0xd9, 0x5a, 0xd5,
    0x14, 0x6f, 0x61, 0x00, 0xdc, 0x6b, 0xf6, 0x7b, 0xbf, 0x50, 0x71, 0xc8,
    0x40, 0xbc, 0xf4, 0xf6, 0xa6, 0xd3, 0xa4, 0x3f, 0xe1, 0xbd, 0xa8, 0xc2,
    0x5e, 0xb4, 0xc2, 0x34, 0x08, 0x10, 0x79, 0x73, 0xf6, 0x4f, 0x56, 0x33,
    0xf2, 0x77, 0xc5, 0xc7, 0x34, 0x48, 0xdc, 0x52, 0x80, 0x7e, 0x28, 0xaf,
    0x43, 0xd2, 0x2e, 0xde, 0xe7, 0xbe, 0x6c, 0xf4, 0x2e, 0xa0, 0x93, 0xb1,
    0x53, 0x42, 0x3f, 0xf6, 0x2e, 0xab, 0x9f, 0x24, 0x98, 0x5b, 0x3b, 0x7e,
    0x87, 0xc4, 0x08, 0xd8, 0x6f, 0x5e, 0xef, 0xab, 0x08, 0x12, 0x4d, 0x06,
    0x25, 0xdc, 0x20, 0x45, 0xa5, 0x17, 0x12, 0x87, 0xd8, 0xde, 0x47, 0x4e,
    0xa9, 0x42, 0xbc, 0x33, 0x78, 0x18, 0x2a, 0x83, 0x8f, 0x09, 0xbc, 0xc2,
    0x94, 0x10, 0x65, 0xbf, 0xc4, 0x4e, 0x80, 0x12, 0x78, 0x68, 0x4e, 0x4f,
    0xc3, 0x5c, 0x9a, 0x26, 0x0c, 0x30, 0x8c, 0x6d, 0xfc, 0x2d, 0xe8, 0x81,
    0xa3, 0xbc, 0xc5, 0xcf, 0x38, 0x72, 0x16, 0x78, 0x71, 0x3d, 0x3d, 0xfb,
    0x31, 0xc1, 0x5e, 0x42, 0x89, 0xbb, 0x0f, 0x21, 0x78, 0x86, 0x0b, 0xb7,
    0xd1, 0xcd, 0x5e, 0x0a, 0x2f, 0x0c, 0x0c, 0x33, 0xa9,
};
/* RDP-003 frame 26, server -> client: Send Data Indication from 1002 on
 * 1003 with a licensing ERROR_ALERT (20 bytes, PER length 0x14). */
static const uint8_t r3_f26[34] = {
    0x03, 0x00, 0x00, 0x22, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x01, 0x03, 0xeb,
    0x70, 0x14, 0x80, 0x02, 0x10, 0x00, 0xff, 0x02, 0x10, 0x00, 0x07, 0x00,
    0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x38, 0xe2, 0x00, 0x00,
};
/* RDP-003 frame 27, server -> client: Send Data Indication from 1002 on
 * 1003 with the encrypted Demand Active (304 bytes, PER length 81 30). */
static const uint8_t r3_f27[319] = {
    0x03, 0x00, 0x01, 0x3f, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x01, 0x03, 0xeb,
    0x70, 0x81, 0x30, 0x08, 0x00, 0x10, 0x00, 0x4c, 0x75, 0xc9, 0xe2, 0x73,
    0x77, 0x9b, 0x7c, 0xa1, 0xcf, 0x05, 0x13, 0xdc, 0x32, 0x20, 0xd0, 0xfb,
    0xd3, 0xd9, 0x63, 0xb9, 0x4e, 0x3d, 0x93, 0x21, 0xba, 0x5e, 0x24, 0x31,
    0xf0, 0xe5, 0x00, 0x9f, 0x3f, 0x9d, 0x3b, 0x06, 0xa1, 0xd4, 0x24, 0x2e,
    0x41, 0x41, 0x2a, 0x0c, 0x0f, 0x48, 0xfa, 0xb6, 0x2b, 0xfa, 0x4b, 0xd2,
    0x61, 0xbd, 0x73, 0x09, 0x9f, 0x05, 0x06, 0x62, 0x71, 0x07, 0x07, 0xb3,
    0x66, 0xc6, 0x45, 0x68, 0xd4, 0x9f, 0x12, 0x99, 0x52, 0x4c, 0xc5, 0xb2,
    0x5e, 0x84, 0xe1, 0x97, 0x63, 0xa9, 0x16, 0x17, 0x13, 0xa3, 0xbe, 0x54,
    0xe2, 0x4f, 0x9e, 0x37, 0x7d, 0x25, 0xdb, 0xcd, 0xd1, 0x9f, 0xb3, 0xf0,
    0x6f, 0xb3, 0x05, 0x75, 0x7b, 0x5e, 0xb9, 0x85, 0x06, 0xee, 0xf7, 0x01,
    0x00, 0xb3, 0xb8, 0x6c, 0x77, 0x99, 0xff, 0xe7, 0xbc, 0x91, 0xc5, 0x09,
    0x2d, 0x9d, 0x26, 0x9a, 0xcb, 0x15, 0x6d, 0x1f, 0x4d, 0x72, 0xf0, 0xab,
    0x80, 0x1b, 0x7c, 0x63, 0x2c, 0x95, 0x02, 0x6b, 0x64, 0x22, 0xb7, 0x41,
    0x18, 0xde, 0xd5, 0x31, 0xcf, 0x14, 0x88, 0x87, 0xd3, 0x73, 0x40, 0xcf,
    0xc4, 0x7e, 0xad, 0x9c, 0x39, 0x54, 0x03, 0x02, 0x8f, 0xb9, 0xff, 0x97,
    0x51, 0xb0, 0x8f, 0x9a, 0x42, 0x36, 0x08, 0x47, 0xcf, 0x52, 0x4e, 0xcb,
    0xeb, 0xaf, 0xf9, 0x06, 0x7c, 0x8b, 0xe9, 0xa5, 0x5c, 0xba, 0x10, 0x59,
    0xc2, 0xd9, 0x2e, 0xb3, 0xe9, 0xeb, 0x76, 0x5c, 0xdd, 0x5c, 0x47, 0xbb,
    0xb9, 0xfc, 0x6a, 0x25, 0xf4, 0x8a, 0x17, 0x4c, 0xeb, 0xb8, 0xe6, 0xd1,
    0x73, 0xd4, 0xb1, 0xc3, 0x65, 0x52, 0x1e, 0xe4, 0x7f, 0xf3, 0x5a, 0xa8,
    0x3c, 0x70, 0xa7, 0x0e, 0xcc, 0x3f, 0x67, 0xac, 0xc3, 0x59, 0x99, 0x7a,
    0x16, 0x0d, 0xb1, 0xc2, 0x8f, 0x1c, 0xa6, 0xfd, 0x0a, 0xa4, 0xbe, 0x1f,
    0x0b, 0x8e, 0x85, 0x9b, 0xe1, 0x43, 0x38, 0x99, 0x84, 0xa2, 0x0e, 0xe9,
    0xae, 0x5b, 0x09, 0x57, 0xf8, 0x61, 0xa7, 0x7a, 0x49, 0xed, 0xf7, 0x0f,
    0x90, 0x72, 0x98, 0x34, 0x7f, 0x5a, 0x02, 0x1f, 0x51, 0x25, 0x6f, 0x14,
    0x5d, 0x5c, 0x2d, 0xf2, 0xc5, 0x40, 0x3f,
};
/* RDP-003 frame 37, client -> server: a fast-path input PDU (header 0x90,
 * one-byte length 22), the same length encoding as the server's. */
static const uint8_t r3_f37[22] = {
    0x90, 0x16, 0x18, 0x86, 0xfb, 0x48, 0x28, 0x85, 0x6a, 0xf4, 0x9f,
    0x84, 0xc2, 0x1a, 0x93, 0x74, 0xb3, 0xce, 0x75, 0x02, 0x5f, 0x56,
};
/* RDP-003 frame 111, server -> client: a fast-path output PDU (header
 * 0xc0, encrypted with a salted MAC; one-byte length 18). */
static const uint8_t r3_f111[18] = {
    0xc0, 0x12, 0x76, 0x4b, 0x9a, 0xc3, 0x82, 0x0a, 0xbb,
    0x59, 0x15, 0x2c, 0xda, 0xd4, 0xb6, 0xa1, 0x6b, 0xb7,
};
/* RDP-003 frame 139, server -> client: a fast-path output PDU with a
 * two-byte length (80 99 = 153). */
static const uint8_t r3_f139[153] = {
    0xc0, 0x80, 0x99, 0xe7, 0x53, 0x06, 0x9c, 0x4a, 0x23, 0x69, 0x18, 0xf1,
    0x1b, 0xd7, 0x1a, 0x53, 0x4d, 0x36, 0x34, 0x8d, 0xde, 0x5f, 0xb7, 0x35,
    0xc5, 0xc8, 0x5b, 0x36, 0x01, 0x0d, 0x09, 0x5f, 0xfc, 0xab, 0x3f, 0x5f,
    0xd4, 0x69, 0xa0, 0x67, 0xe7, 0x8c, 0x5f, 0x6d, 0x45, 0x58, 0x76, 0xd4,
    0x87, 0x6a, 0x17, 0x0f, 0xe3, 0xe8, 0x85, 0xc9, 0x7b, 0xc3, 0x6d, 0x7c,
    0x4e, 0xed, 0x74, 0x09, 0xca, 0xd0, 0xf2, 0xe0, 0x40, 0x4d, 0xc6, 0x89,
    0x06, 0x17, 0x0e, 0x33, 0x28, 0x8d, 0xb5, 0x21, 0x37, 0x1b, 0x92, 0xbf,
    0x32, 0xed, 0x3e, 0xf8, 0xc2, 0xd6, 0x53, 0x29, 0x42, 0x34, 0x40, 0x32,
    0xda, 0xc5, 0xda, 0x80, 0xcb, 0x4f, 0x19, 0xc3, 0x90, 0x2e, 0xef, 0x4a,
    0xa3, 0xbe, 0xb2, 0xfb, 0x68, 0x85, 0x83, 0x94, 0xb6, 0x39, 0xad, 0xf3,
    0x81, 0x37, 0xfd, 0x4e, 0xda, 0x87, 0x51, 0xa3, 0x2c, 0xd8, 0xc0, 0x1f,
    0x60, 0x42, 0xd9, 0x35, 0xa4, 0x5d, 0xc7, 0x6f, 0x67, 0x41, 0x0b, 0x6a,
    0x3b, 0xbb, 0x88, 0xeb, 0xda, 0x0c, 0x1b, 0x03, 0x36,
};

/* rdp-proprietary-encryption.pcap (tests/captures/zeek/Traces/rdp; XP
 * client to Windows Server 2003), server -> client: frame 19, Attach User
 * Confirm for user 1008; frame 21, Channel Join Confirm 1008; frame 538,
 * Disconnect Provider Ultimatum 21 80. */
static const uint8_t pe_f19[] = {0x03, 0x00, 0x00, 0x0b, 0x02, 0xf0,
                                 0x80, 0x2e, 0x00, 0x00, 0x07};
static const uint8_t pe_f21[] = {0x03, 0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80, 0x3e,
                                 0x00, 0x00, 0x07, 0x03, 0xf0, 0x03, 0xf0};
static const uint8_t pe_f538[] = {0x03, 0x00, 0x00, 0x09, 0x02,
                                  0xf0, 0x80, 0x21, 0x80};

/* Self-made: an X.224 Disconnect Request TPDU (X.224 13.5: LI 6, DR,
 * DST-REF 0, SRC-REF 0x1234, reason 0). */
static const uint8_t x224_dr[] = {0x03, 0x00, 0x00, 0x0b, 0x06, 0x80,
                                  0x00, 0x00, 0x12, 0x34, 0x00};

struct vector {
	const char *name;
	const uint8_t *p;
	size_t len;
};

#define V(a)                                                                   \
	{                                                                      \
#a, a, sizeof(a)                                               \
	}

/* Every whole server PDU above that the server parser must accept. */
static const struct vector server_pdus[] = {
    V(r3_f12),  V(r3_f14),        V(r3_f16),        V(r3_f18),  V(r3_f20),
    V(r3_f22),  V(spec_cjc_1007), V(spec_cjc_1006), V(r3_f26),  V(r3_f27),
    V(r3_f431), V(pe_f19),        V(pe_f21),        V(pe_f538), V(x224_dr),
};

/* ... and the client's. */
static const struct vector client_pdus[] = {
    V(r3_f9),  V(r3_f10), V(r3_f13), V(r3_f15), V(r3_f17),
    V(r3_f19), V(r3_f21), V(r3_f23), V(r3_f24),
};

/* The TPKT payload of a whole PDU. */
static struct rdd_cur
payload_of(const uint8_t *p, size_t len)
{
	struct rdd_cur payload;
	size_t pdu_len;

	assert_int_equal(rdd_tpkt_frame(p, len, &pdu_len, &payload),
	                 RDD_TPKT_OK);
	assert_int_equal(pdu_len, len);
	return payload;
}

static void
parse_server(const uint8_t *p, size_t len, struct rdd_mcs_domain_pdu *pdu)
{
	struct rdd_cur in = payload_of(p, len);

	assert_int_equal(rdd_mcs_parse_domain_pdu(&in, pdu), 0);
	assert_int_equal(rdd_cur_left(&in), 0);
}

static void
parse_client(const uint8_t *p, size_t len, struct rdd_mcs_domain_pdu *pdu)
{
	struct rdd_cur in = payload_of(p, len);

	assert_int_equal(rdd_mcs_parse_client_domain_pdu(&in, pdu), 0);
	assert_int_equal(rdd_cur_left(&in), 0);
}

/* The server parser refuses the TPKT payload P (LEN bytes) and leaves both
 * the cursor and the output alone. */
static void
refuse_server_payload(const uint8_t *p, size_t len)
{
	struct rdd_mcs_domain_pdu pdu, before;
	struct rdd_cur in;

	memset(&before, 0x5a, sizeof(before));
	pdu = before;
	rdd_cur_init(&in, p, len);
	assert_int_equal(rdd_mcs_parse_domain_pdu(&in, &pdu), -1);
	assert_ptr_equal(in.p, p);
	assert_int_equal(in.len, len);
	assert_memory_equal(&pdu, &before, sizeof(pdu));
}

static void
refuse_client_payload(const uint8_t *p, size_t len)
{
	struct rdd_mcs_domain_pdu pdu, before;
	struct rdd_cur in;

	memset(&before, 0x5a, sizeof(before));
	pdu = before;
	rdd_cur_init(&in, p, len);
	assert_int_equal(rdd_mcs_parse_client_domain_pdu(&in, &pdu), -1);
	assert_ptr_equal(in.p, p);
	assert_int_equal(in.len, len);
	assert_memory_equal(&pdu, &before, sizeof(pdu));
}

/* ---- builders ----------------------------------------------------------- */

static void
test_build_erect_domain(void **state)
{
	uint8_t out[32];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_erect_domain(&b), 0);
	assert_int_equal(b.len, sizeof(r3_f9));
	assert_memory_equal(out, r3_f9, sizeof(r3_f9));
}

static void
test_build_attach_user_request(void **state)
{
	uint8_t out[32];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_attach_user_request(&b), 0);
	assert_int_equal(b.len, sizeof(r3_f10));
	assert_memory_equal(out, r3_f10, sizeof(r3_f10));
}

/* RDP-003's five joins, rebuilt: user 1007 for 1007, 1003 .. 1006. */
static void
test_build_channel_join_request(void **state)
{
	static const struct {
		uint16_t channel;
		const uint8_t *pdu;
	} joins[] = {
	    {1007, r3_f13}, {1003, r3_f15}, {1004, r3_f17},
	    {1005, r3_f19}, {1006, r3_f21},
	};
	uint8_t out[32];
	struct rdd_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(joins); i++) {
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(rdd_mcs_build_channel_join_request(
		                     &b, 1007, joins[i].channel),
		                 0);
		assert_int_equal(b.len, 12);
		assert_memory_equal(out, joins[i].pdu, 12);
	}
	/* The lowest user id, and the highest channel. */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_channel_join_request(&b, 1001, 0xffff),
	                 0);
	assert_memory_equal(out + 7, "\x38\x00\x00\xff\xff", 5);
	/* A user id below 1001 has no encoding. */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_channel_join_request(&b, 1000, 1003),
	                 -1);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
}

/* session.md 2.4: 20 00, 20 80, 21 00, 21 80, 22 00 for reasons 0..4;
 * reason 3 is RDP-003 frame 431. */
static void
test_build_dpum(void **state)
{
	static const uint8_t table[][2] = {
	    {0x20, 0x00}, {0x20, 0x80}, {0x21, 0x00}, {0x21, 0x80},
	    {0x22, 0x00}, {0x22, 0x80}, {0x23, 0x00}, {0x23, 0x80},
	};
	struct rdd_mcs_domain_pdu pdu;
	uint8_t out[16];
	struct rdd_buf b;
	uint8_t reason;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_dpum(&b, RDD_MCS_RN_USER_REQUESTED), 0);
	assert_int_equal(b.len, sizeof(r3_f431));
	assert_memory_equal(out, r3_f431, sizeof(r3_f431));
	for (reason = 0; reason < NELEM(table); reason++) {
		rdd_buf_init(&b, out, sizeof(out));
		assert_int_equal(rdd_mcs_build_dpum(&b, reason), 0);
		assert_int_equal(b.len, 9);
		assert_memory_equal(out + 7, table[reason], 2);
		parse_server(out, b.len, &pdu);
		assert_int_equal(pdu.kind, RDD_MCS_PDU_DPUM);
		assert_int_equal(pdu.choice,
		                 RDD_MCS_DISCONNECT_PROVIDER_ULTIMATUM);
		assert_int_equal(pdu.reason, reason);
	}
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_dpum(&b, 8), -1);
	assert_true(b.err);
	assert_int_equal(b.len, 0);
}

/* RDP-003 frames 23 (one-byte PER length) and 24 (two bytes), rebuilt
 * from their user data. */
static void
test_build_send_data_captures(void **state)
{
	uint8_t out[512];
	struct rdd_buf b;

	(void)state;
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_send_data(&b, 1007, 1003, r3_f23 + 14,
	                                         sizeof(r3_f23) - 14),
	                 0);
	assert_int_equal(b.len, sizeof(r3_f23));
	assert_memory_equal(out, r3_f23, sizeof(r3_f23));

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_send_data(&b, 1007, 1003, r3_f24 + 15,
	                                         sizeof(r3_f24) - 15),
	                 0);
	assert_int_equal(b.len, sizeof(r3_f24));
	assert_memory_equal(out, r3_f24, sizeof(r3_f24));
}

/* The PER length at its boundaries: 127 in one byte, 128 in two, 0x3fff
 * the largest, 0x4000 refused. */
static void
test_build_send_data_lengths(void **state)
{
	static uint8_t data[0x4000], out[0x4000 + 32];
	struct rdd_mcs_domain_pdu pdu;
	struct rdd_buf b;
	struct rdd_cur in;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_send_data(&b, 1002, 1003, data, 5), 0);
	assert_int_equal(b.len, 19);
	assert_memory_equal(out,
	                    "\x03\x00\x00\x13\x02\xf0\x80\x64\x00\x01\x03\xeb"
	                    "\x70\x05",
	                    14);
	assert_memory_equal(out + 14, data, 5);

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_send_data(&b, 1002, 1003, data, 127), 0);
	assert_int_equal(b.len, 14 + 127);
	assert_int_equal(out[13], 0x7f);

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_send_data(&b, 1002, 1003, data, 128), 0);
	assert_int_equal(b.len, 15 + 128);
	assert_int_equal(out[3], 15 + 128);
	assert_int_equal(out[13], 0x80);
	assert_int_equal(out[14], 0x80);
	assert_memory_equal(out + 15, data, 128);

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(
	    rdd_mcs_build_send_data(&b, 1002, 1003, data, RDD_PER_MAX_LENGTH),
	    0);
	assert_int_equal(b.len, 15 + 0x3fff);
	assert_int_equal(out[2], (15 + 0x3fff) >> 8);
	assert_int_equal(out[3], (15 + 0x3fff) & 0xff);
	assert_int_equal(out[13], 0xbf);
	assert_int_equal(out[14], 0xff);
	/* What the client builds, the client parser reads back. */
	rdd_cur_init(&in, out + 4, b.len - 4);
	assert_int_equal(rdd_mcs_parse_client_domain_pdu(&in, &pdu), 0);
	assert_int_equal(pdu.choice, RDD_MCS_SEND_DATA_REQUEST);
	assert_int_equal(pdu.initiator, 1002);
	assert_int_equal(pdu.channel, 1003);
	assert_int_equal(rdd_cur_left(&pdu.data), 0x3fff);
	assert_memory_equal(pdu.data.p, data, 0x3fff);

	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_send_data(&b, 1002, 1003, data,
	                                         RDD_PER_MAX_LENGTH + 1),
	                 -1);
	assert_true(b.err);
	assert_int_equal(b.len, 0);

	/* Empty user data; no data pointer is needed for it. */
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_send_data(&b, 1002, 1003, NULL, 0), 0);
	assert_int_equal(b.len, 14);
	assert_int_equal(out[13], 0x00);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_send_data(&b, 1002, 1003, NULL, 1), -1);
	rdd_buf_init(&b, out, sizeof(out));
	assert_int_equal(rdd_mcs_build_send_data(&b, 1000, 1003, data, 1), -1);
	assert_int_equal(b.len, 0);
}

/* Builder KIND of test_build_no_room into B. */
static int
build_kind(struct rdd_buf *b, size_t kind, const uint8_t *data)
{
	switch (kind) {
	case 0:
		return rdd_mcs_build_erect_domain(b);
	case 1:
		return rdd_mcs_build_attach_user_request(b);
	case 2:
		return rdd_mcs_build_channel_join_request(b, 1007, 1003);
	case 3:
		return rdd_mcs_build_dpum(b, 3);
	case 4:
		return rdd_mcs_build_send_data(b, 1007, 1003, data, 20);
	default: /* with a two-byte PER length */
		return rdd_mcs_build_send_data(b, 1007, 1003, data, 128);
	}
}

/* Every builder into every buffer too small: -1, the error flag, and the
 * bytes already in the buffer kept as they were counted; with exactly the
 * room it needs, 0. */
static void
test_build_no_room(void **state)
{
	/* The whole PDU each builder writes. */
	static const size_t need[] = {12, 8, 12, 9, 14 + 20, 15 + 128};
	uint8_t out[3 + 15 + 128], data[128];
	struct rdd_buf b;
	size_t cap, kind;

	(void)state;
	memset(data, 0xab, sizeof(data));
	for (kind = 0; kind < NELEM(need); kind++) {
		for (cap = 3; cap < 3 + need[kind]; cap++) {
			rdd_buf_init(&b, out, cap);
			rdd_buf_bytes(&b, "abc", 3);
			assert_int_equal(build_kind(&b, kind, data), -1);
			assert_true(b.err);
			assert_int_equal(b.len, 3);
			assert_memory_equal(out, "abc", 3);
		}
		rdd_buf_init(&b, out, cap);
		rdd_buf_bytes(&b, "abc", 3);
		assert_int_equal(build_kind(&b, kind, data), 0);
		assert_false(b.err);
		assert_int_equal(b.len, cap);
		assert_memory_equal(out, "abc\x03\x00", 5);
	}
	/* A buffer already in error stays so. */
	rdd_buf_init(&b, out, sizeof(out));
	b.err = true;
	assert_int_equal(rdd_mcs_build_attach_user_request(&b), -1);
	assert_int_equal(b.len, 0);
}

/* ---- the server parser -------------------------------------------------- */

static void
test_parse_attach_user_confirm(void **state)
{
	struct rdd_mcs_domain_pdu pdu;

	(void)state;
	parse_server(r3_f12, sizeof(r3_f12), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_ATTACH_USER_CONFIRM);
	assert_int_equal(pdu.choice, RDD_MCS_ATTACH_USER_CONFIRM);
	assert_int_equal(pdu.result, RDD_MCS_RT_SUCCESSFUL);
	assert_true(pdu.has_initiator);
	assert_int_equal(pdu.initiator, 1007);
	assert_false(pdu.has_channel);

	parse_server(pe_f19, sizeof(pe_f19), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_ATTACH_USER_CONFIRM);
	assert_int_equal(pdu.result, 0);
	assert_int_equal(pdu.initiator, 1008);
}

/* A refusal without the optional initiator: 2c 00 is rt-successful (which
 * a client must then refuse, [MS-RDPBCGR] 3.2.5.3.7), 2d a0
 * rt-too-many-users (13). */
static void
test_parse_attach_user_confirm_without_initiator(void **state)
{
	static const uint8_t ok_no_user[] = {0x02, 0xf0, 0x80, 0x2c, 0x00};
	static const uint8_t too_many[] = {0x02, 0xf0, 0x80, 0x2d, 0xa0};
	struct rdd_mcs_domain_pdu pdu;
	struct rdd_cur in;

	(void)state;
	rdd_cur_init(&in, ok_no_user, sizeof(ok_no_user));
	assert_int_equal(rdd_mcs_parse_domain_pdu(&in, &pdu), 0);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_ATTACH_USER_CONFIRM);
	assert_int_equal(pdu.result, 0);
	assert_false(pdu.has_initiator);
	assert_int_equal(pdu.initiator, 0);

	rdd_cur_init(&in, too_many, sizeof(too_many));
	assert_int_equal(rdd_mcs_parse_domain_pdu(&in, &pdu), 0);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_ATTACH_USER_CONFIRM);
	assert_int_equal(pdu.result, 13);
	assert_string_equal(rdd_mcs_result_name(pdu.result),
	                    "rt-too-many-users");
	assert_false(pdu.has_initiator);
}

static void
test_parse_channel_join_confirm(void **state)
{
	static const struct {
		const uint8_t *p;
		uint16_t channel;
	} confirms[] = {
	    {r3_f14, 1007},        {r3_f16, 1003}, {r3_f18, 1004},
	    {r3_f20, 1005},        {r3_f22, 1006}, {spec_cjc_1007, 1007},
	    {spec_cjc_1006, 1006},
	};
	struct rdd_mcs_domain_pdu pdu;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(confirms); i++) {
		parse_server(confirms[i].p, 15, &pdu);
		assert_int_equal(pdu.kind, RDD_MCS_PDU_CHANNEL_JOIN_CONFIRM);
		assert_int_equal(pdu.choice, RDD_MCS_CHANNEL_JOIN_CONFIRM);
		assert_int_equal(pdu.result, 0);
		assert_true(pdu.has_initiator);
		assert_int_equal(pdu.initiator, 1007);
		assert_int_equal(pdu.requested, confirms[i].channel);
		assert_true(pdu.has_channel);
		assert_int_equal(pdu.channel, confirms[i].channel);
	}
	parse_server(pe_f21, sizeof(pe_f21), &pdu);
	assert_int_equal(pdu.initiator, 1008);
	assert_int_equal(pdu.requested, 1008);
	assert_int_equal(pdu.channel, 1008);
}

/*
 * session.md 2.1: the Result's bit 3 is bit 0 of the first byte, its bits
 * 2-0 the top of the second. rt-too-many-users (13 = 1101b) refusing a
 * join of 1004 without the optional channelId: 3d a0 00 06 03 ec.
 */
static void
test_parse_result_bits(void **state)
{
	static const uint8_t cjc_13[] = {0x02, 0xf0, 0x80, 0x3d, 0xa0,
	                                 0x00, 0x06, 0x03, 0xec};
	uint8_t auc[] = {0x02, 0xf0, 0x80, 0x00, 0x00, 0x00, 0x06};
	uint8_t cjc[] = {0x02, 0xf0, 0x80, 0x00, 0x00, 0x00,
	                 0x06, 0x03, 0xeb, 0x03, 0xeb};
	struct rdd_mcs_domain_pdu pdu;
	struct rdd_cur in;
	uint8_t result;

	(void)state;
	rdd_cur_init(&in, cjc_13, sizeof(cjc_13));
	assert_int_equal(rdd_mcs_parse_domain_pdu(&in, &pdu), 0);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_CHANNEL_JOIN_CONFIRM);
	assert_int_equal(pdu.result, 13);
	assert_int_equal(pdu.requested, 1004);
	assert_false(pdu.has_channel);

	/* Every result, in both confirms, with the optional field. */
	for (result = 0; result < RDD_MCS_RESULT_COUNT; result++) {
		auc[3] = (uint8_t)(0x2c | 0x02 | result >> 3);
		auc[4] = (uint8_t)((result & 0x07) << 5);
		rdd_cur_init(&in, auc, sizeof(auc));
		assert_int_equal(rdd_mcs_parse_domain_pdu(&in, &pdu), 0);
		assert_int_equal(pdu.kind, RDD_MCS_PDU_ATTACH_USER_CONFIRM);
		assert_int_equal(pdu.result, result);
		assert_true(pdu.has_initiator);
		assert_int_equal(pdu.initiator, 1007);

		cjc[3] = (uint8_t)(0x3c | 0x02 | result >> 3);
		cjc[4] = (uint8_t)((result & 0x07) << 5);
		rdd_cur_init(&in, cjc, sizeof(cjc));
		assert_int_equal(rdd_mcs_parse_domain_pdu(&in, &pdu), 0);
		assert_int_equal(pdu.result, result);
		assert_int_equal(pdu.channel, 1003);
	}
}

static void
test_parse_send_data_indication(void **state)
{
	struct rdd_mcs_domain_pdu pdu;

	(void)state;
	parse_server(r3_f26, sizeof(r3_f26), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_SEND_DATA_INDICATION);
	assert_int_equal(pdu.choice, RDD_MCS_SEND_DATA_INDICATION);
	assert_true(pdu.has_initiator);
	assert_int_equal(pdu.initiator, 1002);
	assert_true(pdu.has_channel);
	assert_int_equal(pdu.channel, 1003);
	assert_int_equal(rdd_cur_left(&pdu.data), 20);
	assert_ptr_equal(pdu.data.p, r3_f26 + 14);
	/* The licensing PDU: SEC_LICENSE_PKT, then ERROR_ALERT (0xff). */
	assert_memory_equal(pdu.data.p, "\x80\x02\x10\x00\xff\x02", 6);

	parse_server(r3_f27, sizeof(r3_f27), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_SEND_DATA_INDICATION);
	assert_int_equal(pdu.initiator, 1002);
	assert_int_equal(pdu.channel, 1003);
	assert_int_equal(rdd_cur_left(&pdu.data), 0x130);
	assert_ptr_equal(pdu.data.p, r3_f27 + 15);
}

/* The PER length must match the bytes left: one more, one less, or a
 * byte after the data is refused. */
static void
test_parse_send_data_length_mismatch(void **state)
{
	uint8_t p[64];
	size_t len = sizeof(r3_f26) - 4;

	(void)state;
	memcpy(p, r3_f26 + 4, len);
	assert_int_equal(p[9], 0x14);
	p[9] = 0x15;
	refuse_server_payload(p, len);
	p[9] = 0x13;
	refuse_server_payload(p, len);
	p[9] = 0x14;
	p[len] = 0x00;
	refuse_server_payload(p, len + 1);
	/* A fragmented length (11xxxxxx) is no PER length RDP uses. */
	p[9] = 0xc0;
	refuse_server_payload(p, len);
}

/* The client parser holds the same rule for Send Data Request (RDP-003
 * frame 23's length byte 0x50 made 0x51 and 0x4f). */
static void
test_parse_send_data_request_length_mismatch(void **state)
{
	uint8_t p[sizeof(r3_f23)];
	size_t len = sizeof(r3_f23) - 4;

	(void)state;
	memcpy(p, r3_f23 + 4, len);
	assert_int_equal(p[9], 0x50);
	p[9] = 0x51;
	refuse_client_payload(p, len);
	p[9] = 0x4f;
	refuse_client_payload(p, len);
}

static void
test_parse_dpum(void **state)
{
	struct rdd_mcs_domain_pdu pdu;

	(void)state;
	parse_server(r3_f431, sizeof(r3_f431), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_DPUM);
	assert_int_equal(pdu.choice, RDD_MCS_DISCONNECT_PROVIDER_ULTIMATUM);
	assert_int_equal(pdu.reason, RDD_MCS_RN_USER_REQUESTED);
	assert_false(pdu.has_initiator);
	parse_server(pe_f538, sizeof(pe_f538), &pdu);
	assert_int_equal(pdu.reason, RDD_MCS_RN_USER_REQUESTED);
}

static void
test_parse_x224_disconnect(void **state)
{
	static const uint8_t short_li[] = {0x05, 0x80, 0x00, 0x00, 0x12, 0x34};
	static const uint8_t with_cdt[] = {0x06, 0x81, 0x00, 0x00,
	                                   0x12, 0x34, 0x01};
	struct rdd_mcs_domain_pdu pdu;
	struct rdd_cur in;

	(void)state;
	parse_server(x224_dr, sizeof(x224_dr), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_X224_DISCONNECT);
	assert_int_equal(pdu.choice, 0);
	/* The low nibble of the code is not the TPDU's. */
	rdd_cur_init(&in, with_cdt, sizeof(with_cdt));
	assert_int_equal(rdd_mcs_parse_domain_pdu(&in, &pdu), 0);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_X224_DISCONNECT);
	/* LI must cover DST-REF, SRC-REF and the reason. */
	refuse_server_payload(short_li, sizeof(short_li));
}

/* Client PDUs and choices the probe does not expect are well-formed DTs:
 * OTHER with their choice. Trailing bytes after a confirm or a DPUM are
 * ignored (and consumed). */
static void
test_parse_other_and_trailing(void **state)
{
	static const uint8_t auc_trailing[] = {0x02, 0xf0, 0x80, 0x2e,
	                                       0x00, 0x00, 0x06, 0xff};
	static const uint8_t plumb[] = {0x02, 0xf0, 0x80, 0x00};
	struct rdd_mcs_domain_pdu pdu;
	struct rdd_cur in;

	(void)state;
	parse_server(r3_f9, sizeof(r3_f9), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_OTHER);
	assert_int_equal(pdu.choice, RDD_MCS_ERECT_DOMAIN_REQUEST);
	parse_server(r3_f23, sizeof(r3_f23), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_OTHER);
	assert_int_equal(pdu.choice, RDD_MCS_SEND_DATA_REQUEST);
	rdd_cur_init(&in, plumb, sizeof(plumb));
	assert_int_equal(rdd_mcs_parse_domain_pdu(&in, &pdu), 0);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_OTHER);
	assert_int_equal(pdu.choice, 0);

	rdd_cur_init(&in, auc_trailing, sizeof(auc_trailing));
	assert_int_equal(rdd_mcs_parse_domain_pdu(&in, &pdu), 0);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_ATTACH_USER_CONFIRM);
	assert_int_equal(pdu.initiator, 1007);
	assert_int_equal(rdd_cur_left(&in), 0);
}

static void
test_parse_malformed(void **state)
{
	/* Not a Data TPDU: a Connection Confirm, an Error TPDU, a DT with
	 * LI 3, a DT without EOT, a DT without an MCS PDU. */
	static const uint8_t cc[] = {0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00};
	static const uint8_t er[] = {0x02, 0x70, 0x80, 0x2e};
	static const uint8_t li3[] = {0x03, 0xf0, 0x80, 0x2e, 0x00};
	static const uint8_t no_eot[] = {0x02, 0xf0, 0x00, 0x2e, 0x00};
	static const uint8_t empty_dt[] = {0x02, 0xf0, 0x80};
	/* An initiator beyond 65535 - 1001. */
	static const uint8_t auc_big[] = {0x02, 0xf0, 0x80, 0x2e,
	                                  0x00, 0xfc, 0x17};
	static const uint8_t cjc_big[] = {0x02, 0xf0, 0x80, 0x3e, 0x00, 0xff,
	                                  0xff, 0x03, 0xeb, 0x03, 0xeb};

	(void)state;
	refuse_server_payload(cc, sizeof(cc));
	refuse_server_payload(er, sizeof(er));
	refuse_server_payload(li3, sizeof(li3));
	refuse_server_payload(no_eot, sizeof(no_eot));
	refuse_server_payload(empty_dt, sizeof(empty_dt));
	refuse_server_payload(auc_big, sizeof(auc_big));
	refuse_server_payload(cjc_big, sizeof(cjc_big));
	refuse_server_payload(NULL, 0);
	refuse_client_payload(cc, sizeof(cc));
	refuse_client_payload(empty_dt, sizeof(empty_dt));
}

/* ---- the client parser -------------------------------------------------- */

static void
test_parse_client_captures(void **state)
{
	static const struct {
		const uint8_t *p;
		uint16_t channel;
	} joins[] = {
	    {r3_f13, 1007}, {r3_f15, 1003}, {r3_f17, 1004},
	    {r3_f19, 1005}, {r3_f21, 1006},
	};
	struct rdd_mcs_domain_pdu pdu;
	size_t i;

	(void)state;
	parse_client(r3_f9, sizeof(r3_f9), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_OTHER);
	assert_int_equal(pdu.choice, RDD_MCS_ERECT_DOMAIN_REQUEST);
	assert_false(pdu.has_initiator);

	parse_client(r3_f10, sizeof(r3_f10), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_OTHER);
	assert_int_equal(pdu.choice, RDD_MCS_ATTACH_USER_REQUEST);
	assert_false(pdu.has_initiator);

	for (i = 0; i < NELEM(joins); i++) {
		parse_client(joins[i].p, 12, &pdu);
		assert_int_equal(pdu.kind, RDD_MCS_PDU_OTHER);
		assert_int_equal(pdu.choice, RDD_MCS_CHANNEL_JOIN_REQUEST);
		assert_true(pdu.has_initiator);
		assert_int_equal(pdu.initiator, 1007);
		assert_true(pdu.has_channel);
		assert_int_equal(pdu.channel, joins[i].channel);
	}

	parse_client(r3_f23, sizeof(r3_f23), &pdu);
	assert_int_equal(pdu.kind, RDD_MCS_PDU_OTHER);
	assert_int_equal(pdu.choice, RDD_MCS_SEND_DATA_REQUEST);
	assert_int_equal(pdu.initiator, 1007);
	assert_int_equal(pdu.channel, 1003);
	assert_int_equal(rdd_cur_left(&pdu.data), 80);
	/* The Security Exchange: flags SEC_EXCHANGE_PKT | 0x0200, length 72. */
	assert_memory_equal(pdu.data.p, "\x01\x02\x00\x00\x48\x00\x00\x00", 8);

	parse_client(r3_f24, sizeof(r3_f24), &pdu);
	assert_int_equal(pdu.choice, RDD_MCS_SEND_DATA_REQUEST);
	assert_int_equal(rdd_cur_left(&pdu.data), 342);
	/* SEC_INFO_PKT | SEC_ENCRYPT. */
	assert_memory_equal(pdu.data.p, "\x48\x00\x00\x00", 4);
}

/* Server PDUs are no client PDUs. */
static void
test_parse_client_refuses_server_pdus(void **state)
{
	struct rdd_cur in;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(server_pdus); i++) {
		in = payload_of(server_pdus[i].p, server_pdus[i].len);
		refuse_client_payload(in.p, in.len);
	}
}

/* ---- every truncation --------------------------------------------------- */

static void
test_every_truncation_fails(void **state)
{
	struct rdd_cur full;
	size_t i, n;

	(void)state;
	for (i = 0; i < NELEM(server_pdus); i++) {
		full = payload_of(server_pdus[i].p, server_pdus[i].len);
		for (n = 0; n < full.len; n++)
			refuse_server_payload(full.p, n);
	}
	for (i = 0; i < NELEM(client_pdus); i++) {
		full = payload_of(client_pdus[i].p, client_pdus[i].len);
		for (n = 0; n < full.len; n++)
			refuse_client_payload(full.p, n);
	}
}

/* ---- fast-path framing -------------------------------------------------- */

static void
check_fastpath_whole(const uint8_t *p, size_t len)
{
	size_t n, pdu_len;

	assert_int_equal(rdd_fastpath_frame(p, len, &pdu_len), RDD_FASTPATH_OK);
	assert_int_equal(pdu_len, len);
	for (n = 0; n < len; n++) {
		pdu_len = 99;
		assert_int_equal(rdd_fastpath_frame(p, n, &pdu_len),
		                 RDD_FASTPATH_NEED_MORE);
		assert_int_equal(pdu_len, 0);
	}
}

static void
test_fastpath_captures(void **state)
{
	uint8_t two[sizeof(r3_f111) + sizeof(r3_f139)];
	size_t pdu_len;

	(void)state;
	check_fastpath_whole(r3_f111, sizeof(r3_f111));
	check_fastpath_whole(r3_f139, sizeof(r3_f139));
	check_fastpath_whole(r3_f37, sizeof(r3_f37));
	/* Two PDUs back to back: the first one's length. */
	memcpy(two, r3_f111, sizeof(r3_f111));
	memcpy(two + sizeof(r3_f111), r3_f139, sizeof(r3_f139));
	assert_int_equal(rdd_fastpath_frame(two, sizeof(two), &pdu_len),
	                 RDD_FASTPATH_OK);
	assert_int_equal(pdu_len, sizeof(r3_f111));
	assert_int_equal(rdd_fastpath_frame(two, sizeof(two), NULL),
	                 RDD_FASTPATH_OK);
}

static void
test_fastpath_lengths(void **state)
{
	static uint8_t big[0x7fff];
	size_t pdu_len;

	(void)state;
	/* The smallest PDUs: a header alone, in each length form. */
	assert_int_equal(
	    rdd_fastpath_frame((const uint8_t *)"\xc0\x02", 2, &pdu_len),
	    RDD_FASTPATH_OK);
	assert_int_equal(pdu_len, 2);
	assert_int_equal(
	    rdd_fastpath_frame((const uint8_t *)"\x00\x80\x03", 3, &pdu_len),
	    RDD_FASTPATH_OK);
	assert_int_equal(pdu_len, 3);
	/* 127 in one byte, 128 in two. */
	memset(big, 0, sizeof(big));
	big[1] = 0x7f;
	check_fastpath_whole(big, 127);
	big[1] = 0x80;
	big[2] = 0x80;
	check_fastpath_whole(big, 128);
	/* The largest: 0x7fff. */
	big[1] = 0xff;
	big[2] = 0xff;
	check_fastpath_whole(big, sizeof(big));
	/* RDP-003 frame 105's header (c0 85 f5: 1525 bytes) over the 1260
	 * bytes its first segment carried. */
	big[0] = 0xc0;
	big[1] = 0x85;
	big[2] = 0xf5;
	assert_int_equal(rdd_fastpath_frame(big, 1260, &pdu_len),
	                 RDD_FASTPATH_NEED_MORE);
	assert_int_equal(rdd_fastpath_frame(big, 1525, &pdu_len),
	                 RDD_FASTPATH_OK);
	assert_int_equal(pdu_len, 1525);
}

static void
test_fastpath_bad(void **state)
{
	static const uint8_t below[][3] = {
	    {0xc0, 0x00, 0x00},
	    {0xc0, 0x01, 0x00},
	    {0xc0, 0x80, 0x00},
	    {0xc0, 0x80, 0x02},
	};
	size_t i, pdu_len;
	uint8_t action;

	(void)state;
	/* A TPKT, from its first byte on. */
	for (i = 1; i <= sizeof(r3_f9); i++)
		assert_int_equal(rdd_fastpath_frame(r3_f9, i, &pdu_len),
		                 RDD_FASTPATH_BAD);
	/* Actions 1 and 2 (reserved), as well as 3. */
	for (action = 1; action < 4; action++)
		assert_int_equal(rdd_fastpath_frame(&action, 1, &pdu_len),
		                 RDD_FASTPATH_BAD);
	/* Lengths smaller than the header that carries them. */
	for (i = 0; i < NELEM(below); i++) {
		pdu_len = 99;
		assert_int_equal(rdd_fastpath_frame(below[i], 3, &pdu_len),
		                 RDD_FASTPATH_BAD);
		assert_int_equal(pdu_len, 0);
	}
	assert_int_equal(rdd_fastpath_frame(NULL, 0, &pdu_len),
	                 RDD_FASTPATH_NEED_MORE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_erect_domain),
	    cmocka_unit_test(test_build_attach_user_request),
	    cmocka_unit_test(test_build_channel_join_request),
	    cmocka_unit_test(test_build_dpum),
	    cmocka_unit_test(test_build_send_data_captures),
	    cmocka_unit_test(test_build_send_data_lengths),
	    cmocka_unit_test(test_build_no_room),
	    cmocka_unit_test(test_parse_attach_user_confirm),
	    cmocka_unit_test(test_parse_attach_user_confirm_without_initiator),
	    cmocka_unit_test(test_parse_channel_join_confirm),
	    cmocka_unit_test(test_parse_result_bits),
	    cmocka_unit_test(test_parse_send_data_indication),
	    cmocka_unit_test(test_parse_send_data_length_mismatch),
	    cmocka_unit_test(test_parse_send_data_request_length_mismatch),
	    cmocka_unit_test(test_parse_dpum),
	    cmocka_unit_test(test_parse_x224_disconnect),
	    cmocka_unit_test(test_parse_other_and_trailing),
	    cmocka_unit_test(test_parse_malformed),
	    cmocka_unit_test(test_parse_client_captures),
	    cmocka_unit_test(test_parse_client_refuses_server_pdus),
	    cmocka_unit_test(test_every_truncation_fails),
	    cmocka_unit_test(test_fastpath_captures),
	    cmocka_unit_test(test_fastpath_lengths),
	    cmocka_unit_test(test_fastpath_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
