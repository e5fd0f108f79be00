/*
 * gateway_hints.c - what an RD Gateway code asks of the gateway's
 * administrator (codes.h, struct rdd_gateway_hint): the fix on the
 * gateway host, the gateway event IDs that carry the evidence, the
 * finding id of issue 23 that will confirm it, and the step of a check
 * through the gateway that would see it.
 *
 * Rows by table and value: the mstsc disconnect reasons 0x3000xxx, the
 * E_PROXY_* HRESULTs and the gateway's event IDs. Facts:
 * shared/reference/gateway.md 3.1 to 3.4 and 9 (its classification
 * rules); where the reference marks the mapping from an mstsc code to its
 * cause as inferred from the message, the hint follows the message.
 */
#include <stddef.h>

#include "rdpdoctor/codes.h"

struct hint_row {
	enum rdd_code_table table;
	uint32_t value;
	struct rdd_gateway_hint hint;
};

/* The fixes several rows share. */
#define FIX_RAP                                                                \
	"RD Gateway Manager > Policies > Resource Authorization Policies: "    \
	"add the user's group and the computer to a RAP under the name the "   \
	"client gives (NetBIOS name, FQDN or IP address: a RAP that lists "    \
	"the FQDN does not match the NetBIOS name), and allow the port."
#define FIX_CAP                                                                \
	"RD Gateway Manager > Policies > Connection Authorization Policies: "  \
	"add the user (and, if the CAP names them, the client computer) to "   \
	"a group the CAP lists, and allow the way the user signs in "          \
	"(password or smart card)."
#define FIX_TARGET                                                             \
	"From the gateway host, test the computer: Test-NetConnection NAME "   \
	"-Port 3389. Make sure Remote Desktop is on there, the user is in "    \
	"Remote Desktop Users, and no firewall between gateway and computer "  \
	"drops the port."
#define FIX_CERT                                                               \
	"Give the gateway a certificate from a CA the clients trust, valid "   \
	"now, whose name (subject or SAN) is the gateway name the clients "    \
	"use: RD Gateway Manager > Properties > SSL Certificate."
#define FIX_AUTH                                                               \
	"The gateway refused the sign-in (HTTP 401): check the account "       \
	"(password, locked, expired) and that mstsc uses the gateway "         \
	"credentials the user means (it reuses the computer's by default)."
#define FIX_SERVICE                                                            \
	"On the gateway host: Get-Service TSGateway (start it); check the "    \
	"gateway's load; behind a load balancer, check its health "            \
	"probes."
#define FIX_REAUTH                                                             \
	"The user was signed in when the session started but no longer "       \
	"passes: see event 309 for which check failed (credentials, CAP, "     \
	"RAP or health) and what changed."
#define FIX_CLOSED                                                             \
	"The gateway's log names who ended the connection: 202 an "            \
	"administrator, 307 a time limit, 309 re-authentication."
#define FIX_TIMEOUT                                                            \
	"RD Gateway Manager > Policies > Connection Authorization Policies "   \
	"> the CAP > Timeouts: raise the idle or session time limit if "       \
	"users need longer."
#define FIX_COOKIE                                                             \
	"Get a fresh connection file or token from the portal that issued "    \
	"it (RD Web or a third-party sign-in); check the sign-in plug-in's "   \
	"log for why it refused the user."
#define FIX_CAPABILITY                                                         \
	"Use a client that supports the gateway's consent and "                \
	"administrative messages, or turn the requirement off: RD Gateway "    \
	"Manager > Properties > Messaging."
#define FIX_NAP                                                                \
	"The CAP requires a health (NAP) check the client fails: make the "    \
	"client compliant, or remove the NAP requirement from the CAP (NAP "   \
	"is deprecated)."
#define FIX_METHOD                                                             \
	"Sign in the way the gateway expects: a gateway with a pluggable "     \
	"sign-in needs its cookie (RD Web or the portal), a plain one a "      \
	"password or smart card as its CAP allows."
#define FIX_LOG                                                                \
	"Read the gateway's TerminalServices-Gateway Operational and Admin "   \
	"logs at the time of the attempt; restart the Remote Desktop Gateway " \
	"service (TSGateway) if it persists."

static const struct hint_row rows[] = {
    /* mstsc disconnect reasons (discReason 0x3000xxx). */
    {RDD_TABLE_DISC,
     0x3000001,
     {FIX_AUTH, "", "gateway-auth-failed", "gateway-http"}},
    {RDD_TABLE_DISC,
     0x3000002,
     {"The gateway certificate's revocation list (CRL) cannot be "
      "reached from the client: publish the CRL where clients reach it, "
      "or use a certificate whose CRL they can.",
      "", "gateway-cert-untrusted", "gateway-tls"}},
    {RDD_TABLE_DISC,
     0x3000003,
     {FIX_CERT, "102 306", "gateway-cert-untrusted", "gateway-tls"}},
    {RDD_TABLE_DISC,
     0x3000004,
     {FIX_CERT, "", "gateway-cert-untrusted", "gateway-tls"}},
    {RDD_TABLE_DISC,
     0x3000005,
     {FIX_CERT, "", "gateway-cert-untrusted", "gateway-tls"}},
    {RDD_TABLE_DISC,
     0x3000006,
     {FIX_CERT, "", "gateway-cert-name-mismatch", "gateway-tls"}},
    {RDD_TABLE_DISC,
     0x3000007,
     {FIX_CERT, "", "gateway-cert-expired", "gateway-tls"}},
    {RDD_TABLE_DISC,
     0x3000008,
     {FIX_LOG, "", "gateway-error", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000009,
     {FIX_SERVICE, "", "gateway-unreachable", "gateway-tls"}},
    {RDD_TABLE_DISC,
     0x300000A,
     {FIX_SERVICE, "", "gateway-unreachable", "gateway-tls"}},
    {RDD_TABLE_DISC,
     0x300000C,
     {"Check the gateway name in the connection (gatewayhostname), its "
      "DNS record, and that TCP 443 reaches the gateway from the "
      "client's network.",
      "", "gateway-unreachable", "gateway-tls"}},
    {RDD_TABLE_DISC,
     0x300000D,
     {FIX_SERVICE, "", "gateway-unavailable", "gateway-http"}},
    {RDD_TABLE_DISC,
     0x300000F,
     {FIX_SERVICE, "", "gateway-unavailable", "gateway-http"}},
    {RDD_TABLE_DISC,
     0x3000018,
     {FIX_CLOSED, "202 307 309", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_DISC,
     0x3000019,
     {FIX_CLOSED, "202", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_DISC,
     0x300001A,
     {FIX_AUTH, "201", "gateway-auth-failed", "gateway-http"}},
    {RDD_TABLE_DISC,
     0x300001B,
     {FIX_RAP, "301", "gateway-resource-policy-denied", "gateway-channel"}},
    {RDD_TABLE_DISC,
     0x300001C,
     {FIX_CAP, "201 305", "gateway-connection-policy-denied",
      "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000021,
     {"The account's password has expired or must be changed: change it "
      "(the gateway's HTTP sign-in cannot), then connect again.",
      "", "gateway-auth-failed", "gateway-http"}},
    {RDD_TABLE_DISC,
     0x3000022,
     {"RD Gateway Manager > Properties > General: raise or remove the "
      "connection limit, or add gateways to the farm.",
      "203", "gateway-max-connections", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000023,
     {FIX_CAPABILITY, "", "gateway-capability-mismatch", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000024,
     {FIX_CAPABILITY, "", "gateway-capability-mismatch", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000025,
     {FIX_CAPABILITY, "", "gateway-capability-mismatch", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000027,
     {FIX_NAP, "204", "gateway-connection-policy-denied", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000028,
     {FIX_CERT, "102 103 306", "gateway-error", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x300002B,
     {FIX_CAP, "201 305", "gateway-connection-policy-denied",
      "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x300002C,
     {FIX_CAP, "201 305", "gateway-connection-policy-denied",
      "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000032,
     {FIX_TIMEOUT, "307", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_DISC,
     0x3000033,
     {FIX_TIMEOUT, "307", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_DISC,
     0x3000034,
     {FIX_COOKIE, "", "gateway-auth-failed", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000035,
     {FIX_COOKIE, "", "gateway-auth-failed", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000037,
     {FIX_METHOD, "305", "gateway-auth-failed", "gateway-tunnel"}},
    {RDD_TABLE_DISC,
     0x3000038,
     {FIX_REAUTH, "309", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_DISC,
     0x3000039,
     {FIX_REAUTH, "309", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_DISC,
     0x300003B,
     {"The gateway requires the computer to exchange policies with it "
      "and the computer cannot: turn that requirement off on the "
      "gateway, or update the computer.",
      "", "gateway-error", "gateway-channel"}},
    {RDD_TABLE_DISC,
     0x3000041,
     {FIX_REAUTH, "309", "gateway-closed", "gateway-channel"}},

    /* E_PROXY_* HRESULTs. */
    {RDD_TABLE_GATEWAY,
     0x800759D8,
     {FIX_LOG, "", "gateway-error", "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759DA,
     {FIX_RAP, "301", "gateway-resource-policy-denied", "gateway-channel"}},
    {RDD_TABLE_GATEWAY,
     0x800759DB,
     {FIX_CAP, "201 305", "gateway-connection-policy-denied",
      "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759DD,
     {FIX_TARGET, "304", "gateway-target-unreachable", "gateway-channel"}},
    {RDD_TABLE_GATEWAY,
     0x800759DF,
     {"It follows an earlier failure: read the gateway's log for the "
      "error before it.",
      "", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_GATEWAY,
     0x800759E6,
     {"RD Gateway Manager > Properties > General: raise or remove the "
      "connection limit, or add gateways to the farm.",
      "203", "gateway-max-connections", "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759E8,
     {"Update the client or the gateway: they do not speak the same "
      "version of the protocol.",
      "", "gateway-capability-mismatch", "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759E9,
     {FIX_CAPABILITY, "", "gateway-capability-mismatch", "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759ED,
     {FIX_NAP, "204", "gateway-connection-policy-denied", "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759EE,
     {FIX_CERT, "102 103 306", "gateway-error", "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759F6,
     {FIX_TIMEOUT, "307", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_GATEWAY,
     0x800759F7,
     {FIX_COOKIE, "", "gateway-auth-failed", "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759F8,
     {FIX_COOKIE, "", "gateway-auth-failed", "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759F9,
     {FIX_METHOD, "305", "gateway-auth-failed", "gateway-tunnel"}},
    {RDD_TABLE_GATEWAY,
     0x800759FA,
     {FIX_REAUTH, "309", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_GATEWAY,
     0x800759FB,
     {FIX_REAUTH, "309", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_GATEWAY,
     0x800759FC,
     {FIX_REAUTH, "309", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_GATEWAY,
     0x800759FD,
     {"The gateway requires the computer to exchange policies with it "
      "and the computer cannot: turn that requirement off on the "
      "gateway, or update the computer.",
      "", "gateway-error", "gateway-channel"}},
    {RDD_TABLE_GATEWAY,
     0x80075A00,
     {FIX_REAUTH, "309", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_GATEWAY,
     0x800704D4,
     {FIX_CLOSED, "202 307 309", "gateway-closed", "gateway-channel"}},

    /* The gateway's event IDs: the refusals and failures. */
    {RDD_TABLE_GW_EVENT, 102, {FIX_CERT, "", "gateway-error", "gateway-tls"}},
    {RDD_TABLE_GW_EVENT,
     103,
     {"certlm.msc > Personal > Certificates > the gateway's certificate "
      "> All Tasks > Manage Private Keys: give NETWORK SERVICE read "
      "access, then restart TSGateway.",
      "", "gateway-error", "gateway-tls"}},
    {RDD_TABLE_GW_EVENT,
     201,
     {FIX_CAP, "", "gateway-connection-policy-denied", "gateway-tunnel"}},
    {RDD_TABLE_GW_EVENT,
     202,
     {FIX_CLOSED, "", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_GW_EVENT,
     203,
     {"RD Gateway Manager > Properties > General: raise or remove the "
      "connection limit, or add gateways to the farm.",
      "", "gateway-max-connections", "gateway-tunnel"}},
    {RDD_TABLE_GW_EVENT,
     204,
     {FIX_NAP, "", "gateway-connection-policy-denied", "gateway-tunnel"}},
    {RDD_TABLE_GW_EVENT,
     210,
     {"Give the load balancer in front of the gateways source-IP or "
      "cookie affinity, so that both HTTP requests of a connection reach "
      "the same gateway.",
      "", "gateway-closed", "gateway-tunnel"}},
    {RDD_TABLE_GW_EVENT,
     301,
     {FIX_RAP, "", "gateway-resource-policy-denied", "gateway-channel"}},
    {RDD_TABLE_GW_EVENT,
     304,
     {FIX_TARGET, "", "gateway-target-unreachable", "gateway-channel"}},
    {RDD_TABLE_GW_EVENT,
     305,
     {FIX_METHOD, "", "gateway-connection-policy-denied", "gateway-tunnel"}},
    {RDD_TABLE_GW_EVENT,
     306,
     {FIX_CERT, "", "gateway-error", "gateway-tunnel"}},
    {RDD_TABLE_GW_EVENT,
     307,
     {FIX_TIMEOUT, "", "gateway-closed", "gateway-channel"}},
    {RDD_TABLE_GW_EVENT,
     309,
     {FIX_REAUTH, "", "gateway-closed", "gateway-channel"}},
};

const struct rdd_gateway_hint *
rdd_code_gateway_hint(const struct rdd_code *c)
{
	size_t i;

	if (c == NULL)
		return NULL;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].table == c->table && rows[i].value == c->value)
			return &rows[i].hint;
	return NULL;
}

size_t
rdd_gateway_hint_count(void)
{
	return sizeof(rows) / sizeof(rows[0]);
}
