/*
 * share.h - the share PDUs of capability exchange, connection
 * finalization and session errors ([MS-RDPBCGR] 2.2.1.13 - 2.2.1.22,
 * 2.2.3.1, 2.2.5.1, 2.2.5.2, 2.2.10.1, 2.2.12.1, 2.2.13;
 * shared/reference/session.md 6 and 7): the share control and share data
 * headers, Demand Active with every capability set, Confirm Active with
 * the sets a client sends, the client's Synchronize, Control and Font List,
 * the server's Synchronize, Control, Font Map, Set Error Info, Save
 * Session Info, Status Info, Monitor Layout, Deactivate All and Server
 * Redirection.
 *
 * Parsers take the bytes after the security header (or the Send Data
 * Indication's user data when there is none); builders write the share
 * control header and what follows, for the caller to put behind a
 * security header and into a Send Data Request.
 */
#ifndef RDD_WIRE_SHARE_H
#define RDD_WIRE_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* pduType (low 4 bits of the share control header's pduType). */
#define RDD_PDUTYPE_DEMANDACTIVE 0x1
#define RDD_PDUTYPE_CONFIRMACTIVE 0x3
#define RDD_PDUTYPE_DEACTIVATEALL 0x6
#define RDD_PDUTYPE_DATA 0x7
#define RDD_PDUTYPE_SERVER_REDIR 0xA
#define RDD_PDUTYPE_VERSION 0x10 /* TS_PROTOCOL_VERSION, OR-ed in */

/* pduType2 of a data PDU. */
#define RDD_PDUTYPE2_UPDATE 0x02
#define RDD_PDUTYPE2_CONTROL 0x14
#define RDD_PDUTYPE2_POINTER 0x1B
#define RDD_PDUTYPE2_INPUT 0x1C
#define RDD_PDUTYPE2_SYNCHRONIZE 0x1F
#define RDD_PDUTYPE2_REFRESH_RECT 0x21
#define RDD_PDUTYPE2_PLAY_SOUND 0x22
#define RDD_PDUTYPE2_SUPPRESS_OUTPUT 0x23
#define RDD_PDUTYPE2_SHUTDOWN_REQUEST 0x24
#define RDD_PDUTYPE2_SHUTDOWN_DENIED 0x25
#define RDD_PDUTYPE2_SAVE_SESSION_INFO 0x26
#define RDD_PDUTYPE2_FONTLIST 0x27
#define RDD_PDUTYPE2_FONTMAP 0x28
#define RDD_PDUTYPE2_SET_KEYBOARD_INDICATORS 0x29
#define RDD_PDUTYPE2_BITMAPCACHE_PERSISTENT_LIST 0x2B
#define RDD_PDUTYPE2_SET_ERROR_INFO 0x2F
#define RDD_PDUTYPE2_ARC_STATUS 0x32
#define RDD_PDUTYPE2_STATUS_INFO 0x36
#define RDD_PDUTYPE2_MONITOR_LAYOUT 0x37

/* Control actions. */
#define RDD_CTRLACTION_REQUEST_CONTROL 1
#define RDD_CTRLACTION_GRANTED_CONTROL 2
#define RDD_CTRLACTION_DETACH 3
#define RDD_CTRLACTION_COOPERATE 4

/* Capability set types ([MS-RDPBCGR] 2.2.1.13.1.1.1). */
#define RDD_CAPSET_GENERAL 0x01
#define RDD_CAPSET_BITMAP 0x02
#define RDD_CAPSET_ORDER 0x03
#define RDD_CAPSET_BITMAPCACHE 0x04
#define RDD_CAPSET_CONTROL 0x05
#define RDD_CAPSET_BITMAPCACHE_V3_CODECID 0x06
#define RDD_CAPSET_ACTIVATION 0x07
#define RDD_CAPSET_POINTER 0x08
#define RDD_CAPSET_SHARE 0x09
#define RDD_CAPSET_COLORCACHE 0x0A
#define RDD_CAPSET_SOUND 0x0C
#define RDD_CAPSET_INPUT 0x0D
#define RDD_CAPSET_FONT 0x0E
#define RDD_CAPSET_BRUSH 0x0F
#define RDD_CAPSET_GLYPHCACHE 0x10
#define RDD_CAPSET_OFFSCREENCACHE 0x11
#define RDD_CAPSET_BITMAPCACHE_HOSTSUPPORT 0x12
#define RDD_CAPSET_BITMAPCACHE_REV2 0x13
#define RDD_CAPSET_VIRTUALCHANNEL 0x14
#define RDD_CAPSET_DRAWNINEGRIDCACHE 0x15
#define RDD_CAPSET_DRAWGDIPLUS 0x16
#define RDD_CAPSET_RAIL 0x17
#define RDD_CAPSET_WINDOW 0x18
#define RDD_CAPSET_COMPDESK 0x19
#define RDD_CAPSET_MULTIFRAGMENTUPDATE 0x1A
#define RDD_CAPSET_LARGE_POINTER 0x1B
#define RDD_CAPSET_SURFACE_COMMANDS 0x1C
#define RDD_CAPSET_BITMAP_CODECS 0x1D
#define RDD_CAPSET_FRAME_ACKNOWLEDGE 0x1E

/* The share control header and the body behind it. */
struct rdd_share_ctrl {
	uint16_t total_length;
	uint8_t pdu_type; /* low 4 bits */
	uint16_t pdu_type_raw;
	bool has_source; /* a 4-byte header (XP's Deactivate All) has none */
	uint16_t pdu_source; /* the sender's channel id */
	struct rdd_cur body; /* borrowed: what follows the header */
};

/*
 * Read the share control header at the start of IN. totalLength counts
 * the header; it must fit IN (bytes after it are left in IN). A
 * totalLength of 0x8000 (a T.128 flow PDU) is an error here: the caller
 * skips such PDUs. Returns 0, or -1 with IN untouched.
 */
int rdd_share_parse_ctrl(struct rdd_cur *in, struct rdd_share_ctrl *out);

/* The share data header of a data PDU (the control header's body). */
struct rdd_share_data {
	uint32_t share_id;
	uint8_t stream_id;
	uint16_t uncompressed_length;
	uint8_t pdu_type2;
	uint8_t compressed_type;
	uint16_t compressed_length;
	struct rdd_cur payload; /* borrowed */
};

int rdd_share_parse_data(struct rdd_cur *body, struct rdd_share_data *out);

/* One capability set as listed. */
struct rdd_capset {
	uint16_t type;
	uint16_t length; /* lengthCapability, header included */
};

#define RDD_MAX_CAPSETS 40

/* The sets rdpdoctor decodes from a Demand Active. */
struct rdd_caps_general {
	bool present;
	uint16_t os_major;
	uint16_t os_minor;
	uint16_t protocol_version;
	uint16_t extra_flags;
	bool refresh_rect;
	bool suppress_output;
};

struct rdd_caps_bitmap {
	bool present;
	uint16_t bpp;
	uint16_t width;
	uint16_t height;
	bool resize;
	uint8_t drawing_flags;
};

struct rdd_caps_order {
	bool present;
	uint16_t flags;
	uint8_t n_supported; /* orderSupport entries that are non-zero */
	uint8_t support[32];
};

struct rdd_caps_virtualchannel {
	bool present;
	uint32_t flags;
	bool has_chunk_size;
	uint32_t chunk_size;
};

struct rdd_demand_active {
	uint32_t share_id;
	uint16_t pdu_source;
	char source_descriptor[48]; /* printable ASCII; others as '?' */
	uint16_t n_caps;            /* numberCapabilities as sent */
	struct rdd_capset caps[RDD_MAX_CAPSETS]; /* the first ones */
	size_t n_caps_kept;
	bool has_session_id;
	uint32_t session_id;
	struct rdd_caps_general general;
	struct rdd_caps_bitmap bitmap;
	struct rdd_caps_order order;
	struct rdd_caps_virtualchannel virtual_channel;
};

/*
 * Parse a Demand Active's body (CTRL's body, pduType 0x1): shareId,
 * source descriptor, every capability set (each must fit the combined
 * length; a set shorter than what is decoded of it is an error), the
 * optional sessionId. Returns 0, or -1 with OUT unspecified.
 */
int rdd_share_parse_demand_active(const struct rdd_share_ctrl *ctrl,
                                  struct rdd_demand_active *out);

/* What the client's Confirm Active says of itself. */
struct rdd_confirm_params {
	uint32_t share_id; /* the Demand Active's */
	uint16_t user_id;  /* pduSource: the client's user channel */
	uint16_t width;    /* desktop size, as in CS_CORE */
	uint16_t height;
	uint16_t bpp;      /* 16, 24 or 32 */
	uint32_t vc_chunk; /* virtual channel chunk size sent, 1600 */
	bool salted_mac;   /* ENC_SALTED_CHECKSUM in extraFlags */
};

/*
 * Build a Confirm Active (share control header included) with the 15
 * capability sets FreeRDP sends (session.md 6.3): general, bitmap,
 * order, bitmap cache rev 2, pointer, input, brush, glyph cache, virtual
 * channel, sound, share, font, control, colour cache, activation.
 */
int rdd_share_build_confirm_active(struct rdd_buf *b,
                                   const struct rdd_confirm_params *p);

/* A data PDU (share control header with pduType DATA, share data header
 * with PDUTYPE2, stream LOW) carrying the N bytes at PAYLOAD. */
int rdd_share_build_data(struct rdd_buf *b, uint32_t share_id, uint16_t user_id,
                         uint8_t pdu_type2, const uint8_t *payload, size_t n);

/* The client's finalization PDUs, each a whole data PDU:
 * Synchronize (targetUser = the server's channel, 1002), Control with
 * ACTION (Cooperate, Request Control), Font List (0, 0, 3, 0x32). */
int rdd_share_build_synchronize(struct rdd_buf *b, uint32_t share_id,
                                uint16_t user_id, uint16_t target_user);
int rdd_share_build_control(struct rdd_buf *b, uint32_t share_id,
                            uint16_t user_id, uint16_t action);
int rdd_share_build_font_list(struct rdd_buf *b, uint32_t share_id,
                              uint16_t user_id);
/* Shutdown Request (no payload). */
int rdd_share_build_shutdown_request(struct rdd_buf *b, uint32_t share_id,
                                     uint16_t user_id);

/* Payloads of the server's data PDUs (a data header's payload). */
struct rdd_share_control {
	uint16_t action;
	uint16_t grant_id;
	uint32_t control_id;
};
int rdd_share_parse_synchronize(struct rdd_cur *p, uint16_t *target_user);
int rdd_share_parse_control(struct rdd_cur *p, struct rdd_share_control *c);
int rdd_share_parse_font_map(struct rdd_cur *p, uint16_t *n_entries,
                             uint16_t *map_flags);
int rdd_share_parse_error_info(struct rdd_cur *p, uint32_t *error_info);
int rdd_share_parse_status_info(struct rdd_cur *p, uint32_t *status);
int rdd_share_parse_monitor_layout(struct rdd_cur *p, uint32_t *n_monitors);

/* Save Session Info ([MS-RDPBCGR] 2.2.10.1; session.md 6.9). */
#define RDD_INFOTYPE_LOGON 0
#define RDD_INFOTYPE_LOGON_LONG 1
#define RDD_INFOTYPE_LOGON_PLAINNOTIFY 2
#define RDD_INFOTYPE_LOGON_EXTENDED_INFO 3
#define RDD_LOGON_EX_AUTORECONNECTCOOKIE 0x1
#define RDD_LOGON_EX_LOGONERRORS 0x2

struct rdd_save_session_info {
	uint32_t info_type;
	bool has_session_id;
	uint32_t session_id;
	char domain[64]; /* UTF-8, from types 0 and 1; untrusted */
	char user[256];
	/* Type 3: which fields were present, and the logon error. The
	 * auto-reconnect cookie is a secret: it is skipped, never kept. */
	uint32_t fields_present;
	bool has_logon_error;
	uint32_t error_type; /* ErrorNotificationType (LOGON_MSG_*) */
	uint32_t error_data; /* ErrorNotificationData (LOGON_FAILED_*) */
};

int rdd_share_parse_save_session_info(struct rdd_cur *p,
                                      struct rdd_save_session_info *out);

/* Deactivate All (pduType 0x6): the shareId, when the body has one. */
int rdd_share_parse_deactivate_all(const struct rdd_share_ctrl *ctrl,
                                   bool *has_share_id, uint32_t *share_id);

#define RDD_REDIR_STR_LEN 256

/* Server Redirection ([MS-RDPBCGR] 2.2.13; session.md 6.10): what a
 * check reports. The password cookie is never read. */
struct rdd_redirection {
	uint32_t session_id;
	uint32_t redir_flags;
	char target[RDD_REDIR_STR_LEN];
	bool has_load_balance_info;
};

/*
 * BODY is the RDP_SERVER_REDIRECTION_PACKET (after the share control
 * header's pad2Octets under TLS, or the standard-security header). The
 * target is TargetNetAddress, else TargetFQDN, else TargetNetBiosName,
 * converted to UTF-8 (untrusted).
 */
int rdd_share_parse_redirection(struct rdd_cur *body,
                                struct rdd_redirection *out);

/* "DEMANDACTIVE", "DATA", ...; NULL when unknown. */
const char *rdd_pdutype_name(uint8_t pdu_type);
/* "SYNCHRONIZE", "SET_ERROR_INFO", ...; NULL when unknown. */
const char *rdd_pdutype2_name(uint8_t pdu_type2);
/* "GENERAL", "BITMAP", ...; NULL when unknown. */
const char *rdd_capset_name(uint16_t type);

#endif
