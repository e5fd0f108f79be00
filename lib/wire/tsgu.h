/*
 * tsgu.h - the RD Gateway's HTTP-transport packets ([MS-TSGU] 2.2.10,
 * 2.2.5.3; shared/reference/gateway.md 2): builders for the client's and
 * parsers for the server's.
 *
 * Every packet starts with HTTP_PACKET_HEADER: packetType u16, reserved
 * u16, packetLength u32 counting the header; integers little-endian,
 * strings UTF-16LE. The same bytes ride in one WebSocket binary frame or in
 * the legacy channels' HTTP bodies, so rdd_tsgu_next() splits packets off
 * a byte stream. A parser takes the body (the bytes after the header);
 * bytes after the fields it knows are accepted, as FreeRDP does.
 */
#ifndef RDD_WIRE_TSGU_H
#define RDD_WIRE_TSGU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_TSGU_HANDSHAKE_REQUEST 0x01
#define RDD_TSGU_HANDSHAKE_RESPONSE 0x02
#define RDD_TSGU_EXTENDED_AUTH_MSG 0x03
#define RDD_TSGU_TUNNEL_CREATE 0x04
#define RDD_TSGU_TUNNEL_RESPONSE 0x05
#define RDD_TSGU_TUNNEL_AUTH 0x06
#define RDD_TSGU_TUNNEL_AUTH_RESPONSE 0x07
#define RDD_TSGU_CHANNEL_CREATE 0x08
#define RDD_TSGU_CHANNEL_RESPONSE 0x09
#define RDD_TSGU_DATA 0x0A
#define RDD_TSGU_SERVICE_MESSAGE 0x0B
#define RDD_TSGU_REAUTH_MESSAGE 0x0C
#define RDD_TSGU_KEEPALIVE 0x0D
#define RDD_TSGU_CLOSE_CHANNEL 0x10
#define RDD_TSGU_CLOSE_CHANNEL_RESPONSE 0x11

#define RDD_TSGU_HEADER 8
/* The largest packet accepted: a DATA packet is at most 65 545 bytes; a
 * consent message up to ~64 000 (reference 2.2); a UDP cookie. */
#define RDD_TSGU_MAX_PACKET (128u * 1024)
#define RDD_TSGU_MAX_DATA 0xffff

/* HTTP_EXTENDED_AUTH (2.2.5.3.2). */
#define RDD_TSGU_EXT_AUTH_NONE 0x00
#define RDD_TSGU_EXT_AUTH_SC 0x01
#define RDD_TSGU_EXT_AUTH_PAA 0x02
#define RDD_TSGU_EXT_AUTH_SSPI_NTLM 0x04

/* HTTP_CAPABILITY_TYPE (2.2.5.3.9). */
#define RDD_TSGU_CAP_QUAR_SOH 0x01
#define RDD_TSGU_CAP_IDLE_TIMEOUT 0x02
#define RDD_TSGU_CAP_MESSAGING_CONSENT_SIGN 0x04
#define RDD_TSGU_CAP_MESSAGING_SERVICE_MSG 0x08
#define RDD_TSGU_CAP_REAUTH 0x10
#define RDD_TSGU_CAP_UDP_TRANSPORT 0x20

/* fieldsPresent bits. */
#define RDD_TSGU_TUNNEL_PAA_COOKIE 0x01    /* TUNNEL_CREATE */
#define RDD_TSGU_TUNNEL_RSP_TUNNEL_ID 0x01 /* TUNNEL_RESPONSE */
#define RDD_TSGU_TUNNEL_RSP_CAPS 0x02
#define RDD_TSGU_TUNNEL_RSP_SOH_REQ 0x04
#define RDD_TSGU_TUNNEL_RSP_CONSENT_MSG 0x10
#define RDD_TSGU_AUTH_RSP_REDIR_FLAGS 0x01 /* TUNNEL_AUTH_RESPONSE */
#define RDD_TSGU_AUTH_RSP_IDLE_TIMEOUT 0x02
#define RDD_TSGU_AUTH_RSP_SOH_RESPONSE 0x04
#define RDD_TSGU_CHANNEL_RSP_CHANNELID 0x01 /* CHANNEL_RESPONSE */
#define RDD_TSGU_CHANNEL_RSP_AUTHNCOOKIE 0x02
#define RDD_TSGU_CHANNEL_RSP_UDPPORT 0x04

/* Returned by a response parser whose fixed part is whole but whose
 * optional fields (fieldsPresent) run past the packet: the fixed fields,
 * the error code among them, are filled in. */
#define RDD_TSGU_BAD_OPTIONAL (-2)

struct rdd_tsgu_pkt {
	uint16_t type;
	uint32_t length;     /* packetLength, header included */
	struct rdd_cur body; /* borrowed */
};

/*
 * Split the next whole packet off IN. Returns 1 (IN advanced past it), 0
 * when IN holds only part of it (nothing consumed), -1 when packetLength
 * is below 8 or above RDD_TSGU_MAX_PACKET (nothing consumed).
 */
int rdd_tsgu_next(struct rdd_cur *in, struct rdd_tsgu_pkt *p);

/* "HANDSHAKE_RESPONSE"... or NULL for an unknown type. */
const char *rdd_tsgu_type_name(uint16_t type);

/*
 * The name of an error code a gateway put in a packet, through the
 * gatewayHresult table (lib/diag/codes.def): the HRESULT as given, or a
 * Win32 DWORD form 0x0000XXXX through its HRESULT 0x8007XXXX (reference
 * 2.3: both forms are refusals). NULL when the table has neither (0 among
 * them: success).
 */
const char *rdd_tsgu_code_name(uint32_t code);

/* The client's packets. Each returns 0, or -1 (B's length unchanged). */

/* HANDSHAKE_REQUEST 1.0, clientVersion 0, EXT_AUTH bits. */
int rdd_tsgu_build_handshake(struct rdd_buf *b, uint16_t ext_auth);
/* TUNNEL_CREATE with CAPS; with a PAA cookie (COOKIE_LEN 1..65535 bytes,
 * sent as given) fieldsPresent PAA_COOKIE (the value FreeRDP and rdpgw
 * use, reference 2.4). */
int rdd_tsgu_build_tunnel_create(struct rdd_buf *b, uint32_t caps,
                                 const uint8_t *cookie, size_t cookie_len);
/* TUNNEL_AUTH with the client's machine NAME (printable ASCII, 1..255),
 * in UTF-16LE with its NUL counted (as FreeRDP and IronRDP send it). */
int rdd_tsgu_build_tunnel_auth(struct rdd_buf *b, const char *name);
/* CHANNEL_CREATE to PORT for N (1..50) target NAMES (printable ASCII,
 * 1..255 each, UTF-16LE with NUL), no alternates, protocol 3. */
int rdd_tsgu_build_channel_create(struct rdd_buf *b, const char *const *names,
                                  size_t n, uint16_t port);
/* DATA carrying N (1..65535) bytes. */
int rdd_tsgu_build_data(struct rdd_buf *b, const uint8_t *data, size_t n);
int rdd_tsgu_build_keepalive(struct rdd_buf *b);
/* CLOSE_CHANNEL, or CLOSE_CHANNEL_RESPONSE if RESPONSE, with STATUS. */
int rdd_tsgu_build_close(struct rdd_buf *b, bool response, uint32_t status);

/* The server's packets: each parser reads the BODY of one packet. */

struct rdd_tsgu_handshake_rsp {
	uint32_t error; /* HRESULT */
	uint8_t ver_major, ver_minor;
	uint16_t server_version;
	uint16_t ext_auth;
};
int rdd_tsgu_parse_handshake_rsp(struct rdd_cur body,
                                 struct rdd_tsgu_handshake_rsp *r);

struct rdd_tsgu_tunnel_rsp {
	uint16_t server_version;
	uint32_t status; /* HRESULT, after serverVersion */
	uint16_t fields;
	bool has_tunnel_id, has_caps, has_soh_req, has_consent;
	uint32_t tunnel_id;
	uint32_t caps; /* negotiated */
	uint8_t nonce[16];
	struct rdd_cur server_cert; /* UTF-16LE, borrowed */
	struct rdd_cur consent;     /* UTF-16LE, borrowed: show it */
};
/* 0, -1 (fixed part short) or RDD_TSGU_BAD_OPTIONAL. */
int rdd_tsgu_parse_tunnel_rsp(struct rdd_cur body,
                              struct rdd_tsgu_tunnel_rsp *r);

struct rdd_tsgu_tunnel_auth_rsp {
	uint32_t error; /* HRESULT */
	uint16_t fields;
	bool has_redir, has_idle, has_soh;
	uint32_t redir_flags;  /* HTTP_TUNNEL_REDIR_FLAGS */
	uint32_t idle_timeout; /* minutes */
	struct rdd_cur soh;    /* borrowed */
};
int rdd_tsgu_parse_tunnel_auth_rsp(struct rdd_cur body,
                                   struct rdd_tsgu_tunnel_auth_rsp *r);

struct rdd_tsgu_channel_rsp {
	uint32_t error; /* HRESULT */
	uint16_t fields;
	bool has_channel_id, has_udp_port, has_cookie;
	uint32_t channel_id;
	uint16_t udp_port;
	struct rdd_cur cookie; /* borrowed */
};
/* Optional fields in the specification's order: channelId, udpPort,
 * authnCookie (reference 2.4: IronRDP swaps two flags). */
int rdd_tsgu_parse_channel_rsp(struct rdd_cur body,
                               struct rdd_tsgu_channel_rsp *r);

/* DATA: the payload (borrowed). 0 or -1. */
int rdd_tsgu_parse_data(struct rdd_cur body, struct rdd_cur *data);
/* CLOSE_CHANNEL / CLOSE_CHANNEL_RESPONSE: statusCode. 0 or -1. */
int rdd_tsgu_parse_close(struct rdd_cur body, uint32_t *status);
/* SERVICE_MESSAGE: the UTF-16LE message (borrowed). 0 or -1. */
int rdd_tsgu_parse_service_message(struct rdd_cur body, struct rdd_cur *msg);
/* REAUTH_MESSAGE: reauthTunnelContext. 0 or -1. */
int rdd_tsgu_parse_reauth(struct rdd_cur body, uint64_t *context);
/* EXTENDED_AUTH_MSG: errorCode and the NTLM blob (borrowed). 0 or -1. */
int rdd_tsgu_parse_extended_auth(struct rdd_cur body, uint32_t *error,
                                 struct rdd_cur *blob);

#endif
