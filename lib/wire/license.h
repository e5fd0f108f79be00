/*
 * license.h - the licensing PDUs ([MS-RDPBCGR] 2.2.1.12, [MS-RDPELE]
 * 2.2.2; shared/reference/session.md 5) as a client sees them: the
 * server's LICENSE_REQUEST, PLATFORM_CHALLENGE, NEW_LICENSE,
 * UPGRADE_LICENSE and ERROR_ALERT parsed; the client's
 * NEW_LICENSE_REQUEST and PLATFORM_CHALLENGE_RESPONSE built, exactly as a
 * client with an empty license store answers; and the licensing keys,
 * RC4 and MAC of [MS-RDPELE] 5.1.
 *
 * Messages start at the LICENSE_PREAMBLE (the bytes after the security
 * header). Strings the server sent are converted to UTF-8 and are
 * untrusted.
 */
#ifndef RDD_WIRE_LICENSE_H
#define RDD_WIRE_LICENSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "gcc.h"

/* bMsgType. */
#define RDD_LIC_LICENSE_REQUEST 0x01
#define RDD_LIC_PLATFORM_CHALLENGE 0x02
#define RDD_LIC_NEW_LICENSE 0x03
#define RDD_LIC_UPGRADE_LICENSE 0x04
#define RDD_LIC_LICENSE_INFO 0x12
#define RDD_LIC_NEW_LICENSE_REQUEST 0x13
#define RDD_LIC_PLATFORM_CHALLENGE_RESPONSE 0x15
#define RDD_LIC_ERROR_ALERT 0xFF

/* Preamble flags: the version in bits 0-3, and a flag. */
#define RDD_LIC_PREAMBLE_VERSION_2_0 0x02
#define RDD_LIC_PREAMBLE_VERSION_3_0 0x03
#define RDD_LIC_EXTENDED_ERROR_MSG_SUPPORTED 0x80

/* dwErrorCode of LICENSE_ERROR_MESSAGE. */
#define RDD_LIC_ERR_INVALID_SERVER_CERTIFICATE 0x01
#define RDD_LIC_ERR_NO_LICENSE 0x02
#define RDD_LIC_ERR_INVALID_MAC 0x03
#define RDD_LIC_ERR_INVALID_SCOPE 0x04
#define RDD_LIC_ERR_NO_LICENSE_SERVER 0x06
#define RDD_LIC_STATUS_VALID_CLIENT 0x07
#define RDD_LIC_ERR_INVALID_CLIENT 0x08
#define RDD_LIC_ERR_INVALID_PRODUCTID 0x0B
#define RDD_LIC_ERR_INVALID_MESSAGE_LEN 0x0C

/* dwStateTransition. */
#define RDD_LIC_ST_TOTAL_ABORT 1
#define RDD_LIC_ST_NO_TRANSITION 2
#define RDD_LIC_ST_RESET_PHASE_TO_START 3
#define RDD_LIC_ST_RESEND_LAST_MESSAGE 4

/* Blob types (wBlobType). */
#define RDD_LIC_BB_DATA_BLOB 0x0001
#define RDD_LIC_BB_RANDOM_BLOB 0x0002
#define RDD_LIC_BB_CERTIFICATE_BLOB 0x0003
#define RDD_LIC_BB_ERROR_BLOB 0x0004
#define RDD_LIC_BB_ENCRYPTED_DATA_BLOB 0x0009
#define RDD_LIC_BB_KEY_EXCHG_ALG_BLOB 0x000D
#define RDD_LIC_BB_SCOPE_BLOB 0x000E
#define RDD_LIC_BB_CLIENT_USER_NAME_BLOB 0x000F
#define RDD_LIC_BB_CLIENT_MACHINE_NAME_BLOB 0x0010

#define RDD_LIC_RANDOM_LEN 32
#define RDD_LIC_PREMASTER_LEN 48
#define RDD_LIC_MAC_LEN 16
#define RDD_LIC_HWID_LEN 20
#define RDD_LIC_MAX_SCOPES 4
#define RDD_LIC_STR 128

/* The PlatformId rdpdoctor presents: CLIENT_OS_ID_WINNT_POST_52 |
 * CLIENT_IMAGE_ID_MICROSOFT, as FreeRDP sends. */
#define RDD_LIC_PLATFORM_ID 0x04010000u

struct rdd_lic_request {
	uint8_t server_random[RDD_LIC_RANDOM_LEN];
	uint32_t product_version;
	char company[RDD_LIC_STR];    /* UTF-8 */
	char product_id[RDD_LIC_STR]; /* UTF-8 */
	uint32_t n_key_exchange;      /* algorithm ids as sent */
	uint32_t key_exchange[4];     /* the first ones */
	/* The certificate blob; empty (has_cert false) means "use the one
	 * of SC_SECURITY" ([MS-RDPELE] 2.2.2.1). */
	bool has_cert;
	struct rdd_gcc_server_cert cert;
	uint32_t n_scopes; /* ScopeCount as sent */
	char scopes[RDD_LIC_MAX_SCOPES][RDD_LIC_STR];
};

struct rdd_lic_error {
	uint32_t code;       /* dwErrorCode */
	uint32_t transition; /* dwStateTransition */
	uint16_t blob_type;  /* ignore when blob_len is 0 (session.md 5.1) */
	uint16_t blob_len;
};

struct rdd_lic_challenge {
	uint32_t connect_flags;
	uint16_t blob_type;
	struct rdd_cur encrypted; /* borrowed from the input */
	uint8_t mac[RDD_LIC_MAC_LEN];
};

/* NEW_LICENSE and UPGRADE_LICENSE. */
struct rdd_lic_new_license {
	struct rdd_cur encrypted; /* borrowed from the input */
	uint8_t mac[RDD_LIC_MAC_LEN];
};

struct rdd_lic_pdu {
	uint8_t msg_type;
	uint8_t flags; /* preamble flags */
	uint16_t msg_size;
	/* The member msg_type names is filled; the others are zero. */
	struct rdd_lic_request request;
	struct rdd_lic_error error;
	struct rdd_lic_challenge challenge;
	struct rdd_lic_new_license license;
};

/*
 * Parse one licensing message (preamble first) of a server. wMsgSize must
 * be at least 4 and fit IN; the message is read within it. Returns 0 and
 * consumes IN, or -1 (IN untouched) when the preamble or a known
 * message's structure is broken. A message type a server does not send
 * is an error; so is a LICENSE_REQUEST whose certificate blob does not
 * parse.
 */
int rdd_lic_parse(struct rdd_cur *in, struct rdd_lic_pdu *pdu);

/* The client side, for captures and tests: the type, flags and size of a
 * client licensing message, its structure checked. */
int rdd_lic_parse_client(struct rdd_cur *in, uint8_t *msg_type, uint8_t *flags,
                         uint16_t *msg_size);

/* The licensing keys ([MS-RDPELE] 5.1.2). */
struct rdd_lic_keys {
	uint8_t mac_salt[16];
	uint8_t enc_key[16];
};

int rdd_lic_derive_keys(const uint8_t premaster[RDD_LIC_PREMASTER_LEN],
                        const uint8_t client_random[RDD_LIC_RANDOM_LEN],
                        const uint8_t server_random[RDD_LIC_RANDOM_LEN],
                        struct rdd_lic_keys *k);
/* MACData over DATA ([MS-RDPELE] 5.1.5): all 16 bytes. */
int rdd_lic_mac(const struct rdd_lic_keys *k, const uint8_t *data, size_t n,
                uint8_t out[RDD_LIC_MAC_LEN]);

/* What a client with an empty license store sends. */
struct rdd_lic_new_request {
	uint8_t preamble_flags; /* the server's version | EXTENDED_ERROR... */
	uint32_t platform_id;
	uint8_t client_random[RDD_LIC_RANDOM_LEN];
	uint8_t premaster[RDD_LIC_PREMASTER_LEN];
	const char *user_name;    /* ASCII; sent with its NUL */
	const char *machine_name; /* ASCII; sent with its NUL */
};

/*
 * Build a NEW_LICENSE_REQUEST (preamble included, no security header),
 * the premaster secret encrypted with raw RSA under CERT's key (the
 * LICENSE_REQUEST's certificate, or SC_SECURITY's when it sent none).
 * Fails when CERT has no usable RSA key.
 */
int rdd_lic_build_new_license_request(struct rdd_buf *b,
                                      const struct rdd_lic_new_request *r,
                                      const struct rdd_gcc_server_cert *cert);

/*
 * Answer a PLATFORM_CHALLENGE ([MS-RDPELE] 2.2.2.5): decrypt the
 * challenge with K, set *CHALLENGE_MAC_OK to whether the server's MAC
 * over it matches, and build the PLATFORM_CHALLENGE_RESPONSE (preamble
 * included): the response data (version 0x0100, client type OTHER, detail
 * level 3, the challenge) and HWID, each RC4-encrypted, and the MAC over
 * both plaintexts. Builds the answer even when the MAC does not match.
 */
int rdd_lic_build_challenge_response(struct rdd_buf *b, uint8_t preamble_flags,
                                     const struct rdd_lic_keys *k,
                                     const struct rdd_lic_challenge *ch,
                                     const uint8_t hwid[RDD_LIC_HWID_LEN],
                                     bool *challenge_mac_ok);

/* What a NEW_LICENSE or UPGRADE_LICENSE holds, decrypted. */
struct rdd_lic_info {
	bool mac_ok;
	uint32_t version; /* dwVersion: major in the high word */
	char scope[RDD_LIC_STR];
	char company[RDD_LIC_STR];
	char product_id[RDD_LIC_STR];
	uint32_t license_len; /* cbLicenseInfo: the CAL itself (not kept) */
	/* The CAL's validity, when its certificate could be read. */
	bool has_validity;
	int64_t not_before; /* Unix seconds */
	int64_t not_after;
};

/* Decrypt and read NL with K. Returns -1 when the plaintext does not
 * parse (INFO then has mac_ok and whatever was read). */
int rdd_lic_read_new_license(const struct rdd_lic_keys *k,
                             const struct rdd_lic_new_license *nl,
                             struct rdd_lic_info *info);

/* The hardware id rdpdoctor presents: PlatformId and 16 bytes derived
 * from the string "rdpdoctor" alone, the same on every machine, so that
 * a license server sees one stable, recognisable client. */
void rdd_lic_hwid(uint8_t out[RDD_LIC_HWID_LEN]);

/* "LICENSE_REQUEST", "ERROR_ALERT", ...; NULL when unknown. */
const char *rdd_lic_msg_name(uint8_t msg_type);
/* "STATUS_VALID_CLIENT", "ERR_NO_LICENSE_SERVER", ...; NULL. */
const char *rdd_lic_error_name(uint32_t code);
/* "ST_TOTAL_ABORT", "ST_NO_TRANSITION", ...; NULL. */
const char *rdd_lic_transition_name(uint32_t transition);

#endif
