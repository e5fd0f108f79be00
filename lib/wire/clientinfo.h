/*
 * clientinfo.h - the Client Info PDU's TS_INFO_PACKET with its
 * TS_EXTENDED_INFO_PACKET ([MS-RDPBCGR] 2.2.1.11.1.1, 2.2.1.11.1.1.1;
 * shared/reference/session.md 4): built as a current client sends it, and
 * parsed (captures, tests). The security header in front of it
 * (SEC_INFO_PKT, encrypted under standard RDP security) is the caller's.
 */
#ifndef RDD_WIRE_CLIENTINFO_H
#define RDD_WIRE_CLIENTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* TS_INFO_PACKET flags (session.md 4.2). */
#define RDD_INFO_MOUSE 0x00000001u
#define RDD_INFO_DISABLECTRLALTDEL 0x00000002u
#define RDD_INFO_AUTOLOGON 0x00000008u
#define RDD_INFO_UNICODE 0x00000010u
#define RDD_INFO_MAXIMIZESHELL 0x00000020u
#define RDD_INFO_LOGONNOTIFY 0x00000040u
#define RDD_INFO_COMPRESSION 0x00000080u
#define RDD_INFO_ENABLEWINDOWSKEY 0x00000100u
#define RDD_INFO_REMOTECONSOLEAUDIO 0x00002000u
#define RDD_INFO_FORCE_ENCRYPTED_CS_PDU 0x00004000u
#define RDD_INFO_RAIL 0x00008000u
#define RDD_INFO_LOGONERRORS 0x00010000u
#define RDD_INFO_MOUSE_HAS_WHEEL 0x00020000u
#define RDD_INFO_NOAUDIOPLAYBACK 0x00080000u

/*
 * The flags rdpdoctor sends: what FreeRDP always sends (INFO_MOUSE,
 * INFO_DISABLECTRLALTDEL, INFO_UNICODE, INFO_MAXIMIZESHELL,
 * INFO_ENABLEWINDOWSKEY, INFO_LOGONERRORS, INFO_MOUSE_HAS_WHEEL,
 * INFO_FORCE_ENCRYPTED_CS_PDU) plus INFO_LOGONNOTIFY and
 * INFO_NOAUDIOPLAYBACK, no compression. xrdp rejects a Client Info
 * without the first four.
 */
#define RDD_INFO_FLAGS_DEFAULT 0x000B4173u

/* Longest string in bytes of UTF-16 (xrdp refuses 512 or more). */
#define RDD_INFO_MAX_CB 510

struct rdd_client_info {
	uint32_t code_page;
	uint32_t flags;
	/* UTF-8 strings, written as UTF-16LE with a terminator; NULL is
	 * empty. The password is wiped from the builder's own copies. */
	const char *domain;
	const char *user;
	const char *password;
	const char *alternate_shell;
	const char *working_dir;
	/* Extended info: always written (RDP 5.0 and later). */
	uint16_t address_family; /* 0x0002 AF_INET, 0x0017 AF_INET6 */
	const char *client_address;
	const char *client_dir;
	int32_t tz_bias;     /* minutes; names and dates left zero */
	uint32_t session_id; /* 0 */
	uint32_t performance_flags;
};

/* Fill CI with what rdpdoctor sends without credentials: the default
 * flags, empty strings, client address ADDRESS (of FAMILY), the client
 * directory FreeRDP reports, UTC, performance flags 0x0F. */
void rdd_client_info_defaults(struct rdd_client_info *ci, uint16_t family,
                              const char *address);

/* Append CI's TS_INFO_PACKET and extended info to B. -1 when a string
 * is longer than RDD_INFO_MAX_CB bytes of UTF-16 or is not UTF-8, or B
 * is too small. */
int rdd_client_info_build(struct rdd_buf *b, const struct rdd_client_info *ci);

/* A parsed TS_INFO_PACKET (strings folded to UTF-8; the password is
 * skipped, only its length kept). */
struct rdd_client_info_parsed {
	uint32_t code_page;
	uint32_t flags;
	char domain[256];
	char user[256];
	uint16_t password_len; /* cbPassword */
	char alternate_shell[256];
	char working_dir[256];
	bool has_extended;
	uint16_t address_family;
	char client_address[128];
	char client_dir[256];
	bool has_time_zone;
	int32_t tz_bias;
	bool has_performance_flags;
	uint32_t performance_flags;
};

int rdd_client_info_parse(struct rdd_cur *in,
                          struct rdd_client_info_parsed *out);

#endif
