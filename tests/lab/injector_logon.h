/*
 * injector_logon.h - the injector's logon notifications (internal to
 * tests/lab): the Save Session Info PDU ([MS-RDPBCGR] 2.2.10.1; session.md
 * 6.9) a Windows server sends once a user is logged on, or with a logon
 * error, which xrdp 0.9.21 never sends (tests/lab/xrdp-logon.md). Built
 * from the specification, wrapped in the share headers the upstream uses
 * on its own data PDUs of the same connection, and checked in --self-test
 * against rdpdoctor's parser (rdd_share_parse_save_session_info).
 *
 * No I/O and no state here: injector.c decides when to send.
 */
#ifndef INJECTOR_LOGON_H
#define INJECTOR_LOGON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/cursor.h"

/* [MS-RDPBCGR] 2.2.10.1.1 infoType */
#define INJ_INFOTYPE_LOGON 0
#define INJ_INFOTYPE_LOGON_LONG 1
#define INJ_INFOTYPE_LOGON_PLAINNOTIFY 2
#define INJ_INFOTYPE_LOGON_EXTENDED_INFO 3

/* [MS-RDPBCGR] 2.2.10.1.1.4.1.1 TS_LOGON_ERRORS_INFO (session.md 6.9) */
#define INJ_LOGON_MSG_NO_PERMISSION 0xFFFFFFFAu
#define INJ_LOGON_MSG_SESSION_CONTINUE 0xFFFFFFFEu
#define INJ_LOGON_FAILED_BAD_PASSWORD 0u
#define INJ_LOGON_FAILED_UPDATE_PASSWORD 1u

/* The longest names TS_LOGON_INFO holds, in UTF-16 units without the
 * terminator: Domain (52 bytes) and UserName (512 bytes) with their NUL.
 * TS_LOGON_INFO_VERSION_2 gets the same limits (FreeRDP's, and
 * rdpdoctor's parser's). */
#define INJ_LOGON_DOMAIN_UNITS 25
#define INJ_LOGON_USER_UNITS 255

/*
 * The share control and share data headers the server puts on its own
 * data PDUs ([MS-RDPBCGR] 2.2.8.1.1.1.1-2), copied so that an injected PDU
 * looks like the server's: shareId, pduSource, streamId, and how it
 * counts uncompressedLength and compressedLength (implementations differ,
 * session.md 6.1): the payload's length plus ULEN_EXTRA; compressedLength
 * 0 (CLEN_ZERO) or the payload's length plus CLEN_EXTRA. xrdp 0.9.21
 * writes the whole share PDU's length in both (extra 18) and the
 * client's user channel as pduSource (1008 in the lab, not 1002).
 */
struct inj_share_hdr {
	uint32_t share_id;
	uint16_t pdu_source;
	uint8_t stream_id;
	int32_t ulen_extra;
	bool clen_zero;
	int32_t clen_extra;
};

/* The headers of the data PDU at UD (LEN bytes: the Send Data
 * Indication's user data, no security header). 0, or -1 if it is not a
 * whole data PDU with a pduSource. */
int inj_share_hdr_of(const uint8_t *ud, size_t len, struct inj_share_hdr *h);

/* A logon notification: INFOTYPE_LOGON, _LOGON_LONG or _PLAINNOTIFY. */
struct inj_logon_info {
	uint32_t info_type;
	uint32_t session_id;
	const char *domain; /* UTF-8; NULL is empty */
	const char *user;
};

/*
 * Append the Save Session Info payload (infoType and infoData, the bytes
 * after the share data header) to B:
 *   0  TS_LOGON_INFO: cbDomain, Domain[52], cbUserName, UserName[512],
 *      SessionId (cb* with the terminator; 576 bytes)
 *   1  TS_LOGON_INFO_VERSION_2: Version 1, Size 576, SessionId, cbDomain,
 *      cbUserName, Pad[558], Domain, UserName (each with its NUL)
 *   2  Pad[576]
 * -1 if a name is not UTF-8 or longer than the limits above, the type is
 * not one of these, or B is too small.
 */
int inj_build_logon_info(struct rdd_buf *b, const struct inj_logon_info *li);

/* Append INFOTYPE_LOGON_EXTENDED_INFO with LOGON_EX_LOGONERRORS only:
 * Length 18 (2 + 4 + the one field, Pad not counted: see the .c),
 * FieldsPresent 0x2, cbFieldData 8, ErrorNotificationType,
 * ErrorNotificationData, Pad[570]. */
int inj_build_logon_error(struct rdd_buf *b, uint32_t error_type,
                          uint32_t error_data);

/* Append a whole data PDU with H's headers: share control header
 * (totalLength, pduType 0x17, pduSource), share data header (shareId, pad
 * 0, streamId, uncompressedLength, TYPE2, compressedType 0 (not
 * compressed), compressedLength), then the N bytes at PAYLOAD. */
int inj_build_share_data(struct rdd_buf *b, const struct inj_share_hdr *h,
                         uint8_t type2, const uint8_t *payload, size_t n);

/* The domain and user name of the client's Client Info PDU (UD, LEN bytes:
 * basic security header, then TS_INFO_PACKET), and its flags; the
 * password is skipped unread (*HAS_PASSWORD says whether it is empty).
 * 0, or -1 if UD is not that. */
int inj_client_info_names(const uint8_t *ud, size_t len, char *domain,
                          size_t dcap, char *user, size_t ucap, uint32_t *flags,
                          bool *has_password);

/* "INFOTYPE_LOGON_LONG", "LOGON_MSG_NO_PERMISSION",
 * "LOGON_FAILED_BAD_PASSWORD" and friends; "?" if unknown (error data
 * outside 0-3 is a session id, session.md 6.9). */
const char *inj_info_type_name(uint32_t t);
const char *inj_logon_msg_name(uint32_t t);
const char *inj_logon_data_name(uint32_t d);

/* Build every kind of PDU and read it back with lib/wire/share.c; the
 * Font Map header of xrdp 0.9.21; Client Info names. Returns the number of
 * failures. */
int inj_logon_self_test(void);

#endif
