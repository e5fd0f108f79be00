/*
 * tlshello.c - TLS ClientHello builder and server-flight reader for the
 * enumeration (tlshello.h). ClientHello: RFC 8446 4.1.2 and 4.2 (TLS 1.3
 * as supported_versions over legacy_version 0x0303), RFC 5246 7.4.1.2,
 * RFC 6101 5.6.1.2 (SSL 3.0, no extensions). ServerHello: RFC 8446 4.1.3
 * (HelloRetryRequest by its special random), RFC 5246 7.4.1.3;
 * Certificate: RFC 5246 7.4.2; ServerKeyExchange: RFC 8422 5.4 (ECDHE
 * named_curve) and RFC 5246 7.4.3 (DHE p).
 *
 * The cipher suite table holds every suite of the IANA TLS Cipher Suites
 * registry that SChannel or OpenSSL ever offered, the export, RC4, DES,
 * 3DES, NULL and anonymous ones included, with their IANA names (OpenSSL's
 * TLS1_RFC_* names where it has them, the registry's otherwise).
 */
#include <string.h>

#include "cursor.h"
#include "tlshello.h"
#include "tlsrec.h"

static const struct rdd_tls_suite suites[] = {
    {0x0001, RDD_TLS_INSECURE, "TLS_RSA_WITH_NULL_MD5"},
    {0x0002, RDD_TLS_INSECURE, "TLS_RSA_WITH_NULL_SHA"},
    {0x0003, RDD_TLS_INSECURE, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"},
    {0x0004, RDD_TLS_INSECURE, "TLS_RSA_WITH_RC4_128_MD5"},
    {0x0005, RDD_TLS_INSECURE, "TLS_RSA_WITH_RC4_128_SHA"},
    {0x0006, RDD_TLS_INSECURE, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"},
    {0x0007, RDD_TLS_WEAK, "TLS_RSA_WITH_IDEA_CBC_SHA"},
    {0x0008, RDD_TLS_INSECURE, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"},
    {0x0009, RDD_TLS_INSECURE, "TLS_RSA_WITH_DES_CBC_SHA"},
    {0x000A, RDD_TLS_WEAK, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x000B, RDD_TLS_INSECURE, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA"},
    {0x000C, RDD_TLS_INSECURE, "TLS_DH_DSS_WITH_DES_CBC_SHA"},
    {0x000D, RDD_TLS_WEAK, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA"},
    {0x000E, RDD_TLS_INSECURE, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA"},
    {0x000F, RDD_TLS_INSECURE, "TLS_DH_RSA_WITH_DES_CBC_SHA"},
    {0x0010, RDD_TLS_WEAK, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0011, RDD_TLS_INSECURE, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA"},
    {0x0012, RDD_TLS_INSECURE, "TLS_DHE_DSS_WITH_DES_CBC_SHA"},
    {0x0013, RDD_TLS_WEAK, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"},
    {0x0014, RDD_TLS_INSECURE, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"},
    {0x0015, RDD_TLS_INSECURE, "TLS_DHE_RSA_WITH_DES_CBC_SHA"},
    {0x0016, RDD_TLS_WEAK, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0017, RDD_TLS_INSECURE, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5"},
    {0x0018, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_RC4_128_MD5"},
    {0x0019, RDD_TLS_INSECURE, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA"},
    {0x001A, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_DES_CBC_SHA"},
    {0x001B, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA"},
    {0x002C, RDD_TLS_INSECURE, "TLS_PSK_WITH_NULL_SHA"},
    {0x002D, RDD_TLS_INSECURE, "TLS_DHE_PSK_WITH_NULL_SHA"},
    {0x002E, RDD_TLS_INSECURE, "TLS_RSA_PSK_WITH_NULL_SHA"},
    {0x002F, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_128_CBC_SHA"},
    {0x0030, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_AES_128_CBC_SHA"},
    {0x0031, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_AES_128_CBC_SHA"},
    {0x0032, RDD_TLS_MEDIUM, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"},
    {0x0033, RDD_TLS_MEDIUM, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
    {0x0034, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_AES_128_CBC_SHA"},
    {0x0035, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_256_CBC_SHA"},
    {0x0036, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_AES_256_CBC_SHA"},
    {0x0037, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_AES_256_CBC_SHA"},
    {0x0038, RDD_TLS_MEDIUM, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"},
    {0x0039, RDD_TLS_MEDIUM, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
    {0x003A, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_AES_256_CBC_SHA"},
    {0x003B, RDD_TLS_INSECURE, "TLS_RSA_WITH_NULL_SHA256"},
    {0x003C, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
    {0x003D, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
    {0x003E, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256"},
    {0x003F, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256"},
    {0x0040, RDD_TLS_MEDIUM, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256"},
    {0x0041, RDD_TLS_MEDIUM, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0042, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0043, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0044, RDD_TLS_MEDIUM, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0045, RDD_TLS_MEDIUM, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0046, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0060, RDD_TLS_INSECURE, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5"},
    {0x0061, RDD_TLS_INSECURE, "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5"},
    {0x0062, RDD_TLS_INSECURE, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA"},
    {0x0063, RDD_TLS_INSECURE, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA"},
    {0x0064, RDD_TLS_INSECURE, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA"},
    {0x0065, RDD_TLS_INSECURE, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA"},
    {0x0066, RDD_TLS_INSECURE, "TLS_DHE_DSS_WITH_RC4_128_SHA"},
    {0x0067, RDD_TLS_MEDIUM, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0x0068, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256"},
    {0x0069, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256"},
    {0x006A, RDD_TLS_MEDIUM, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256"},
    {0x006B, RDD_TLS_MEDIUM, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"},
    {0x006C, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_AES_128_CBC_SHA256"},
    {0x006D, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_AES_256_CBC_SHA256"},
    {0x0084, RDD_TLS_MEDIUM, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0085, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0086, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0087, RDD_TLS_MEDIUM, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0088, RDD_TLS_MEDIUM, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0089, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA"},
    {0x008A, RDD_TLS_INSECURE, "TLS_PSK_WITH_RC4_128_SHA"},
    {0x008B, RDD_TLS_WEAK, "TLS_PSK_WITH_3DES_EDE_CBC_SHA"},
    {0x008C, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_128_CBC_SHA"},
    {0x008D, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_256_CBC_SHA"},
    {0x008E, RDD_TLS_INSECURE, "TLS_DHE_PSK_WITH_RC4_128_SHA"},
    {0x008F, RDD_TLS_WEAK, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA"},
    {0x0090, RDD_TLS_MEDIUM, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA"},
    {0x0091, RDD_TLS_MEDIUM, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA"},
    {0x0092, RDD_TLS_INSECURE, "TLS_RSA_PSK_WITH_RC4_128_SHA"},
    {0x0093, RDD_TLS_WEAK, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA"},
    {0x0094, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA"},
    {0x0095, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA"},
    {0x0096, RDD_TLS_MEDIUM, "TLS_RSA_WITH_SEED_CBC_SHA"},
    {0x0097, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_SEED_CBC_SHA"},
    {0x0098, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_SEED_CBC_SHA"},
    {0x0099, RDD_TLS_MEDIUM, "TLS_DHE_DSS_WITH_SEED_CBC_SHA"},
    {0x009A, RDD_TLS_MEDIUM, "TLS_DHE_RSA_WITH_SEED_CBC_SHA"},
    {0x009B, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_SEED_CBC_SHA"},
    {0x009C, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009D, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
    {0x009E, RDD_TLS_STRONG, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009F, RDD_TLS_STRONG, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0x00A0, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256"},
    {0x00A1, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384"},
    {0x00A2, RDD_TLS_STRONG, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"},
    {0x00A3, RDD_TLS_STRONG, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"},
    {0x00A4, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256"},
    {0x00A5, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384"},
    {0x00A6, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_AES_128_GCM_SHA256"},
    {0x00A7, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_AES_256_GCM_SHA384"},
    {0x00A8, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00A9, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_256_GCM_SHA384"},
    {0x00AA, RDD_TLS_STRONG, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00AB, RDD_TLS_STRONG, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384"},
    {0x00AC, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00AD, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384"},
    {0x00AE, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_128_CBC_SHA256"},
    {0x00AF, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_256_CBC_SHA384"},
    {0x00B0, RDD_TLS_INSECURE, "TLS_PSK_WITH_NULL_SHA256"},
    {0x00B1, RDD_TLS_INSECURE, "TLS_PSK_WITH_NULL_SHA384"},
    {0x00B2, RDD_TLS_MEDIUM, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256"},
    {0x00B3, RDD_TLS_MEDIUM, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384"},
    {0x00B4, RDD_TLS_INSECURE, "TLS_DHE_PSK_WITH_NULL_SHA256"},
    {0x00B5, RDD_TLS_INSECURE, "TLS_DHE_PSK_WITH_NULL_SHA384"},
    {0x00B6, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256"},
    {0x00B7, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384"},
    {0x00B8, RDD_TLS_INSECURE, "TLS_RSA_PSK_WITH_NULL_SHA256"},
    {0x00B9, RDD_TLS_INSECURE, "TLS_RSA_PSK_WITH_NULL_SHA384"},
    {0x00BA, RDD_TLS_MEDIUM, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0x00BB, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256"},
    {0x00BC, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0x00BD, RDD_TLS_MEDIUM, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256"},
    {0x00BE, RDD_TLS_MEDIUM, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0x00BF, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256"},
    {0x00C0, RDD_TLS_MEDIUM, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
    {0x00C1, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256"},
    {0x00C2, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
    {0x00C3, RDD_TLS_MEDIUM, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256"},
    {0x00C4, RDD_TLS_MEDIUM, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
    {0x00C5, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256"},
    {0x1301, RDD_TLS_STRONG, "TLS_AES_128_GCM_SHA256"},
    {0x1302, RDD_TLS_STRONG, "TLS_AES_256_GCM_SHA384"},
    {0x1303, RDD_TLS_STRONG, "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304, RDD_TLS_STRONG, "TLS_AES_128_CCM_SHA256"},
    {0x1305, RDD_TLS_STRONG, "TLS_AES_128_CCM_8_SHA256"},
    {0xC001, RDD_TLS_INSECURE, "TLS_ECDH_ECDSA_WITH_NULL_SHA"},
    {0xC002, RDD_TLS_INSECURE, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA"},
    {0xC003, RDD_TLS_WEAK, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA"},
    {0xC004, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xC005, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xC006, RDD_TLS_INSECURE, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"},
    {0xC007, RDD_TLS_INSECURE, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"},
    {0xC008, RDD_TLS_WEAK, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"},
    {0xC009, RDD_TLS_MEDIUM, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xC00A, RDD_TLS_MEDIUM, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xC00B, RDD_TLS_INSECURE, "TLS_ECDH_RSA_WITH_NULL_SHA"},
    {0xC00C, RDD_TLS_INSECURE, "TLS_ECDH_RSA_WITH_RC4_128_SHA"},
    {0xC00D, RDD_TLS_WEAK, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0xC00E, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"},
    {0xC00F, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"},
    {0xC010, RDD_TLS_INSECURE, "TLS_ECDHE_RSA_WITH_NULL_SHA"},
    {0xC011, RDD_TLS_INSECURE, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"},
    {0xC012, RDD_TLS_WEAK, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0xC013, RDD_TLS_MEDIUM, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
    {0xC014, RDD_TLS_MEDIUM, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
    {0xC015, RDD_TLS_INSECURE, "TLS_ECDH_anon_WITH_NULL_SHA"},
    {0xC016, RDD_TLS_INSECURE, "TLS_ECDH_anon_WITH_RC4_128_SHA"},
    {0xC017, RDD_TLS_INSECURE, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA"},
    {0xC018, RDD_TLS_INSECURE, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"},
    {0xC019, RDD_TLS_INSECURE, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA"},
    {0xC01A, RDD_TLS_WEAK, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA"},
    {0xC01B, RDD_TLS_WEAK, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0xC01C, RDD_TLS_WEAK, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA"},
    {0xC01D, RDD_TLS_MEDIUM, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA"},
    {0xC01E, RDD_TLS_MEDIUM, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA"},
    {0xC01F, RDD_TLS_MEDIUM, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA"},
    {0xC020, RDD_TLS_MEDIUM, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA"},
    {0xC021, RDD_TLS_MEDIUM, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA"},
    {0xC022, RDD_TLS_MEDIUM, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA"},
    {0xC023, RDD_TLS_MEDIUM, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xC024, RDD_TLS_MEDIUM, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xC025, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xC026, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xC027, RDD_TLS_MEDIUM, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0xC028, RDD_TLS_MEDIUM, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
    {0xC029, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256"},
    {0xC02A, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384"},
    {0xC02B, RDD_TLS_STRONG, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xC02C, RDD_TLS_STRONG, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xC02D, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xC02E, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xC02F, RDD_TLS_STRONG, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0xC030, RDD_TLS_STRONG, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xC031, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256"},
    {0xC032, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384"},
    {0xC033, RDD_TLS_INSECURE, "TLS_ECDHE_PSK_WITH_RC4_128_SHA"},
    {0xC034, RDD_TLS_WEAK, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA"},
    {0xC035, RDD_TLS_MEDIUM, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA"},
    {0xC036, RDD_TLS_MEDIUM, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA"},
    {0xC037, RDD_TLS_MEDIUM, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256"},
    {0xC038, RDD_TLS_MEDIUM, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384"},
    {0xC039, RDD_TLS_INSECURE, "TLS_ECDHE_PSK_WITH_NULL_SHA"},
    {0xC03A, RDD_TLS_INSECURE, "TLS_ECDHE_PSK_WITH_NULL_SHA256"},
    {0xC03B, RDD_TLS_INSECURE, "TLS_ECDHE_PSK_WITH_NULL_SHA384"},
    {0xC050, RDD_TLS_MEDIUM, "TLS_RSA_WITH_ARIA_128_GCM_SHA256"},
    {0xC051, RDD_TLS_MEDIUM, "TLS_RSA_WITH_ARIA_256_GCM_SHA384"},
    {0xC052, RDD_TLS_STRONG, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256"},
    {0xC053, RDD_TLS_STRONG, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384"},
    {0xC054, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256"},
    {0xC055, RDD_TLS_MEDIUM, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384"},
    {0xC056, RDD_TLS_STRONG, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256"},
    {0xC057, RDD_TLS_STRONG, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384"},
    {0xC058, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256"},
    {0xC059, RDD_TLS_MEDIUM, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384"},
    {0xC05A, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256"},
    {0xC05B, RDD_TLS_INSECURE, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384"},
    {0xC05C, RDD_TLS_STRONG, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"},
    {0xC05D, RDD_TLS_STRONG, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384"},
    {0xC05E, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256"},
    {0xC05F, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384"},
    {0xC060, RDD_TLS_STRONG, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256"},
    {0xC061, RDD_TLS_STRONG, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384"},
    {0xC062, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256"},
    {0xC063, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384"},
    {0xC06A, RDD_TLS_MEDIUM, "TLS_PSK_WITH_ARIA_128_GCM_SHA256"},
    {0xC06B, RDD_TLS_MEDIUM, "TLS_PSK_WITH_ARIA_256_GCM_SHA384"},
    {0xC06C, RDD_TLS_STRONG, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256"},
    {0xC06D, RDD_TLS_STRONG, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384"},
    {0xC06E, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256"},
    {0xC06F, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384"},
    {0xC072, RDD_TLS_MEDIUM, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xC073, RDD_TLS_MEDIUM, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xC074, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xC075, RDD_TLS_MEDIUM, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xC076, RDD_TLS_MEDIUM, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xC077, RDD_TLS_MEDIUM, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xC078, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xC079, RDD_TLS_MEDIUM, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xC094, RDD_TLS_MEDIUM, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xC095, RDD_TLS_MEDIUM, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xC096, RDD_TLS_MEDIUM, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xC097, RDD_TLS_MEDIUM, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xC098, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xC099, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xC09A, RDD_TLS_MEDIUM, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xC09B, RDD_TLS_MEDIUM, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xC09C, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_128_CCM"},
    {0xC09D, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_256_CCM"},
    {0xC09E, RDD_TLS_STRONG, "TLS_DHE_RSA_WITH_AES_128_CCM"},
    {0xC09F, RDD_TLS_STRONG, "TLS_DHE_RSA_WITH_AES_256_CCM"},
    {0xC0A0, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_128_CCM_8"},
    {0xC0A1, RDD_TLS_MEDIUM, "TLS_RSA_WITH_AES_256_CCM_8"},
    {0xC0A2, RDD_TLS_STRONG, "TLS_DHE_RSA_WITH_AES_128_CCM_8"},
    {0xC0A3, RDD_TLS_STRONG, "TLS_DHE_RSA_WITH_AES_256_CCM_8"},
    {0xC0A4, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_128_CCM"},
    {0xC0A5, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_256_CCM"},
    {0xC0A6, RDD_TLS_STRONG, "TLS_DHE_PSK_WITH_AES_128_CCM"},
    {0xC0A7, RDD_TLS_STRONG, "TLS_DHE_PSK_WITH_AES_256_CCM"},
    {0xC0A8, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_128_CCM_8"},
    {0xC0A9, RDD_TLS_MEDIUM, "TLS_PSK_WITH_AES_256_CCM_8"},
    {0xC0AA, RDD_TLS_MEDIUM, "TLS_PSK_DHE_WITH_AES_128_CCM_8"},
    {0xC0AB, RDD_TLS_MEDIUM, "TLS_PSK_DHE_WITH_AES_256_CCM_8"},
    {0xC0AC, RDD_TLS_STRONG, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"},
    {0xC0AD, RDD_TLS_STRONG, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"},
    {0xC0AE, RDD_TLS_STRONG, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"},
    {0xC0AF, RDD_TLS_STRONG, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8"},
    {0xCCA8, RDD_TLS_STRONG, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCA9, RDD_TLS_STRONG, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAA, RDD_TLS_STRONG, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAB, RDD_TLS_MEDIUM, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAC, RDD_TLS_STRONG, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAD, RDD_TLS_STRONG, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAE, RDD_TLS_MEDIUM, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256"},
};

#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

const struct rdd_tls_suite *
rdd_tls_suites(size_t *n)
{
	*n = N_SUITES;
	return suites;
}

const struct rdd_tls_suite *
rdd_tls_suite_find(uint16_t id)
{
	size_t lo = 0, hi = N_SUITES;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (suites[mid].id == id)
			return &suites[mid];
		if (suites[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool
rdd_tls_suite_is_tls13(uint16_t id)
{
	return (id & 0xff00) == 0x1300;
}

bool
rdd_tls_suite_is_ecdhe(uint16_t id)
{
	const struct rdd_tls_suite *s = rdd_tls_suite_find(id);

	return s != NULL && (strncmp(s->name, "TLS_ECDHE_", 10) == 0 ||
	                     strncmp(s->name, "TLS_ECDH_anon_", 14) == 0);
}

bool
rdd_tls_suite_needs_tls12(uint16_t id)
{
	const struct rdd_tls_suite *s = rdd_tls_suite_find(id);
	size_t n;

	if (s == NULL || rdd_tls_suite_is_tls13(id))
		return false;
	n = strlen(s->name);
	return strstr(s->name, "_GCM_") != NULL ||
	       strstr(s->name, "_CCM") != NULL ||
	       strstr(s->name, "CHACHA20") != NULL ||
	       (n > 7 && (strcmp(s->name + n - 7, "_SHA256") == 0 ||
	                  strcmp(s->name + n - 7, "_SHA384") == 0));
}

const char *
rdd_tls_strength_name(enum rdd_tls_strength s)
{
	switch (s) {
	case RDD_TLS_INSECURE:
		return "insecure";
	case RDD_TLS_WEAK:
		return "weak";
	case RDD_TLS_MEDIUM:
		return "medium";
	case RDD_TLS_STRONG:
		return "strong";
	}
	return "unknown";
}

const char *
rdd_tls_version_name(uint16_t v)
{
	switch (v) {
	case RDD_TLS_V_SSL3:
		return "SSLv3";
	case RDD_TLS_V_TLS10:
		return "TLSv1.0";
	case RDD_TLS_V_TLS11:
		return "TLSv1.1";
	case RDD_TLS_V_TLS12:
		return "TLSv1.2";
	case RDD_TLS_V_TLS13:
		return "TLSv1.3";
	default:
		return NULL;
	}
}

/* RFC 8446 4.2.7, RFC 8422 5.1.1, RFC 7027 (brainpool), RFC 7919
 * (ffdhe), draft-ietf-tls-ecdhe-mlkem (X25519MLKEM768). */
static const struct {
	uint16_t id;
	const char *name;
} groups[] = {
    {RDD_TLS_GROUP_X25519, "x25519"},
    {RDD_TLS_GROUP_SECP256R1, "secp256r1"},
    {RDD_TLS_GROUP_SECP384R1, "secp384r1"},
    {RDD_TLS_GROUP_SECP521R1, "secp521r1"},
    {RDD_TLS_GROUP_X448, "x448"},
    {26, "brainpoolP256r1"},
    {27, "brainpoolP384r1"},
    {28, "brainpoolP512r1"},
    {256, "ffdhe2048"},
    {257, "ffdhe3072"},
    {258, "ffdhe4096"},
    {259, "ffdhe6144"},
    {260, "ffdhe8192"},
    {4588, "X25519MLKEM768"},
};

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

const uint16_t *
rdd_tls_groups(size_t *n)
{
	static uint16_t ids[N_GROUPS];

	for (size_t i = 0; i < N_GROUPS; i++)
		ids[i] = groups[i].id;
	*n = N_GROUPS;
	return ids;
}

const char *
rdd_tls_group_name(uint16_t g)
{
	for (size_t i = 0; i < N_GROUPS; i++)
		if (groups[i].id == g)
			return groups[i].name;
	return NULL;
}

/* What a current client offers when no list is given. */
static const uint16_t default_groups[] = {RDD_TLS_GROUP_X25519,
                                          RDD_TLS_GROUP_SECP256R1,
                                          RDD_TLS_GROUP_SECP384R1,
                                          RDD_TLS_GROUP_SECP521R1,
                                          RDD_TLS_GROUP_X448,
                                          256,
                                          257,
                                          258};

/* RFC 8446 4.2.3 and RFC 5246 7.4.1.4.1 (hash, signature) pairs. */
static const uint16_t sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0804, 0x0805,
                                   0x0806, 0x0401, 0x0501, 0x0601, 0x0203,
                                   0x0201, 0x0402, 0x0202};

#define EXT_SERVER_NAME 0
#define EXT_SUPPORTED_GROUPS 10
#define EXT_EC_POINT_FORMATS 11
#define EXT_SIGNATURE_ALGORITHMS 13
#define EXT_EXTENDED_MASTER_SECRET 23
#define EXT_SUPPORTED_VERSIONS 43
#define EXT_KEY_SHARE 51
#define EXT_RENEGOTIATION_INFO 0xff01

static bool
is_ip_literal(const char *s)
{
	bool digits_dots = true;

	for (const char *q = s; *q != '\0'; q++) {
		if (*q == ':')
			return true;
		if (*q != '.' && (*q < '0' || *q > '9'))
			digits_dots = false;
	}
	return digits_dots;
}

static void
ext_begin(struct rdd_buf *b, uint16_t type, size_t *at)
{
	rdd_buf_u16be(b, type);
	*at = b->len;
	rdd_buf_u16be(b, 0);
}

static void
ext_end(struct rdd_buf *b, size_t at)
{
	if (!b->err)
		rdd_buf_put_u16be_at(b, at, (uint16_t)(b->len - at - 2));
}

/*
 * TLSPlaintext(handshake) { ClientHello {
 *   client_version(2) random(32) session_id<0..32>
 *   cipher_suites<2..2^16-2> compression_methods<1..2^8-1>
 *   extensions<0..2^16-1> } }
 */
int
rdd_tls_build_client_hello(struct rdd_buf *b,
                           const struct rdd_tls_hello_params *p)
{
	const uint16_t *gl = p->groups != NULL ? p->groups : default_groups;
	size_t ng = p->groups != NULL
	                ? p->n_groups
	                : sizeof(default_groups) / sizeof(default_groups[0]);
	size_t start = b->len, rec_len, hs_len, exts = 0;
	bool tls13 = p->version == RDD_TLS_V_TLS13;
	bool x25519 = false;

	if (rdd_tls_version_name(p->version) == NULL || p->n_suites == 0 ||
	    p->n_suites > 0x7fff || ng > 0x7fff)
		return -1;
	rdd_buf_u8(b, RDD_TLS_CT_HANDSHAKE);
	rdd_buf_u16be(b, p->version == RDD_TLS_V_SSL3 ? RDD_TLS_V_SSL3
	                                              : RDD_TLS_V_TLS10);
	rec_len = b->len;
	rdd_buf_u16be(b, 0);
	rdd_buf_u8(b, 1); /* client_hello */
	hs_len = b->len;
	rdd_buf_u24be(b, 0);
	rdd_buf_u16be(b, tls13 ? RDD_TLS_V_TLS12 : p->version);
	rdd_buf_bytes(b, p->random, 32);
	if (tls13) { /* RFC 8446 D.4: a non-empty legacy_session_id */
		rdd_buf_u8(b, 32);
		rdd_buf_bytes(b, p->random, 32);
	} else {
		rdd_buf_u8(b, 0);
	}
	rdd_buf_u16be(b, (uint16_t)(p->n_suites * 2));
	for (size_t i = 0; i < p->n_suites; i++)
		rdd_buf_u16be(b, p->suites[i]);
	rdd_buf_u8(b, 1);
	rdd_buf_u8(b, 0); /* null compression */
	if (p->version != RDD_TLS_V_SSL3) {
		size_t e;

		exts = b->len;
		rdd_buf_u16be(b, 0);
		if (p->server_name != NULL && p->server_name[0] != '\0' &&
		    !is_ip_literal(p->server_name) &&
		    strlen(p->server_name) <= 255) {
			size_t n = strlen(p->server_name);

			ext_begin(b, EXT_SERVER_NAME, &e);
			rdd_buf_u16be(b, (uint16_t)(n + 3));
			rdd_buf_u8(b, 0); /* host_name */
			rdd_buf_u16be(b, (uint16_t)n);
			rdd_buf_bytes(b, p->server_name, n);
			ext_end(b, e);
		}
		ext_begin(b, EXT_SUPPORTED_GROUPS, &e);
		rdd_buf_u16be(b, (uint16_t)(ng * 2));
		for (size_t i = 0; i < ng; i++) {
			rdd_buf_u16be(b, gl[i]);
			if (gl[i] == RDD_TLS_GROUP_X25519)
				x25519 = true;
		}
		ext_end(b, e);
		ext_begin(b, EXT_EC_POINT_FORMATS, &e);
		rdd_buf_u8(b, 1);
		rdd_buf_u8(b, 0); /* uncompressed */
		ext_end(b, e);
		if (p->version >= RDD_TLS_V_TLS12) {
			ext_begin(b, EXT_SIGNATURE_ALGORITHMS, &e);
			rdd_buf_u16be(b, (uint16_t)sizeof(sigalgs));
			for (size_t i = 0; i < sizeof(sigalgs) / 2; i++)
				rdd_buf_u16be(b, sigalgs[i]);
			ext_end(b, e);
		}
		ext_begin(b, EXT_EXTENDED_MASTER_SECRET, &e);
		ext_end(b, e);
		if (tls13) {
			ext_begin(b, EXT_SUPPORTED_VERSIONS, &e);
			rdd_buf_u8(b, p->also_older ? 8 : 2);
			rdd_buf_u16be(b, RDD_TLS_V_TLS13);
			if (p->also_older) {
				rdd_buf_u16be(b, RDD_TLS_V_TLS12);
				rdd_buf_u16be(b, RDD_TLS_V_TLS11);
				rdd_buf_u16be(b, RDD_TLS_V_TLS10);
			}
			ext_end(b, e);
			ext_begin(b, EXT_KEY_SHARE, &e);
			if (p->key_share && x25519) {
				rdd_buf_u16be(b, 36);
				rdd_buf_u16be(b, RDD_TLS_GROUP_X25519);
				rdd_buf_u16be(b, 32);
				rdd_buf_bytes(b, p->random, 32);
			} else {
				rdd_buf_u16be(b, 0);
			}
			ext_end(b, e);
		}
		ext_begin(b, EXT_RENEGOTIATION_INFO, &e);
		rdd_buf_u8(b, 0);
		ext_end(b, e);
	}
	if (b->err || b->len - start - 5 > 0x3fff)
		return -1;
	if (exts != 0)
		rdd_buf_put_u16be_at(b, exts, (uint16_t)(b->len - exts - 2));
	rdd_buf_put_u16be_at(b, rec_len, (uint16_t)(b->len - rec_len - 2));
	rdd_buf_put_u24be_at(b, hs_len, (uint32_t)(b->len - hs_len - 3));
	return b->err ? -1 : 0;
}

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest"). */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* ServerHello body; -1 when it does not read. */
static int
parse_server_hello(struct rdd_cur c, struct rdd_tls_flight *f)
{
	uint8_t random[32], sid_len;
	uint16_t ext_len;
	struct rdd_cur exts;

	if (rdd_cur_u16be(&c, &f->legacy_version) != 0 ||
	    rdd_cur_copy(&c, random, 32) != 0 ||
	    rdd_cur_u8(&c, &sid_len) != 0 || sid_len > 32 ||
	    rdd_cur_skip(&c, sid_len) != 0 ||
	    rdd_cur_u16be(&c, &f->suite) != 0 ||
	    rdd_cur_u8(&c, &f->compression) != 0)
		return -1;
	if ((f->legacy_version >> 8) != 3)
		return -1;
	f->version = f->legacy_version;
	f->hrr = memcmp(random, hrr_random, 32) == 0;
	if (rdd_cur_left(&c) == 0)
		return f->hrr ? -1 : 0; /* SSL 3.0 and early TLS: none */
	if (rdd_cur_u16be(&c, &ext_len) != 0 ||
	    rdd_cur_sub(&c, ext_len, &exts) != 0)
		return -1;
	while (rdd_cur_left(&exts) > 0) {
		uint16_t type, len, v;
		struct rdd_cur e;

		if (rdd_cur_u16be(&exts, &type) != 0 ||
		    rdd_cur_u16be(&exts, &len) != 0 ||
		    rdd_cur_sub(&exts, len, &e) != 0)
			return -1;
		if (type == EXT_SUPPORTED_VERSIONS) {
			if (rdd_cur_u16be(&e, &v) != 0)
				return -1;
			f->version = v;
		} else if (type == EXT_KEY_SHARE) {
			/* ServerHello: KeyShareEntry; HRR: selected_group. */
			if (rdd_cur_u16be(&e, &v) != 0)
				return -1;
			f->group = v;
		}
	}
	return 0;
}

/* Certificate (TLS <= 1.2): certificate_list<0..2^24-1> of ASN.1Cert. */
static int
parse_certificate(struct rdd_cur c, struct rdd_tls_flight *f)
{
	uint32_t total, n;
	struct rdd_cur list, cert;

	/* A Certificate message read before this one (a flight may repeat
	 * it) leaves nothing behind: the last one read is the one told. */
	f->n_certs = 0;
	f->cert = NULL;
	f->cert_len = 0;
	if (rdd_cur_u24be(&c, &total) != 0 ||
	    rdd_cur_sub(&c, total, &list) != 0)
		return -1;
	while (rdd_cur_left(&list) > 0) {
		if (rdd_cur_u24be(&list, &n) != 0 ||
		    rdd_cur_sub(&list, n, &cert) != 0)
			return -1;
		if (f->n_certs == 0) {
			f->cert = cert.p;
			f->cert_len = rdd_cur_left(&cert);
		}
		f->n_certs++;
	}
	return 0;
}

/* ServerKeyExchange: ECDHE ECParameters (curve_type 3 = named_curve, then
 * the group) or DHE ServerDHParams (dh_p<1..2^16-1> first). Which one it
 * is follows from the suite; a body that does not read is left alone. */
static void
parse_server_key_exchange(struct rdd_cur c, struct rdd_tls_flight *f)
{
	uint8_t type;
	uint16_t v;

	if (rdd_tls_suite_is_ecdhe(f->suite)) {
		if (rdd_cur_u8(&c, &type) == 0 && type == 3 &&
		    rdd_cur_u16be(&c, &v) == 0)
			f->group = v;
		return;
	}
	if (rdd_cur_u16be(&c, &v) == 0 && v > 0 && v <= rdd_cur_left(&c)) {
		uint8_t lead = 0;
		int bits = v * 8;

		/* Leading zero octets and bits do not count. */
		while (rdd_cur_u8(&c, &lead) == 0 && lead == 0 && bits > 0)
			bits -= 8;
		for (int i = 7; i >= 0 && lead != 0 && !(lead & (1u << i)); i--)
			bits--;
		f->dh_bits = bits > 0 ? bits : 0;
	}
}

#define MAX_RECORD (16384 + 2048)

/* The handshake messages joined so far: 1 when they hold the whole
 * answer (a TLS 1.3 ServerHello or HRR, or a flight to ServerHelloDone),
 * 0 when more are needed, -1 when they do not read. */
static int
messages(const uint8_t *p, size_t len, struct rdd_tls_flight *f,
         bool *have_hello)
{
	struct rdd_cur hs;

	*have_hello = false;
	rdd_cur_init(&hs, p, len);
	while (rdd_cur_left(&hs) > 0) {
		uint8_t type;
		uint32_t n;
		struct rdd_cur body;

		if (rdd_cur_u8(&hs, &type) != 0 ||
		    rdd_cur_u24be(&hs, &n) != 0 ||
		    rdd_cur_sub(&hs, n, &body) != 0)
			return 0; /* a message cut by the end of the records */
		if (!*have_hello) {
			if (type != 2 || parse_server_hello(body, f) != 0)
				return -1;
			*have_hello = true;
			if (f->hrr || f->version == RDD_TLS_V_TLS13)
				return 1;
			continue;
		}
		if (type == 11 && parse_certificate(body, f) != 0)
			return -1;
		if (type == 12)
			parse_server_key_exchange(body, f);
		if (type == 14) {
			f->server_hello_done = true;
			return 1;
		}
	}
	return 0;
}

enum rdd_tls_flight_status
rdd_tls_flight_parse(const uint8_t *p, size_t len, uint8_t *scratch,
                     size_t scratch_cap, struct rdd_tls_flight *out)
{
	struct rdd_tls_flight f;
	struct rdd_cur c;
	struct rdd_buf sb;
	bool have_hello = false, first = true;
	enum rdd_tls_flight_status st = RDD_TLSF_NEED_MORE;

	memset(&f, 0, sizeof(f));
	f.alert_level = -1;
	f.alert_desc = -1;
	rdd_cur_init(&c, p, len);
	rdd_buf_init(&sb, scratch, scratch_cap);
	while (rdd_cur_left(&c) > 0) {
		struct rdd_tlsrec rec;
		struct rdd_cur frag;
		enum rdd_tlsrec_kind k = rdd_tlsrec_peek(c.p, c.len, &rec);
		int m;

		if (k == RDD_TLSREC_NOT_TLS) {
			st = first ? RDD_TLSF_NOT_TLS : RDD_TLSF_MALFORMED;
			break;
		}
		if (k == RDD_TLSREC_NEED_MORE)
			break;
		if (rec.length > MAX_RECORD) {
			st = RDD_TLSF_MALFORMED;
			break;
		}
		if (first)
			f.record_version = rec.version;
		first = false;
		if (rdd_cur_skip(&c, 5) != 0 ||
		    rdd_cur_sub(&c, rec.length, &frag) != 0)
			break;
		if (k == RDD_TLSREC_ALERT) {
			uint8_t lv, ds;

			if (rdd_cur_u8(&frag, &lv) != 0 ||
			    rdd_cur_u8(&frag, &ds) != 0) {
				st = RDD_TLSF_MALFORMED;
				break;
			}
			f.alert_level = lv;
			f.alert_desc = ds;
			st = have_hello ? RDD_TLSF_HELLO : RDD_TLSF_ALERT;
			break;
		}
		if (k != RDD_TLSREC_HANDSHAKE) {
			st =
			    RDD_TLSF_MALFORMED; /* CCS or data before a hello */
			break;
		}
		rdd_buf_bytes(&sb, frag.p, rdd_cur_left(&frag));
		if (sb.err) {
			st = RDD_TLSF_MALFORMED;
			break;
		}
		m = messages(scratch, sb.len, &f, &have_hello);
		if (m != 0) {
			st = m > 0 ? RDD_TLSF_HELLO : RDD_TLSF_MALFORMED;
			break;
		}
	}
	*out = f;
	return st;
}
