/*
 * domain.h - the MCS domain PDUs a client exchanges after the
 * Connect-Response ([MS-RDPBCGR] 2.2.1.5 - 2.2.1.9, T.125 ALIGNED PER;
 * shared/reference/session.md 2): Erect Domain Request, Attach User
 * Request/Confirm, Channel Join Request/Confirm, Send Data Request (client)
 * and Indication (server), Disconnect Provider Ultimatum; and the
 * fast-path framing that may come between them once a session runs.
 *
 * Builders write the whole PDU, TPKT header and X.224 Data TPDU (02 F0 80)
 * included, and return 0, or -1 with B's error flag set. The parser takes
 * the TPKT payload of one whole PDU (from the X.224 header on, as
 * rdd_tpkt_frame() hands it out).
 *
 * User ids on the wire are "initiator" values, the user channel id minus
 * 1001 (T.125); these functions take and return channel ids (1002, 1007).
 */
#ifndef RDD_WIRE_DOMAIN_H
#define RDD_WIRE_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RDD_MCS_USER_ID_BASE 1001

/* DomainMCSPDU CHOICE indices (T.125; FreeRDP mcs.h). */
#define RDD_MCS_ERECT_DOMAIN_REQUEST 1
#define RDD_MCS_DISCONNECT_PROVIDER_ULTIMATUM 8
#define RDD_MCS_ATTACH_USER_REQUEST 10
#define RDD_MCS_ATTACH_USER_CONFIRM 11
#define RDD_MCS_CHANNEL_JOIN_REQUEST 14
#define RDD_MCS_CHANNEL_JOIN_CONFIRM 15
#define RDD_MCS_SEND_DATA_REQUEST 25
#define RDD_MCS_SEND_DATA_INDICATION 26

/* Erect Domain Request: 04 01 00 01 00 (subHeight 0, subInterval 0). */
int rdd_mcs_build_erect_domain(struct rdd_buf *b);
/* Attach User Request: 28. */
int rdd_mcs_build_attach_user_request(struct rdd_buf *b);
/* Channel Join Request of USER_ID (a channel id, >= 1001) for CHANNEL. */
int rdd_mcs_build_channel_join_request(struct rdd_buf *b, uint16_t user_id,
                                       uint16_t channel);
/* Disconnect Provider Ultimatum with REASON (0..7; 3 rn-user-requested). */
int rdd_mcs_build_dpum(struct rdd_buf *b, uint8_t reason);
/*
 * Send Data Request from USER_ID on CHANNEL carrying the LEN bytes at
 * DATA (priority high, segmentation begin|end, as every client sends).
 * LEN must fit the PER length (at most 0x3FFF) and the TPKT.
 */
int rdd_mcs_build_send_data(struct rdd_buf *b, uint16_t user_id,
                            uint16_t channel, const uint8_t *data, size_t len);

enum rdd_mcs_domain_kind {
	RDD_MCS_PDU_ATTACH_USER_CONFIRM,
	RDD_MCS_PDU_CHANNEL_JOIN_CONFIRM,
	RDD_MCS_PDU_SEND_DATA_INDICATION,
	RDD_MCS_PDU_DPUM,
	RDD_MCS_PDU_X224_DISCONNECT, /* an X.224 Disconnect Request TPDU */
	RDD_MCS_PDU_OTHER            /* a well-formed DT with another choice */
};

/* One server PDU of the domain phase. */
struct rdd_mcs_domain_pdu {
	enum rdd_mcs_domain_kind kind;
	uint8_t choice; /* DomainMCSPDU CHOICE index (any kind but X224) */
	/* Attach User Confirm, Channel Join Confirm: the T.125 Result
	 * (session.md 2.1: result bit 3 in the first byte, bits 2-0 at the
	 * top of the second). */
	uint8_t result;
	bool has_initiator; /* the optional initiator of an Attach User
	                       Confirm; always set for the others */
	uint16_t initiator; /* a channel id (wire value + 1001) */
	/* Channel Join Confirm. */
	uint16_t requested;
	bool has_channel; /* the optional channelId */
	uint16_t channel;
	/* Send Data Indication: channel above, and its user data. */
	struct rdd_cur data;
	/* Disconnect Provider Ultimatum: reason 0..7. */
	uint8_t reason;
};

/*
 * Parse the TPKT payload IN (X.224 header first). Returns 0 and fills PDU
 * (DATA borrows from IN) and consumes IN, or -1 (IN untouched) when it is
 * not a well-formed X.224 Data TPDU or Disconnect Request, or a known
 * choice is cut short (a Send Data Indication's length must match the
 * bytes left exactly).
 */
int rdd_mcs_parse_domain_pdu(struct rdd_cur *in,
                             struct rdd_mcs_domain_pdu *pdu);

/* The client side, for captures and the tests: parse an Erect Domain,
 * Attach User Request, Channel Join Request or Send Data Request. Sets
 * KIND to RDD_MCS_PDU_OTHER and CHOICE; INITIATOR, CHANNEL and DATA as
 * for the server PDUs. Same contract as rdd_mcs_parse_domain_pdu. */
int rdd_mcs_parse_client_domain_pdu(struct rdd_cur *in,
                                    struct rdd_mcs_domain_pdu *pdu);

/*
 * Fast-path framing ([MS-RDPBCGR] 2.2.9.1.2): a server PDU whose first
 * byte is not 0x03 (TPKT): action bits 0-1 = 0, then a length of one byte
 * or, with its top bit set, two (15 bits), counting the whole PDU.
 */
enum rdd_fastpath_result {
	RDD_FASTPATH_OK,        /* a whole PDU: *pdu_len bytes */
	RDD_FASTPATH_NEED_MORE, /* a valid prefix; wait for more */
	RDD_FASTPATH_BAD        /* not fast-path, or a length < header */
};

enum rdd_fastpath_result rdd_fastpath_frame(const uint8_t *p, size_t len,
                                            size_t *pdu_len);

/* "rn-user-requested" etc. live in mcs.h (rdd_mcs_reason_name). */

#endif
