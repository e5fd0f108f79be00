/*
 * ntlm.h - the two NTLM messages of a credential-free probe ([MS-NLMP]
 * 2.2.1.1, 2.2.1.2): the NEGOTIATE the client sends and the CHALLENGE
 * the server answers with, whose target information names the server.
 * No AUTHENTICATE is ever built: no credentials, no logon.
 *
 * NEGOTIATE_MESSAGE (40 bytes as built here):
 *   0 "NTLMSSP\0"  8 type 1 (LE32)  12 flags (LE32)
 *   16 DomainNameFields (0)  24 WorkstationFields (0)  32 VERSION
 *
 * CHALLENGE_MESSAGE:
 *   0 "NTLMSSP\0"  8 type 2  12 TargetNameFields (Len LE16, MaxLen LE16,
 *   Offset LE32)  20 flags  24 ServerChallenge (8)  32 Reserved (8)
 *   40 TargetInfoFields  48 VERSION (8, when NEGOTIATE_VERSION)  payload
 *
 * VERSION: ProductMajorVersion, ProductMinorVersion, ProductBuild (LE16),
 * 3 reserved bytes, NTLMRevisionCurrent (0x0f).
 *
 * TargetInfo is a list of AV_PAIRs (AvId LE16, AvLen LE16, value) ending
 * with MsvAvEOL; the names in it are UTF-16LE.
 */
#ifndef RDD_WIRE_NTLM_H
#define RDD_WIRE_NTLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_NTLM_NEGOTIATE 1
#define RDD_NTLM_CHALLENGE 2
#define RDD_NTLM_AUTHENTICATE 3
#define RDD_NTLM_NEGOTIATE_LEN 40
#define RDD_NTLM_CHALLENGE_MIN 48 /* up to and with TargetInfoFields */

/* NegotiateFlags ([MS-NLMP] 2.2.2.5). */
#define RDD_NTLM_NEGOTIATE_56 0x80000000u
#define RDD_NTLM_NEGOTIATE_KEY_EXCH 0x40000000u
#define RDD_NTLM_NEGOTIATE_128 0x20000000u
#define RDD_NTLM_NEGOTIATE_VERSION 0x02000000u
#define RDD_NTLM_NEGOTIATE_TARGET_INFO 0x00800000u
#define RDD_NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define RDD_NTLM_TARGET_TYPE_SERVER 0x00020000u
#define RDD_NTLM_TARGET_TYPE_DOMAIN 0x00010000u
#define RDD_NTLM_NEGOTIATE_ALWAYS_SIGN 0x00008000u
#define RDD_NTLM_NEGOTIATE_NTLM 0x00000200u
#define RDD_NTLM_NEGOTIATE_LM_KEY 0x00000080u
#define RDD_NTLM_NEGOTIATE_SEAL 0x00000020u
#define RDD_NTLM_NEGOTIATE_SIGN 0x00000010u
#define RDD_NTLM_REQUEST_TARGET 0x00000004u
#define RDD_NTLM_NEGOTIATE_OEM 0x00000002u
#define RDD_NTLM_NEGOTIATE_UNICODE 0x00000001u

/* What mstsc, FreeRDP and nmap's rdp-ntlm-info send: 0xe20882b7. */
#define RDD_NTLM_PROBE_FLAGS                                                   \
	(RDD_NTLM_NEGOTIATE_56 | RDD_NTLM_NEGOTIATE_KEY_EXCH |                 \
	 RDD_NTLM_NEGOTIATE_128 | RDD_NTLM_NEGOTIATE_VERSION |                 \
	 RDD_NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY |                         \
	 RDD_NTLM_NEGOTIATE_ALWAYS_SIGN | RDD_NTLM_NEGOTIATE_NTLM |            \
	 RDD_NTLM_NEGOTIATE_LM_KEY | RDD_NTLM_NEGOTIATE_SEAL |                 \
	 RDD_NTLM_NEGOTIATE_SIGN | RDD_NTLM_REQUEST_TARGET |                   \
	 RDD_NTLM_NEGOTIATE_OEM | RDD_NTLM_NEGOTIATE_UNICODE)

/* AvId values ([MS-NLMP] 2.2.2.1). */
#define RDD_MSV_AV_EOL 0
#define RDD_MSV_AV_NB_COMPUTER_NAME 1
#define RDD_MSV_AV_NB_DOMAIN_NAME 2
#define RDD_MSV_AV_DNS_COMPUTER_NAME 3
#define RDD_MSV_AV_DNS_DOMAIN_NAME 4
#define RDD_MSV_AV_DNS_TREE_NAME 5
#define RDD_MSV_AV_FLAGS 6
#define RDD_MSV_AV_TIMESTAMP 7
#define RDD_MSV_AV_SINGLE_HOST 8
#define RDD_MSV_AV_TARGET_NAME 9
#define RDD_MSV_AV_CHANNEL_BINDINGS 10

#define RDD_NTLM_REVISION_W2K3 0x0f

struct rdd_ntlm_version {
	uint8_t major;
	uint8_t minor;
	uint16_t build;
	uint8_t revision;
};

/* Every cursor borrows from the message; an absent item has len 0 and,
 * for AV pairs, its has_ flag false. */
struct rdd_ntlm_challenge {
	uint32_t flags;
	uint8_t server_challenge[8];
	struct rdd_cur target_name; /* UTF-16LE, or OEM without UNICODE */
	struct rdd_cur target_info; /* the raw AV_PAIR list */
	bool has_version;
	struct rdd_ntlm_version version;

	/* From target_info: the first pair of each id. */
	bool has_nb_computer, has_nb_domain, has_dns_computer, has_dns_domain,
	    has_dns_tree, has_av_target_name;
	struct rdd_cur nb_computer, nb_domain, dns_computer, dns_domain,
	    dns_tree, av_target_name; /* UTF-16LE */
	bool has_av_flags;
	uint32_t av_flags;
	bool has_timestamp;
	uint64_t timestamp; /* FILETIME: 100 ns units since 1601-01-01 UTC */
	size_t n_av_pairs;  /* without the MsvAvEOL */
};

/*
 * Write a NEGOTIATE_MESSAGE with FLAGS and, when FLAGS has
 * NEGOTIATE_VERSION, VERSION (may be NULL: zeros). No domain or
 * workstation. Returns 0, or -1 with the buffer's error flag set.
 */
int rdd_ntlm_build_negotiate(struct rdd_buf *b, uint32_t flags,
                             const struct rdd_ntlm_version *version);

/*
 * Parse one whole CHALLENGE_MESSAGE (C holds it and nothing else; payload
 * offsets are relative to its start). Returns 0, or -1 if it is not a
 * well-formed CHALLENGE: wrong signature or type, a field outside the
 * message, an AV_PAIR list that is cut or lacks MsvAvEOL, a name of odd
 * length, a timestamp or flags pair of the wrong size.
 */
int rdd_ntlm_parse_challenge(const struct rdd_cur *c,
                             struct rdd_ntlm_challenge *out);

/* The next AV_PAIR of LIST: 0 and its id and value, or -1 at a cut. */
int rdd_ntlm_av_next(struct rdd_cur *list, uint16_t *id, struct rdd_cur *value);

/* True when C starts with the signature "NTLMSSP\0". */
bool rdd_ntlm_has_signature(const struct rdd_cur *c);

/* The message type after the signature, or -1. */
int rdd_ntlm_message_type(const struct rdd_cur *c);

/*
 * Convert UTF-16LE to UTF-8 into DST (CAP bytes, always terminated when
 * CAP > 0). Unpaired surrogates, U+0000 and an odd last byte become
 * U+FFFD; the output is cut at a character boundary. Returns the number of
 * bytes written (without the NUL).
 */
size_t rdd_utf16le_to_utf8(char *dst, size_t cap, const struct rdd_cur *src);

/* FILETIME to Unix seconds (rounded down). */
int64_t rdd_filetime_to_unix(uint64_t ft);

/*
 * The Windows release of an NTLM VERSION: the exact build when it is in
 * the table ("Windows Server 2019 / Windows 10 1809"), else the family of
 * MAJOR.MINOR ("Windows 10 / 11 / Server 2016 or later"), else NULL.
 * *EXACT (may be NULL) says which.
 */
const char *rdd_ntlm_os_name(uint8_t major, uint8_t minor, uint16_t build,
                             bool *exact);

#endif
