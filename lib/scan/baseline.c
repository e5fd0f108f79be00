/*
 * baseline.c - the built-in policy: Microsoft Security Baseline and CIS
 * benchmark values for RDP, NIST and IETF for TLS, and the project's own
 * choices where no document gives a value (said so in the source).
 *
 * Sources (docs/policy.md quotes and discusses each):
 * - CIS Microsoft Windows Server Benchmark, section "Remote Desktop
 *   Services > Remote Desktop Session Host > Security" (its numbering,
 *   18.9.x or 18.10.x, moves between versions: cited by title).
 * - Microsoft Security Baseline for Windows Server (Security Compliance
 *   Toolkit; also Microsoft's "Windows security configuration framework"
 *   level 1 page): "Set client connection encryption level" = High Level,
 *   and "Encryption Oracle Remediation" = Force Updated Clients. The
 *   Microsoft baseline leaves the security layer and NLA at Windows'
 *   defaults (Negotiate; NLA on since Windows 8 / Server 2012): those two
 *   rules cite CIS only.
 * - NIST SP 800-52 Rev. 2, 3.1; RFC 7465; NIST SP 800-131A Rev. 2.
 * - [MS-CSSP] 5.1: version 5 is the revision with the CVE-2018-0886 fix.
 */
#include "scan/baseline.h"
#include "scan/policy.h"

const char rdd_policy_baseline_json[] =
    "{\n"
    "  \"schema\": 1,\n"
    "  \"name\": \"rdpdoctor-baseline\",\n"
    "  \"description\": \"Built-in baseline: Microsoft Security Baseline "
    "and CIS benchmark values for RDP, NIST SP 800-52 Rev. 2 and RFC 7465 "
    "for TLS\",\n"
    "  \"rules\": [\n"
    "    {\"id\": \"nla-required\",\n"
    "     \"title\": \"Network Level Authentication is required\",\n"
    "     \"source\": {\"document\": \"CIS Microsoft Windows Server "
    "Benchmark (Remote Desktop Session Host > Security)\",\n"
    "                \"setting\": \"Require user authentication for remote "
    "connections by using Network Level Authentication = Enabled\"},\n"
    "     \"check\": \"nla_required\"},\n"
    "    {\"id\": \"security-layer-ssl\",\n"
    "     \"title\": \"The security layer is SSL (TLS required)\",\n"
    "     \"source\": {\"document\": \"CIS Microsoft Windows Server "
    "Benchmark (Remote Desktop Session Host > Security)\",\n"
    "                \"setting\": \"Require use of specific security layer "
    "for remote (RDP) connections = Enabled: SSL\"},\n"
    "     \"check\": \"security_layer_in\", \"values\": [\"tls\"]},\n"
    "    {\"id\": \"rdp-security-refused\",\n"
    "     \"title\": \"Standard RDP security is not offered\",\n"
    "     \"source\": {\"document\": \"CIS Microsoft Windows Server "
    "Benchmark (Remote Desktop Session Host > Security)\",\n"
    "                \"setting\": \"Require use of specific security layer "
    "for remote (RDP) connections = Enabled: SSL (native RDP encryption "
    "refused)\"},\n"
    "     \"check\": \"rdp_security_not_offered\"},\n"
    "    {\"id\": \"encryption-level-high\",\n"
    "     \"title\": \"Standard RDP security encrypts at High level or "
    "FIPS\",\n"
    "     \"source\": {\"document\": \"Microsoft Security Baseline for "
    "Windows Server; CIS Microsoft Windows Server Benchmark\",\n"
    "                \"setting\": \"Set client connection encryption level "
    "= Enabled: High Level\"},\n"
    "     \"check\": \"min_encryption_level\", \"level\": \"high\"},\n"
    "    {\"id\": \"tls-1.2-minimum\",\n"
    "     \"title\": \"No TLS version below 1.2 is accepted\",\n"
    "     \"source\": {\"document\": \"NIST SP 800-52 Rev. 2\",\n"
    "                \"setting\": \"3.1 Protocol Version Support: servers "
    "shall be configured to use TLS 1.2, shall not use TLS 1.0, SSL 3.0 or "
    "SSL 2.0, should not use TLS 1.1\"},\n"
    "     \"check\": \"min_tls_version\", \"version\": \"TLSv1.2\"},\n"
    "    {\"id\": \"no-rc4\",\n"
    "     \"title\": \"No RC4 cipher suite is accepted\",\n"
    "     \"source\": {\"document\": \"RFC 7465, Prohibiting RC4 Cipher "
    "Suites\",\n"
    "                \"setting\": \"2: TLS servers MUST NOT select an RC4 "
    "cipher suite\"},\n"
    "     \"check\": \"no_cipher_matching\", \"names_containing\": "
    "[\"_RC4_\"]},\n"
    "    {\"id\": \"no-3des\",\n"
    "     \"title\": \"No 3DES (TDEA) cipher suite is accepted\",\n"
    "     \"source\": {\"document\": \"NIST SP 800-131A Rev. 2\",\n"
    "                \"setting\": \"TDEA encryption: deprecated through "
    "2023, disallowed after December 31, 2023\"},\n"
    "     \"check\": \"no_cipher_matching\", \"names_containing\": "
    "[\"_3DES_\"]},\n"
    "    {\"id\": \"cert-trusted\",\n"
    "     \"title\": \"The TLS certificate chains to a trusted CA\",\n"
    "     \"source\": {\"document\": \"CIS Microsoft Windows Server "
    "Benchmark (note to the security layer setting)\",\n"
    "                \"setting\": \"Server authentication certificate "
    "template: a certificate from your PKI instead of a self-signed "
    "one\"},\n"
    "     \"check\": \"cert_trusted\"},\n"
    "    {\"id\": \"cert-valid-30-days\",\n"
    "     \"title\": \"The TLS certificate is valid for more than 30 "
    "days\",\n"
    "     \"source\": {\"document\": \"rdpdoctor (the project's own "
    "choice)\",\n"
    "                \"setting\": \"30 days: time to renew before clients "
    "refuse an expired certificate\"},\n"
    "     \"check\": \"cert_min_days_left\", \"days\": 30},\n"
    "    {\"id\": \"credssp-patched\",\n"
    "     \"title\": \"CredSSP has the CVE-2018-0886 fix (version 5 or "
    "later)\",\n"
    "     \"source\": {\"document\": \"Microsoft Security Baseline; CIS "
    "Benchmark; [MS-CSSP] 5.1\",\n"
    "                \"setting\": \"Encryption Oracle Remediation = "
    "Enabled: Force Updated Clients (a patched server answers CredSSP "
    "version 5 or later)\"},\n"
    "     \"check\": \"credssp_min_version\", \"version\": 5}\n"
    "  ]\n"
    "}\n";

struct rdd_policy *
rdd_policy_builtin(void)
{
	char err[RDD_POLICY_ERR_MAX];

	return rdd_policy_load_buffer(rdd_policy_baseline_json,
	                              sizeof(rdd_policy_baseline_json) - 1,
	                              "(built-in)", err, sizeof(err));
}
