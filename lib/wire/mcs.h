/*
 * mcs.h - the Basic Settings Exchange ([MS-RDPBCGR] 2.2.1.3, 2.2.1.4): the
 * client MCS Connect-Initial with its GCC Conference Create Request (built
 * whole: TPKT, X.224 Data TPDU, BER MCS, PER GCC, client blocks) and the
 * server MCS Connect-Response with its GCC Conference Create Response
 * (parsed down to the server blocks). Also the MCS Disconnect Provider
 * Ultimatum a server sends instead when it drops the connection.
 *
 * Parsers take the TPKT payload of one whole PDU (the bytes after the TPKT
 * header, as rdd_tpkt_frame() hands them out), return 0 and advance past
 * the PDU, or return -1 and leave both the cursor and the output untouched.
 */
#ifndef RDD_WIRE_MCS_H
#define RDD_WIRE_MCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ber.h"
#include "cursor.h"
#include "gcc.h"

/* T.125 Result (0..15). */
#define RDD_MCS_RT_SUCCESSFUL 0
#define RDD_MCS_RT_PARAMETERS_UNACCEPTABLE 8
#define RDD_MCS_RT_UNSPECIFIED_FAILURE 14
#define RDD_MCS_RT_USER_REJECTED 15
#define RDD_MCS_RESULT_COUNT 16

/* T.125 Reason of a Disconnect Provider Ultimatum (0..4). */
#define RDD_MCS_RN_DOMAIN_DISCONNECTED 0
#define RDD_MCS_RN_PROVIDER_INITIATED 1
#define RDD_MCS_RN_TOKEN_PURGED 2
#define RDD_MCS_RN_USER_REQUESTED 3
#define RDD_MCS_RN_CHANNEL_PURGED 4

/* DomainMCSPDU CHOICE index of disconnectProviderUltimatum. */
#define RDD_MCS_DPUM 8

/*
 * Build the whole Connect-Initial PDU (TPKT header included) carrying CD's
 * client blocks, with the domain parameters and GCC fields of
 * [MS-RDPBCGR] 4.1.3. Returns 0, or -1 (B's error flag set, nothing
 * usable written) if the blocks are invalid or B is too small.
 */
int rdd_mcs_build_connect_initial(struct rdd_buf *b,
                                  const struct rdd_gcc_client_data *cd);

/* A parsed Connect-Initial (for captures and tests). */
struct rdd_mcs_connect_initial {
	bool upward_flag;
	struct rdd_domain_params target;
	struct rdd_domain_params minimum;
	struct rdd_domain_params maximum;
	char conference_name[16];
	struct rdd_gcc_client_data client;
};

int rdd_mcs_parse_connect_initial(struct rdd_cur *in,
                                  struct rdd_mcs_connect_initial *ci);

/*
 * A parsed Connect-Response. With result rt-successful every field must
 * be there and the GCC Conference Create Response must parse; with another
 * result the fields after it are taken as far as they parse (has_ flags),
 * since a refusing server may send little more than the result.
 */
struct rdd_mcs_connect_response {
	uint8_t result; /* T.125 Result */
	bool has_called_connect_id;
	uint32_t called_connect_id;
	bool has_domain_params;
	struct rdd_domain_params domain_params;
	bool has_user_data; /* GCC Conference Create Response parsed */
	uint16_t gcc_node_id;
	uint32_t gcc_tag;
	uint8_t gcc_result; /* ConferenceCreateResponse result, 0 success */
	struct rdd_gcc_server_data server;
};

int rdd_mcs_parse_connect_response(struct rdd_cur *in,
                                   struct rdd_mcs_connect_response *cr);

/*
 * Recognise an MCS Disconnect Provider Ultimatum: X.224 Data TPDU, then
 * the PER DomainMCSPDU choice 8 and a 3-bit reason spanning two bytes
 * (21 80 is rn-user-requested). *REASON gets the raw reason (0..7).
 */
int rdd_mcs_parse_dpum(struct rdd_cur *in, uint8_t *reason);

/* "rt-successful" ... "rt-user-rejected"; NULL beyond 15. */
const char *rdd_mcs_result_name(unsigned result);
/* "rn-domain-disconnected" ... "rn-channel-purged"; NULL beyond 4. */
const char *rdd_mcs_reason_name(unsigned reason);

#endif
