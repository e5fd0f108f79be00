/*
 * gcc.h - the settings data blocks carried in the GCC Conference Create
 * Request / Response ([MS-RDPBCGR] 2.2.1.3.1 - 2.2.1.3.5, 2.2.1.4.1 -
 * 2.2.1.4.6): client blocks CS_CORE, CS_SECURITY, CS_NET, CS_CLUSTER (built
 * and parsed), server blocks SC_CORE, SC_SECURITY (with the proprietary or
 * X.509 server certificate), SC_NET, SC_MCS_MSGCHANNEL, SC_MULTITRANSPORT
 * (parsed). Every block starts with a TS_UD_HEADER: type and length, both
 * little-endian u16, the length counting the header.
 *
 * struct rdd_gcc_server_data is what the probe copies into the observation.
 */
#ifndef RDD_WIRE_GCC_H
#define RDD_WIRE_GCC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* TS_UD_HEADER types. */
#define RDD_CS_CORE 0xC001
#define RDD_CS_SECURITY 0xC002
#define RDD_CS_NET 0xC003
#define RDD_CS_CLUSTER 0xC004
#define RDD_CS_MONITOR 0xC005
#define RDD_CS_MCS_MSGCHANNEL 0xC006
#define RDD_CS_MONITOR_EX 0xC008
#define RDD_CS_MULTITRANSPORT 0xC00A
#define RDD_SC_CORE 0x0C01
#define RDD_SC_SECURITY 0x0C02
#define RDD_SC_NET 0x0C03
#define RDD_SC_MCS_MSGCHANNEL 0x0C04
#define RDD_SC_MULTITRANSPORT 0x0C08

/* TS_UD_CS_CORE / TS_UD_SC_CORE version ([MS-RDPBCGR] 2.2.1.3.2). */
#define RDD_RDP_VERSION_4 0x00080001u
#define RDD_RDP_VERSION_5_PLUS 0x00080004u
#define RDD_RDP_VERSION_10_0 0x00080005u
#define RDD_RDP_VERSION_10_12 0x00080011u

/* CS_CORE earlyCapabilityFlags (the ones rdpdoctor sets). */
#define RDD_RNS_UD_CS_SUPPORT_ERRINFO_PDU 0x0001

/* SC_CORE earlyCapabilityFlags. */
#define RDD_RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V1 0x00000001u
#define RDD_RNS_UD_SC_DYNAMIC_DST_SUPPORTED 0x00000002u
#define RDD_RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V2 0x00000004u
#define RDD_RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED 0x00000008u

/* encryptionMethods (client, a set) / encryptionMethod (server, one). */
#define RDD_ENCRYPTION_METHOD_NONE 0x00000000u
#define RDD_ENCRYPTION_METHOD_40BIT 0x00000001u
#define RDD_ENCRYPTION_METHOD_128BIT 0x00000002u
#define RDD_ENCRYPTION_METHOD_56BIT 0x00000008u
#define RDD_ENCRYPTION_METHOD_FIPS 0x00000010u

/* SC_SECURITY encryptionLevel. */
#define RDD_ENCRYPTION_LEVEL_NONE 0
#define RDD_ENCRYPTION_LEVEL_LOW 1
#define RDD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE 2
#define RDD_ENCRYPTION_LEVEL_HIGH 3
#define RDD_ENCRYPTION_LEVEL_FIPS 4

/* SC_MULTITRANSPORT flags. */
#define RDD_TRANSPORTTYPE_UDPFECR 0x00000001u
#define RDD_TRANSPORTTYPE_UDPFECL 0x00000004u
#define RDD_TRANSPORTTYPE_UDP_PREFERRED 0x00000100u
#define RDD_SOFTSYNC_TCP_TO_UDP 0x00000200u

/* Server certificate dwVersion ([MS-RDPBCGR] 2.2.1.4.3.1). */
#define RDD_CERT_CHAIN_VERSION_1 1u /* proprietary */
#define RDD_CERT_CHAIN_VERSION_2 2u /* X.509 chain */
#define RDD_CERT_TEMPORARILY_ISSUED 0x80000000u
#define RDD_RSA_MAGIC 0x31415352u /* "RSA1" read little-endian */

/* Static virtual channels: at most 31 ([MS-RDPBCGR] 2.2.1.3.4). */
#define RDD_GCC_MAX_CHANNELS 31
/* X.509 blob lengths kept (NumCertBlobs may be larger). */
#define RDD_GCC_MAX_CERTS 8
/* Longest RSA modulus kept, in bytes (4096 bits). */
#define RDD_GCC_MAX_MODULUS 512
/* serverRandom of SC_SECURITY ([MS-RDPBCGR] 2.2.1.4.3). */
#define RDD_SERVER_RANDOM_LEN 32

/* Bytes CS_CORE is built with: through serverSelectedProtocol. */
#define RDD_CS_CORE_LEN 216

struct rdd_gcc_channel {
	char name[8]; /* up to 7 ASCII characters, NUL-terminated */
	uint32_t options;
};

/*
 * TS_UD_CS_CORE. Strings are ASCII: the builder writes them as UTF-16LE,
 * the parser folds what it reads to ASCII ('?' for anything else).
 * When parsing, an optional field is set only if the block covers it whole
 * (length says how far the client got); the has_ flags tell.
 */
struct rdd_gcc_client_core {
	uint16_t length; /* parsed block length incl. header; builder: 216 */
	uint32_t version;
	uint16_t desktop_width;
	uint16_t desktop_height;
	uint16_t color_depth;
	uint16_t sas_sequence;
	uint32_t keyboard_layout;
	uint32_t client_build;
	char client_name[16];
	uint32_t keyboard_type;
	uint32_t keyboard_subtype;
	uint32_t keyboard_function_key;
	/* Optional fields, in wire order. */
	uint16_t post_beta2_color_depth;
	uint16_t client_product_id;
	uint32_t serial_number;
	uint16_t high_color_depth;
	uint16_t supported_color_depths;
	bool has_early_capability_flags;
	uint16_t early_capability_flags;
	bool has_dig_product_id;
	char dig_product_id[33];
	uint8_t connection_type;
	bool has_server_selected_protocol;
	uint32_t server_selected_protocol;
};

/* The client blocks of a Connect-Initial. Built in the order CS_CORE,
 * CS_CLUSTER, CS_SECURITY, CS_NET (as [MS-RDPBCGR] 4.1.3), each has_ one. */
struct rdd_gcc_client_data {
	bool has_core;
	struct rdd_gcc_client_core core;
	bool has_cluster;
	uint32_t cluster_flags;
	uint32_t redirected_session_id;
	bool has_security;
	uint32_t encryption_methods;
	uint32_t ext_encryption_methods;
	bool has_net;
	uint32_t channel_count; /* channelCount as sent */
	struct rdd_gcc_channel channels[RDD_GCC_MAX_CHANNELS];
	unsigned n_other_blocks; /* parsed blocks of other types */
};

/*
 * Fill CD with what rdpdoctor sends: CS_CORE (RDP 5+ version, 1024x768,
 * client name "rdpdoctor", earlyCapabilityFlags with
 * RNS_UD_CS_SUPPORT_ERRINFO_PDU, serverSelectedProtocol SELECTED - it must
 * equal the RDP_NEG_RSP selectedProtocol), CS_CLUSTER (flags 0x09 as nmap
 * and mstsc), CS_SECURITY with ENCRYPTION_METHODS, and no CS_NET.
 */
void rdd_gcc_client_defaults(struct rdd_gcc_client_data *cd, uint32_t selected,
                             uint32_t encryption_methods);

/*
 * Append CD's blocks to B. Returns 0, or -1 if a block is missing CS_CORE,
 * a name does not fit, there are more than 31 channels, or B is too small.
 */
int rdd_gcc_write_client_blocks(struct rdd_buf *b,
                                const struct rdd_gcc_client_data *cd);

/*
 * Parse the concatenated client blocks that fill IN (the whole of it).
 * Blocks of other types are counted and skipped. Returns 0 and consumes IN,
 * or -1 (IN and CD untouched) when a block is cut short or malformed.
 */
int rdd_gcc_parse_client_blocks(struct rdd_cur *in,
                                struct rdd_gcc_client_data *cd);

enum rdd_gcc_cert_kind {
	RDD_GCC_CERT_NONE,        /* no certificate (Enhanced security) */
	RDD_GCC_CERT_PROPRIETARY, /* CERT_CHAIN_VERSION_1 */
	RDD_GCC_CERT_X509,        /* CERT_CHAIN_VERSION_2 */
	RDD_GCC_CERT_UNKNOWN      /* another dwVersion */
};

/* The server certificate of SC_SECURITY. */
struct rdd_gcc_server_cert {
	enum rdd_gcc_cert_kind kind;
	uint32_t version_raw; /* dwVersion as sent */
	bool temporary;       /* CERT_TEMPORARILY_ISSUED: not permanent */
	/* false: the certificate's own structure is inconsistent (a blob
	 * length past its end, no RSA1 magic, no X.509 blobs). The SC_SECURITY
	 * block as a whole still parsed. */
	bool valid;
	/* Proprietary: PROPRIETARYSERVERCERTIFICATE + RSA_PUBLIC_KEY. */
	uint32_t sig_alg_id; /* 1 SIGNATURE_ALG_RSA */
	uint32_t key_alg_id; /* 1 KEY_EXCHANGE_ALG_RSA */
	uint32_t rsa_keylen; /* modulus bytes incl. 8 bytes of padding */
	uint32_t rsa_bitlen; /* modulus bits */
	uint32_t rsa_exponent;
	uint16_t signature_len;
	/* The proprietary signature checked against the Terminal Services
	 * signing key (rdpsec.h rdd_sec_check_proprietary_signature): 1
	 * good, 0 bad, -1 not checked (not proprietary, or unreadable). */
	int signature_ok;
	/* X.509 chain: root first, the server's (leaf) certificate last. */
	uint32_t n_certs; /* NumCertBlobs; 1 for a proprietary certificate */
	uint32_t cert_len[RDD_GCC_MAX_CERTS];
	bool leaf_parsed;       /* the leaf is DER OpenSSL could read */
	char leaf_subject[256]; /* RFC 2253; untrusted */
	char leaf_issuer[256];  /* RFC 2253; untrusted */
	char leaf_key_type[16]; /* "RSA", "EC", ... */
	int leaf_key_bits;
	uint32_t leaf_rsa_exponent; /* 0 if not RSA or larger than 32 bits */
	/*
	 * The RSA key a client encrypts its random (and the licensing
	 * premaster secret) with: the proprietary key, or the X.509 leaf's
	 * RSA key. The modulus is little-endian, as RDP writes it, without
	 * the 8 zero bytes the proprietary blob appends; has_rsa_key is
	 * false when there is no usable key (not RSA, modulus longer than
	 * RDD_GCC_MAX_MODULUS, exponent wider than 32 bits).
	 */
	bool has_rsa_key;
	uint32_t key_exponent;
	uint32_t key_modulus_len;
	uint8_t key_modulus[RDD_GCC_MAX_MODULUS];
};

/* Everything the server blocks of a Connect-Response said. */
struct rdd_gcc_server_data {
	bool has_core;
	uint16_t core_length; /* 8, 12 or 16: how new the server is */
	uint32_t version;     /* RDD_RDP_VERSION_* */
	bool has_client_requested_protocols;
	uint32_t client_requested_protocols;
	bool has_early_capability_flags;
	uint32_t early_capability_flags;

	bool has_security;
	uint32_t encryption_method;
	uint32_t encryption_level;
	uint32_t server_random_len;
	/* The first 32 bytes of serverRandom (all of it when the length is
	 * 32, the only length [MS-RDPBCGR] allows). */
	uint8_t server_random[RDD_SERVER_RANDOM_LEN];
	uint32_t server_cert_len;
	struct rdd_gcc_server_cert cert;

	bool has_net;
	uint16_t io_channel;
	uint16_t channel_count;                     /* as sent */
	uint16_t channel_ids[RDD_GCC_MAX_CHANNELS]; /* the first ones */

	bool has_msgchannel;
	uint16_t msg_channel;

	bool has_multitransport;
	uint32_t multitransport_flags;

	unsigned n_other_blocks; /* blocks of unknown type, skipped */
};

/*
 * Parse the concatenated server blocks that fill IN. Unknown blocks are
 * skipped; a block whose length runs past the data, or a known block too
 * short for its fixed fields, is malformed. Returns 0 and consumes IN, or
 * -1 with IN and SD untouched.
 */
int rdd_gcc_parse_server_blocks(struct rdd_cur *in,
                                struct rdd_gcc_server_data *sd);

/*
 * Parse a whole SERVER_CERTIFICATE ([MS-RDPBCGR] 2.2.1.4.3.1), the bytes
 * of IN: SC_SECURITY's serverCertificate, or the certificate blob of a
 * licensing LICENSE_REQUEST ([MS-RDPELE] 2.2.2.1). Fills CERT (zeroed
 * first); returns 0 when its structure is consistent (CERT->valid), -1
 * otherwise, with whatever was read kept in CERT. Consumes IN.
 */
int rdd_gcc_parse_server_certificate(struct rdd_cur *in,
                                     struct rdd_gcc_server_cert *cert);

/* "RDP 4.0", "RDP 5.0-8.1", "RDP 10.0" .. "RDP 10.12"; NULL if unknown. */
const char *rdd_rdp_version_name(uint32_t version);
/* "ENCRYPTION_METHOD_128BIT"...; NULL if not one known value. */
const char *rdd_encryption_method_name(uint32_t method);
/* "128-bit RC4", "FIPS 140-1", "none"...; NULL if unknown. */
const char *rdd_encryption_method_desc(uint32_t method);
/* "ENCRYPTION_LEVEL_HIGH"...; NULL if unknown. */
const char *rdd_encryption_level_name(uint32_t level);
/* "None", "Low", "Client Compatible", "High", "FIPS Compliant"; NULL. */
const char *rdd_encryption_level_desc(uint32_t level);
/* "40BIT|128BIT", "NONE" for 0, unknown bits as hex; NUL-terminated. */
char *rdd_encryption_methods_str(char *dst, size_t cap, uint32_t methods);
/* "UDPFECR|UDP_PREFERRED", "none" for 0; NUL-terminated. */
char *rdd_multitransport_str(char *dst, size_t cap, uint32_t flags);

#endif
