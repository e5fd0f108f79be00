/*
 * reader.c - fill a struct rdd_host_state on a Windows server, with Win32
 * calls only (registry, service manager, IP helper, CryptoAPI, security).
 *
 * A value is SET when read, ABSENT when Windows says it does not exist
 * (ERROR_FILE_NOT_FOUND, ERROR_SERVICE_DOES_NOT_EXIST, a store without the
 * certificate) and left UNREADABLE on any other answer: no guess. Under
 * wine (tests/host-wine/) the calls wine stubs answer "not readable" this
 * way; docs/windows-host.md lists them.
 */
#define WIN32_LEAN_AND_MEAN
#define COBJMACROS
#include <winsock2.h>
#include <ws2tcpip.h>

#include <windows.h>

#include <aclapi.h>
#include <iphlpapi.h>
#include <ncrypt.h>
#include <sddl.h>
#include <wbemidl.h>
#include <wincrypt.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "host/win/reader.h"

#define TS L"SYSTEM\\CurrentControlSet\\Control\\Terminal Server"
#define WINSTATIONS TS L"\\WinStations"
#define RDPTCP WINSTATIONS L"\\RDP-Tcp"
#define POLICY L"SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services"
#define CREDSSP                                                                \
	L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\"    \
	L"CredSSP\\Parameters"
#define SCHANNEL_ROOT                                                          \
	L"SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\"
#define SCHANNEL SCHANNEL_ROOT L"Protocols\\"
#define SUITE_POLICY                                                           \
	L"SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\"   \
	L"00010002"
#define FWPOLICY                                                               \
	L"SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\"     \
	L"FirewallPolicy"
#define FWGPO L"SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules"

/* ---- registry ------------------------------------------------------- */

static void
reg_dword(const wchar_t *key, const wchar_t *name, struct rdd_host_dword *d)
{
	DWORD v = 0, cb = sizeof(v);
	LSTATUS rc = RegGetValueW(HKEY_LOCAL_MACHINE, key, name,
	                          RRF_RT_REG_DWORD, NULL, &v, &cb);

	if (rc == ERROR_SUCCESS) {
		d->read = RDD_HOST_SET;
		d->value = v;
	} else if (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND) {
		d->read = RDD_HOST_ABSENT;
	} else {
		d->read = RDD_HOST_UNREADABLE;
	}
}

static void
utf8(const wchar_t *w, char *out, size_t cap)
{
	int n =
	    WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)cap, NULL, NULL);

	if (n <= 0 && cap > 0) {
		/* Too long: cut at a character boundary the slow way. */
		size_t i, o = 0;
		char tmp[8];

		for (i = 0; w[i] != 0; i++) {
			int k =
			    WideCharToMultiByte(CP_UTF8, 0, &w[i], 1, tmp,
			                        (int)sizeof(tmp), NULL, NULL);

			if (k <= 0 || o + (size_t)k >= cap)
				break;
			memcpy(out + o, tmp, (size_t)k);
			o += (size_t)k;
		}
		out[o] = '\0';
	}
}

/* KEY\NAME, REG_SZ or REG_MULTI_SZ joined with ",", into BUF (CAP wide
 * characters, terminated): ERROR_SUCCESS, or RegGetValueW's error
 * (ERROR_MORE_DATA when it does not fit). */
static LSTATUS
reg_joined(const wchar_t *key, const wchar_t *name, wchar_t *buf, DWORD cap)
{
	DWORD cb = (cap - 2) * sizeof(wchar_t), type = 0, i, n;
	LSTATUS rc;

	memset(buf, 0, cap * sizeof(wchar_t));
	rc = RegGetValueW(HKEY_LOCAL_MACHINE, key, name,
	                  RRF_RT_REG_SZ | RRF_RT_REG_MULTI_SZ, &type, buf, &cb);
	if (rc != ERROR_SUCCESS)
		return rc;
	n = cb / sizeof(wchar_t);
	if (type == REG_MULTI_SZ) {
		/* "a\0b\0\0" -> "a,b" */
		while (n > 0 && buf[n - 1] == 0)
			n--;
		for (i = 0; i < n; i++)
			if (buf[i] == 0)
				buf[i] = L',';
		buf[n] = 0;
	}
	return ERROR_SUCCESS;
}

/* REG_SZ, or REG_MULTI_SZ joined with ",". */
static void
reg_str(const wchar_t *key, const wchar_t *name, struct rdd_host_str *s)
{
	wchar_t buf[512];
	LSTATUS rc = reg_joined(key, name, buf, sizeof(buf) / sizeof(buf[0]));

	if (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND) {
		s->read = RDD_HOST_ABSENT;
		return;
	}
	if (rc != ERROR_SUCCESS) {
		s->read = RDD_HOST_UNREADABLE;
		return;
	}
	utf8(buf, s->value, sizeof(s->value));
	s->read = RDD_HOST_SET;
}

/*
 * The cipher suite order: REG_SZ comma list or REG_MULTI_SZ, joined with
 * ",". Longer than the state holds: left unreadable, never cut (a cut
 * list could lose the one usable suite).
 */
static void
reg_suites(const wchar_t *key, const wchar_t *name, struct rdd_host_suites *s)
{
	static wchar_t buf[4096];
	LSTATUS rc = reg_joined(key, name, buf, sizeof(buf) / sizeof(buf[0]));
	int k;

	if (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND) {
		s->read = RDD_HOST_ABSENT;
		return;
	}
	if (rc != ERROR_SUCCESS)
		return; /* ERROR_MORE_DATA too: unreadable */
	k = WideCharToMultiByte(CP_UTF8, 0, buf, -1, s->value,
	                        (int)sizeof(s->value), NULL, NULL);
	if (k <= 0) {
		s->value[0] = '\0';
		return; /* too long for the state */
	}
	s->read = RDD_HOST_SET;
}

static void
hex20(const BYTE *b, char out[41])
{
	static const char digits[] = "0123456789ABCDEF";
	int i;

	for (i = 0; i < 20; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[40] = '\0';
}

static void
reg_thumb(const wchar_t *key, const wchar_t *name, struct rdd_host_thumb *t)
{
	BYTE b[64];
	DWORD cb = sizeof(b);
	LSTATUS rc = RegGetValueW(HKEY_LOCAL_MACHINE, key, name,
	                          RRF_RT_REG_BINARY, NULL, b, &cb);

	if (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND) {
		t->read = RDD_HOST_ABSENT;
	} else if (rc == ERROR_SUCCESS && cb == 20) {
		hex20(b, t->hex);
		t->read = RDD_HOST_SET;
	} else {
		t->read = RDD_HOST_UNREADABLE; /* not 20 bytes: not a SHA-1 */
	}
}

/* ---- services and the listening socket ------------------------------ */

static enum rdd_host_service
svc_state(SC_HANDLE svc)
{
	SERVICE_STATUS ss;

	if (!QueryServiceStatus(svc, &ss))
		return RDD_HOST_SVC_UNREADABLE;
	switch (ss.dwCurrentState) {
	case SERVICE_STOPPED:
		return RDD_HOST_SVC_STOPPED;
	case SERVICE_RUNNING:
		return RDD_HOST_SVC_RUNNING;
	default:
		return RDD_HOST_SVC_PENDING;
	}
}

/* The state and start type of the dependency NAME. */
static void
read_dep(SC_HANDLE scm, const wchar_t *name, struct rdd_host_dep *dp)
{
	static BYTE cfgbuf[8192];
	QUERY_SERVICE_CONFIGW *cfg = (QUERY_SERVICE_CONFIGW *)cfgbuf;
	SC_HANDLE svc;
	DWORD need;

	utf8(name, dp->name, sizeof(dp->name));
	if (name[0] == SC_GROUP_IDENTIFIERW)
		return; /* a load-order group: its members are not read */
	svc = OpenServiceW(scm, name,
	                   SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
	if (svc == NULL) {
		if (GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST)
			dp->state = RDD_HOST_SVC_ABSENT;
		return;
	}
	dp->state = svc_state(svc);
	if (QueryServiceConfigW(svc, cfg, sizeof(cfgbuf), &need)) {
		dp->start.read = RDD_HOST_SET;
		dp->start.value = cfg->dwStartType;
	}
	CloseServiceHandle(svc);
}

static void
read_service(struct rdd_host_state *st)
{
	SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), svc;
	static BYTE cfgbuf[8192];
	QUERY_SERVICE_CONFIGW *cfg = (QUERY_SERVICE_CONFIGW *)cfgbuf;
	DWORD need;

	if (scm == NULL)
		return;
	svc = OpenServiceW(scm, L"TermService",
	                   SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
	if (svc == NULL) {
		if (GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST)
			st->termservice = RDD_HOST_SVC_ABSENT;
		CloseServiceHandle(scm);
		return;
	}
	st->termservice = svc_state(svc);
	if (QueryServiceConfigW(svc, cfg, sizeof(cfgbuf), &need)) {
		const wchar_t *d = cfg->lpDependencies;
		const BYTE *end = cfgbuf + sizeof(cfgbuf);
		size_t guard = 0;

		st->termservice_start.read = RDD_HOST_SET;
		st->termservice_start.value = cfg->dwStartType;
		/* wine's service manager answers no lpDependencies at all
		 * (a TODO in programs/services/rpc.c): then the list comes
		 * from the value it is loaded from, which Windows keeps the
		 * same. */
		if (d == NULL || *d == 0) {
			static wchar_t reg[1024];
			DWORD cb = sizeof(reg) - 2 * sizeof(wchar_t);

			memset(reg, 0, sizeof(reg));
			d = RegGetValueW(
			        HKEY_LOCAL_MACHINE,
			        L"SYSTEM\\CurrentControlSet\\Services\\"
			        L"TermService",
			        L"DependOnService", RRF_RT_REG_MULTI_SZ, NULL,
			        reg, &cb) == ERROR_SUCCESS
			        ? reg
			        : NULL;
			end = (const BYTE *)reg + sizeof(reg);
		}
		/* "RpcSs\0TermDD\0\0" */
		st->termservice_deps_read = RDD_HOST_SET;
		while (d != NULL && (const BYTE *)d < end && *d != 0 &&
		       st->n_termservice_deps < RDD_HOST_DEPS && guard++ < 64) {
			read_dep(
			    scm, d,
			    &st->termservice_deps[st->n_termservice_deps++]);
			d += wcsnlen(d, (size_t)(end - (const BYTE *)d) /
			                    sizeof(wchar_t)) +
			     1;
		}
	}
	CloseServiceHandle(svc);
	CloseServiceHandle(scm);
}

/* 1 a listening row on PORT, 0 none, -1 the table could not be read. */
static int
listens(ULONG family, unsigned port)
{
	DWORD size = 0, i, n;
	BYTE *buf = NULL;
	int found = 0, tries;

	for (tries = 0; tries < 4; tries++) {
		DWORD rc = GetExtendedTcpTable(buf, &size, FALSE, family,
		                               TCP_TABLE_OWNER_PID_LISTENER, 0);

		if (rc == NO_ERROR)
			break;
		HeapFree(GetProcessHeap(), 0, buf);
		buf = NULL;
		if (rc != ERROR_INSUFFICIENT_BUFFER)
			return -1;
		size += 1024; /* the table may grow between the calls */
		buf = HeapAlloc(GetProcessHeap(), 0, size);
		if (buf == NULL)
			return -1;
	}
	if (buf == NULL)
		return -1;
	if (family == AF_INET) {
		MIB_TCPTABLE_OWNER_PID *t = (MIB_TCPTABLE_OWNER_PID *)buf;

		n = t->dwNumEntries;
		for (i = 0; i < n; i++)
			found |=
			    ntohs((u_short)t->table[i].dwLocalPort) == port;
	} else {
		MIB_TCP6TABLE_OWNER_PID *t = (MIB_TCP6TABLE_OWNER_PID *)buf;

		n = t->dwNumEntries;
		for (i = 0; i < n; i++)
			found |=
			    ntohs((u_short)t->table[i].dwLocalPort) == port;
	}
	HeapFree(GetProcessHeap(), 0, buf);
	return found;
}

static void
read_listening(struct rdd_host_state *st)
{
	unsigned port = 3389;
	int v4, v6;

	if (st->port.read == RDD_HOST_SET)
		port = st->port.value;
	else if (st->port.read != RDD_HOST_ABSENT)
		return;
	v4 = listens(AF_INET, port);
	v6 = listens(AF_INET6, port);
	if (v4 == 1 || v6 == 1) {
		st->listening.read = RDD_HOST_SET;
		st->listening.value = 1;
	} else if (v4 == 0 && v6 == 0) {
		st->listening.read = RDD_HOST_SET;
		st->listening.value = 0;
	}
}

/* ---- firewall ------------------------------------------------------- */

/* Keep the rules of KEY that can concern RDP. Returns 0, or -1 when the
 * key exists but cannot be read. */
static int
fw_rules_of(const wchar_t *key, struct rdd_host_state *st, unsigned port)
{
	HKEY h;
	DWORD i, nlen, cb, type;
	wchar_t name[256], data[1024];
	char rule[sizeof(st->firewall_rules[0].rule)];
	LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_READ, &h);

	if (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND)
		return 0;
	if (rc != ERROR_SUCCESS)
		return -1;
	for (i = 0; st->n_firewall_rules < RDD_HOST_FW_RULES && i < 100000;
	     i++) {
		nlen = sizeof(name) / sizeof(name[0]);
		cb = sizeof(data) - sizeof(wchar_t);
		memset(data, 0, sizeof(data));
		rc = RegEnumValueW(h, i, name, &nlen, NULL, &type, (BYTE *)data,
		                   &cb);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		if (rc != ERROR_SUCCESS || type != REG_SZ)
			continue; /* too long or not a rule: not RDP's */
		utf8(data, rule, sizeof(rule));
		/* The built-in group, and whatever lets the port in. */
		if (_wcsnicmp(name, L"RemoteDesktop-", 14) != 0 &&
		    rdd_host_fw_rule_allows(rule, port) != 1)
			continue;
		utf8(name, st->firewall_rules[st->n_firewall_rules].id,
		     sizeof(st->firewall_rules[0].id));
		utf8(data, st->firewall_rules[st->n_firewall_rules].rule,
		     sizeof(st->firewall_rules[0].rule));
		st->n_firewall_rules++;
	}
	RegCloseKey(h);
	return 0;
}

static void
read_firewall(struct rdd_host_state *st)
{
	static const wchar_t *const profiles[3] = {
	    FWPOLICY L"\\DomainProfile", FWPOLICY L"\\StandardProfile",
	    FWPOLICY L"\\PublicProfile"};
	unsigned port = st->port.read == RDD_HOST_SET ? st->port.value : 3389;
	int i;

	for (i = 0; i < 3; i++)
		reg_dword(profiles[i], L"EnableFirewall",
		          &st->firewall_profile[i]);
	if (fw_rules_of(FWPOLICY L"\\FirewallRules", st, port) == 0 &&
	    fw_rules_of(FWGPO, st, port) == 0)
		st->firewall_rules_read = RDD_HOST_SET;
	else
		st->n_firewall_rules = 0;
}

/* ---- the certificate and its key ------------------------------------ */

static void
hresult(DWORD e, char *out, size_t cap)
{
	snprintf(out, cap, "0x%08lX", (unsigned long)e);
}

/*
 * The MachineKeys file name of a CAPI container: MD5 of the lower-case
 * name and one NUL byte, printed as four little-endian 32-bit words, "_",
 * the MachineGuid. Returns 0, or -1.
 */
int
rdd_host_win_key_file_name(const wchar_t *container, wchar_t *out, size_t cap)
{
	HCRYPTPROV prov;
	HCRYPTHASH hash;
	BYTE in[260], md5[16];
	DWORD n = 0, cb = sizeof(md5);
	wchar_t guid[64];
	DWORD gcb = sizeof(guid);
	int i, ok = -1;

	for (; container[n] != 0; n++) {
		if (n + 1 >= sizeof(in) || container[n] > 0x7f)
			return -1; /* ASCII names only, as Windows' hash */
		in[n] = (BYTE)towlower(container[n]);
	}
	in[n++] = 0;
	if (RegGetValueW(HKEY_LOCAL_MACHINE,
	                 L"SOFTWARE\\Microsoft\\Cryptography", L"MachineGuid",
	                 RRF_RT_REG_SZ, NULL, guid, &gcb) != ERROR_SUCCESS)
		guid[0] = 0;
	if (!CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_FULL,
	                          CRYPT_VERIFYCONTEXT | CRYPT_SILENT))
		return -1;
	if (CryptCreateHash(prov, CALG_MD5, 0, 0, &hash)) {
		if (CryptHashData(hash, in, n, 0) &&
		    CryptGetHashParam(hash, HP_HASHVAL, md5, &cb, 0) &&
		    cb == 16) {
			wchar_t *p = out;

			for (i = 0; i < 4; i++, p += 8)
				swprintf(
				    p, 9, L"%08x",
				    (unsigned)(md5[4 * i] |
				               md5[4 * i + 1] << 8 |
				               md5[4 * i + 2] << 16 |
				               (unsigned)md5[4 * i + 3] << 24));
			ok = swprintf(p, cap - 32, L"_%ls", guid) > 0 ? 0 : -1;
		}
		CryptDestroyHash(hash);
	}
	CryptReleaseContext(prov, 0);
	return ok;
}

/*
 * Does the DACL of the key file PATH let NETWORK SERVICE read it? Sets
 * *OUT (SET 1 / SET 0); left unreadable when the file's DACL cannot be
 * read. One ACE walk for CAPI and CNG key files.
 */
static void
file_network_service_read(const wchar_t *path, struct rdd_host_dword *out)
{
	PACL dacl = NULL;
	PSECURITY_DESCRIPTOR sd = NULL;
	ACL_SIZE_INFORMATION info;
	PSID ns = NULL, every = NULL, auth = NULL;
	DWORD allow = 0, deny = 0, i;
	SID_IDENTIFIER_AUTHORITY nt = {SECURITY_NT_AUTHORITY};
	SID_IDENTIFIER_AUTHORITY world = {SECURITY_WORLD_SID_AUTHORITY};

	/* A missing file leaves it unreadable: wine keeps keys in the
	 * registry, and a key that opened has a file on Windows. */
	if (GetNamedSecurityInfoW(path, SE_FILE_OBJECT,
	                          DACL_SECURITY_INFORMATION, NULL, NULL, &dacl,
	                          NULL, &sd) != ERROR_SUCCESS)
		return;
	if (dacl == NULL) { /* no DACL: everyone has every right */
		out->read = RDD_HOST_SET;
		out->value = 1;
		LocalFree(sd);
		return;
	}
	AllocateAndInitializeSid(&nt, 1, SECURITY_NETWORK_SERVICE_RID, 0, 0, 0,
	                         0, 0, 0, 0, &ns);
	AllocateAndInitializeSid(&nt, 1, SECURITY_AUTHENTICATED_USER_RID, 0, 0,
	                         0, 0, 0, 0, 0, &auth);
	AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0,
	                         0, 0, &every);
	/* GetEffectiveRightsFromAclW is a stub in wine: walk the ACEs. */
	if (ns != NULL && every != NULL && auth != NULL &&
	    GetAclInformation(dacl, &info, sizeof(info), AclSizeInformation)) {
		for (i = 0; i < info.AceCount; i++) {
			ACE_HEADER *h;
			PSID sid;
			ACCESS_MASK m;

			if (!GetAce(dacl, i, (void **)&h))
				continue;
			if (h->AceType == ACCESS_ALLOWED_ACE_TYPE) {
				m = ((ACCESS_ALLOWED_ACE *)h)->Mask;
				sid = &((ACCESS_ALLOWED_ACE *)h)->SidStart;
			} else if (h->AceType == ACCESS_DENIED_ACE_TYPE) {
				m = ((ACCESS_DENIED_ACE *)h)->Mask;
				sid = &((ACCESS_DENIED_ACE *)h)->SidStart;
			} else {
				continue;
			}
			if (h->AceFlags & INHERIT_ONLY_ACE)
				continue;
			if (!EqualSid(sid, ns) && !EqualSid(sid, every) &&
			    !EqualSid(sid, auth))
				continue;
			if (m & (GENERIC_READ | GENERIC_ALL))
				m |= FILE_READ_DATA;
			if (h->AceType == ACCESS_ALLOWED_ACE_TYPE)
				allow |= m;
			else
				deny |= m;
		}
		out->read = RDD_HOST_SET;
		out->value =
		    (allow & FILE_READ_DATA) && !(deny & FILE_READ_DATA);
	}
	FreeSid(ns);
	FreeSid(auth);
	FreeSid(every);
	LocalFree(sd);
}

/* The CAPI machine key file of CONTAINER: Crypto\RSA\MachineKeys. */
static void
key_acl(const wchar_t *container, struct rdd_host_cert *ct)
{
	wchar_t name[128], path[MAX_PATH], pd[MAX_PATH];

	if (rdd_host_win_key_file_name(container, name, 128) != 0 ||
	    GetEnvironmentVariableW(L"ProgramData", pd, MAX_PATH) == 0)
		return;
	swprintf(path, MAX_PATH,
	         L"%ls\\Microsoft\\Crypto\\RSA\\MachineKeys\\%ls", pd, name);
	if (GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES)
		snprintf(ct->key_directory, sizeof(ct->key_directory), "%s",
		         "MachineKeys");
	file_network_service_read(path, &ct->key_network_service_read);
}

/* The CNG machine key K: its unique name is its file name, in
 * Crypto\Keys or (keys of LocalSystem) Crypto\SystemKeys. */
static void
cng_key_acl(NCRYPT_KEY_HANDLE k, struct rdd_host_cert *ct)
{
	static const wchar_t *const dirs[2] = {L"Keys", L"SystemKeys"};
	wchar_t unique[MAX_PATH], path[MAX_PATH], pd[MAX_PATH];
	DWORD cb = 0;
	int i;

	memset(unique, 0, sizeof(unique));
	if (NCryptGetProperty(k, NCRYPT_UNIQUE_NAME_PROPERTY, (PBYTE)unique,
	                      sizeof(unique) - sizeof(wchar_t), &cb,
	                      0) != ERROR_SUCCESS ||
	    unique[0] == 0 || wcschr(unique, L'\\') != NULL ||
	    GetEnvironmentVariableW(L"ProgramData", pd, MAX_PATH) == 0)
		return;
	for (i = 0; i < 2; i++) {
		if (swprintf(path, MAX_PATH,
		             L"%ls\\Microsoft\\Crypto\\%ls\\%ls", pd, dirs[i],
		             unique) < 0 ||
		    GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)
			continue;
		utf8(dirs[i], ct->key_directory, sizeof(ct->key_directory));
		file_network_service_read(path, &ct->key_network_service_read);
		return;
	}
}

static void
read_key(PCCERT_CONTEXT c, struct rdd_host_cert *ct)
{
	BYTE buf[2048];
	CRYPT_KEY_PROV_INFO *kp = (CRYPT_KEY_PROV_INFO *)buf;
	DWORD cb = sizeof(buf);

	if (!CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID,
	                                       buf, &cb)) {
		if (GetLastError() == (DWORD)CRYPT_E_NOT_FOUND)
			ct->key = RDD_HOST_KEY_NOT_LINKED;
		return;
	}
	if (kp->pwszContainerName == NULL)
		return;
	utf8(kp->pwszContainerName, ct->key_container,
	     sizeof(ct->key_container));
	if (kp->dwProvType == 0) {
		/* CNG. NCryptOpenKey is a stub in wine (NTE_NOT_SUPPORTED):
		 * then the key stays unreadable. */
		NCRYPT_PROV_HANDLE p;
		NCRYPT_KEY_HANDLE k;
		SECURITY_STATUS s =
		    NCryptOpenStorageProvider(&p, kp->pwszProvName, 0);

		if (s != ERROR_SUCCESS)
			return;
		/* CERT_NCRYPT_KEY_SPEC is no legacy key spec: pass 0. */
		s = NCryptOpenKey(
		    p, &k, kp->pwszContainerName,
		    kp->dwKeySpec == CERT_NCRYPT_KEY_SPEC ? 0 : kp->dwKeySpec,
		    kp->dwFlags & NCRYPT_MACHINE_KEY_FLAG);
		if (s == ERROR_SUCCESS) {
			ct->key = RDD_HOST_KEY_PRESENT;
			if (kp->dwFlags & NCRYPT_MACHINE_KEY_FLAG)
				cng_key_acl(k, ct);
			NCryptFreeObject(k);
		} else if (s == NTE_BAD_KEYSET || s == NTE_NO_KEY) {
			ct->key = RDD_HOST_KEY_MISSING;
			hresult((DWORD)s, ct->key_error, sizeof(ct->key_error));
		}
		NCryptFreeObject(p);
		return;
	}
	/* CAPI. CryptAcquireCertificatePrivateKey would do this in one call
	 * but wine 8 opens machine keys without CRYPT_MACHINE_KEYSET and
	 * fails (0x8009200B); this path works on both. */
	{
		HCRYPTPROV p;
		HCRYPTKEY k;
		DWORD e;

		if (!CryptAcquireContextW(&p, kp->pwszContainerName,
		                          kp->pwszProvName, kp->dwProvType,
		                          (kp->dwFlags & CRYPT_MACHINE_KEYSET) |
		                              CRYPT_SILENT)) {
			e = GetLastError();
			if (e == (DWORD)NTE_BAD_KEYSET ||
			    e == (DWORD)NTE_KEYSET_NOT_DEF) {
				ct->key = RDD_HOST_KEY_MISSING;
				hresult(e, ct->key_error,
				        sizeof(ct->key_error));
			}
			return;
		}
		if (CryptGetUserKey(p, kp->dwKeySpec, &k)) {
			ct->key = RDD_HOST_KEY_PRESENT;
			CryptDestroyKey(k);
		} else if ((e = GetLastError()) == (DWORD)NTE_NO_KEY) {
			ct->key = RDD_HOST_KEY_MISSING;
			hresult(e, ct->key_error, sizeof(ct->key_error));
		}
		CryptReleaseContext(p, 0);
		if (ct->key == RDD_HOST_KEY_PRESENT &&
		    (kp->dwFlags & CRYPT_MACHINE_KEYSET))
			key_acl(kp->pwszContainerName, ct);
	}
}

static void
read_eku(PCCERT_CONTEXT c, struct rdd_host_cert *ct)
{
	BYTE buf[4096];
	CERT_ENHKEY_USAGE *u = (CERT_ENHKEY_USAGE *)buf;
	DWORD cb = sizeof(buf), i;

	if (!CertGetEnhancedKeyUsage(c, 0, u, &cb))
		return;
	ct->server_auth.read = RDD_HOST_SET;
	/* No EKU at all means any purpose. */
	ct->server_auth.value = u->cUsageIdentifier == 0;
	for (i = 0; i < u->cUsageIdentifier; i++)
		if (strcmp(u->rgpszUsageIdentifier[i],
		           szOID_PKIX_KP_SERVER_AUTH) == 0 ||
		    strcmp(u->rgpszUsageIdentifier[i],
		           "1.3.6.1.4.1.311.54.1.2") == 0)
			ct->server_auth.value = 1;
}

/* 1 found (filled in), 0 not in STORE, -1 the store could not be read. */
static int
find_in(const wchar_t *store, const char *thumb, struct rdd_host_cert *ct)
{
	HCERTSTORE h = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
	                             CERT_SYSTEM_STORE_LOCAL_MACHINE |
	                                 CERT_STORE_OPEN_EXISTING_FLAG |
	                                 CERT_STORE_READONLY_FLAG,
	                             store);
	CRYPT_HASH_BLOB blob;
	BYTE hash[20];
	PCCERT_CONTEXT c;
	wchar_t subj[128];
	ULARGE_INTEGER t;
	int i;

	if (h == NULL)
		return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : -1;
	for (i = 0; i < 20; i++) {
		unsigned v;

		sscanf(thumb + 2 * i, "%2x", &v);
		hash[i] = (BYTE)v;
	}
	blob.cbData = 20;
	blob.pbData = hash;
	c = CertFindCertificateInStore(h,
	                               X509_ASN_ENCODING | PKCS_7_ASN_ENCODING,
	                               0, CERT_FIND_SHA1_HASH, &blob, NULL);
	if (c == NULL) {
		CertCloseStore(h, 0);
		return 0;
	}
	ct->read = RDD_HOST_SET;
	utf8(store, ct->store, sizeof(ct->store));
	if (CertGetNameStringW(c, CERT_NAME_SIMPLE_DISPLAY_TYPE, 0, NULL, subj,
	                       128) > 1)
		utf8(subj, ct->subject, sizeof(ct->subject));
	t.LowPart = c->pCertInfo->NotAfter.dwLowDateTime;
	t.HighPart = c->pCertInfo->NotAfter.dwHighDateTime;
	ct->has_not_after = true;
	ct->not_after =
	    (int64_t)((t.QuadPart - 116444736000000000ULL) / 10000000ULL);
	read_eku(c, ct);
	read_key(c, ct);
	CertFreeCertificateContext(c);
	CertCloseStore(h, 0);
	return 1;
}

static void
read_cert(struct rdd_host_state *st)
{
	struct rdd_host_cert *ct = &st->cert;
	wchar_t store[64];
	DWORD cb = sizeof(store);
	int a = 0, b = 0;

	if (st->configured_cert.read == RDD_HOST_SET) {
		snprintf(ct->thumbprint, sizeof(ct->thumbprint), "%s",
		         st->configured_cert.hex);
		a = find_in(L"MY", ct->thumbprint, ct);
		if (a == 0)
			b = find_in(L"Remote Desktop", ct->thumbprint, ct);
	} else if (st->configured_cert.read == RDD_HOST_ABSENT &&
	           st->self_signed_cert.read == RDD_HOST_SET) {
		if (RegGetValueW(HKEY_LOCAL_MACHINE, WINSTATIONS,
		                 L"SelfSignedCertStore", RRF_RT_REG_SZ, NULL,
		                 store, &cb) != ERROR_SUCCESS)
			wcscpy(store, L"Remote Desktop");
		snprintf(ct->thumbprint, sizeof(ct->thumbprint), "%s",
		         st->self_signed_cert.hex);
		a = find_in(store, ct->thumbprint, ct);
	} else {
		return;
	}
	if (a == 0 && b == 0)
		ct->read = RDD_HOST_ABSENT;
}

/* ---- licensing: the grace period ------------------------------------ */

/*
 * RCM\GracePeriod holds the "timebomb" value (L$RTMTIMEBOMB_<guid>). Its
 * bytes are not decoded (the layout is not documented); only whether it
 * is there. Windows protects the key: access denied leaves it unreadable.
 */
static void
read_grace_key(struct rdd_host_state *st)
{
	HKEY h;
	wchar_t name[128];
	DWORD i, n;
	LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, TS L"\\RCM\\GracePeriod",
	                           0, KEY_QUERY_VALUE, &h);

	if (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND) {
		st->grace_timebomb.read = RDD_HOST_ABSENT;
		return;
	}
	if (rc != ERROR_SUCCESS)
		return;
	st->grace_timebomb.value = 0;
	for (i = 0; i < 256; i++) {
		n = sizeof(name) / sizeof(name[0]);
		rc = RegEnumValueW(h, i, name, &n, NULL, NULL, NULL, NULL);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		if (rc != ERROR_SUCCESS) {
			RegCloseKey(h);
			return; /* unreadable */
		}
		if (_wcsnicmp(name, L"L$RTMTIMEBOMB", 13) == 0)
			st->grace_timebomb.value = 1;
	}
	st->grace_timebomb.read = RDD_HOST_SET;
	RegCloseKey(h);
}

/* A uint32 property of OBJ into D; WMI hands it over as VT_I4. */
static void
wmi_u32(IWbemClassObject *obj, const wchar_t *name, struct rdd_host_dword *d)
{
	VARIANT v;

	VariantInit(&v);
	if (SUCCEEDED(IWbemClassObject_Get(obj, name, 0, &v, NULL, NULL)) &&
	    (V_VT(&v) == VT_I4 || V_VT(&v) == VT_UI4)) {
		d->read = RDD_HOST_SET;
		d->value = V_VT(&v) == VT_I4 ? (uint32_t)V_I4(&v) : V_UI4(&v);
	}
	VariantClear(&v);
}

/*
 * Win32_TerminalServiceSetting (root\cimv2\TerminalServices):
 * TerminalServerMode and GetGracePeriodDays(). The namespace exists on
 * Windows only (wine's WMI has no such namespace: not readable there).
 */
static void
read_wmi_licensing(struct rdd_host_state *st)
{
	IWbemLocator *loc = NULL;
	IWbemServices *svc = NULL;
	IEnumWbemClassObject *en = NULL;
	IWbemClassObject *obj = NULL, *out = NULL;
	BSTR ns = SysAllocString(L"ROOT\\CIMV2\\TerminalServices");
	BSTR lang = SysAllocString(L"WQL");
	BSTR query =
	    SysAllocString(L"SELECT * FROM Win32_TerminalServiceSetting");
	BSTR method = SysAllocString(L"GetGracePeriodDays");
	VARIANT path;
	ULONG got = 0;
	HRESULT co = CoInitializeEx(NULL, COINIT_MULTITHREADED);

	VariantInit(&path);
	if (ns == NULL || lang == NULL || query == NULL || method == NULL)
		goto done;
	/* Fails harmlessly when the process set it already. */
	CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_DEFAULT,
	                     RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE,
	                     NULL);
	if (FAILED(CoCreateInstance(&CLSID_WbemLocator, NULL,
	                            CLSCTX_INPROC_SERVER, &IID_IWbemLocator,
	                            (void **)&loc)) ||
	    FAILED(IWbemLocator_ConnectServer(loc, ns, NULL, NULL, NULL,
	                                      WBEM_FLAG_CONNECT_USE_MAX_WAIT,
	                                      NULL, NULL, &svc)))
		goto done;
	CoSetProxyBlanket((IUnknown *)svc, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE,
	                  NULL, RPC_C_AUTHN_LEVEL_CALL,
	                  RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE);
	if (FAILED(IWbemServices_ExecQuery(svc, lang, query,
	                                   WBEM_FLAG_FORWARD_ONLY |
	                                       WBEM_FLAG_RETURN_IMMEDIATELY,
	                                   NULL, &en)) ||
	    FAILED(IEnumWbemClassObject_Next(en, 10000, 1, &obj, &got)) ||
	    got != 1)
		goto done;
	wmi_u32(obj, L"TerminalServerMode", &st->terminal_server_mode);
	if (SUCCEEDED(
	        IWbemClassObject_Get(obj, L"__PATH", 0, &path, NULL, NULL)) &&
	    V_VT(&path) == VT_BSTR &&
	    SUCCEEDED(IWbemServices_ExecMethod(svc, V_BSTR(&path), method, 0,
	                                       NULL, NULL, &out, NULL)) &&
	    out != NULL) {
		struct rdd_host_dword rv = {RDD_HOST_UNREADABLE, 0};

		wmi_u32(out, L"ReturnValue", &rv);
		if (rv.read == RDD_HOST_SET && rv.value == 0)
			wmi_u32(out, L"DaysLeft", &st->grace_days_left);
	}
done:
	VariantClear(&path);
	if (out != NULL)
		IWbemClassObject_Release(out);
	if (obj != NULL)
		IWbemClassObject_Release(obj);
	if (en != NULL)
		IEnumWbemClassObject_Release(en);
	if (svc != NULL)
		IWbemServices_Release(svc);
	if (loc != NULL)
		IWbemLocator_Release(loc);
	SysFreeString(ns);
	SysFreeString(lang);
	SysFreeString(query);
	SysFreeString(method);
	if (SUCCEEDED(co))
		CoUninitialize();
}

/* ---- all of it ------------------------------------------------------ */

static void
setting(const wchar_t *local_key, const wchar_t *name,
        struct rdd_host_setting *s)
{
	reg_dword(local_key, name, &s->local);
	reg_dword(POLICY, name, &s->policy);
}

void
rdd_host_win_read(struct rdd_host_state *st, const char *reader)
{
	static const wchar_t *const tls[RDD_HOST_TLS_COUNT] = {
	    SCHANNEL L"TLS 1.0\\Server", SCHANNEL L"TLS 1.1\\Server",
	    SCHANNEL L"TLS 1.2\\Server", SCHANNEL L"TLS 1.3\\Server"};
	static const wchar_t *const ciphers[RDD_HOST_CIPHERS] = {
	    SCHANNEL_ROOT L"Ciphers\\AES 128/128",
	    SCHANNEL_ROOT L"Ciphers\\AES 256/256"};
	static const wchar_t *const kexes[RDD_HOST_KEXES] = {
	    SCHANNEL_ROOT L"KeyExchangeAlgorithms\\ECDH",
	    SCHANNEL_ROOT L"KeyExchangeAlgorithms\\Diffie-Hellman",
	    SCHANNEL_ROOT L"KeyExchangeAlgorithms\\PKCS"};
	wchar_t name[64];
	DWORD n = 64;
	OSVERSIONINFOW vi;
	LONG(WINAPI * rtl_get_version)(OSVERSIONINFOW *);
	HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
	int i;

	memset(st, 0, sizeof(*st));
	st->version = RDD_HOST_STATE_VERSION;
	st->collected_at = (int64_t)time(NULL);
	snprintf(st->reader, sizeof(st->reader), "%s", reader);
	if (GetComputerNameExW(ComputerNameDnsHostname, name, &n))
		utf8(name, st->computer, sizeof(st->computer));
	rtl_get_version = ntdll != NULL
	                      ? (LONG(WINAPI *)(OSVERSIONINFOW *))(void (*)(
	                            void))GetProcAddress(ntdll, "RtlGetVersion")
	                      : NULL;
	memset(&vi, 0, sizeof(vi));
	vi.dwOSVersionInfoSize = sizeof(vi);
	if (rtl_get_version != NULL && rtl_get_version(&vi) == 0)
		snprintf(st->os_version, sizeof(st->os_version), "%lu.%lu.%lu",
		         (unsigned long)vi.dwMajorVersion,
		         (unsigned long)vi.dwMinorVersion,
		         (unsigned long)vi.dwBuildNumber);

	setting(TS, L"fDenyTSConnections", &st->deny_connections);
	setting(RDPTCP, L"SecurityLayer", &st->security_layer);
	setting(RDPTCP, L"UserAuthentication", &st->user_authentication);
	setting(RDPTCP, L"MinEncryptionLevel", &st->min_encryption);
	reg_dword(RDPTCP, L"PortNumber", &st->port);
	reg_dword(RDPTCP, L"fEnableWinStation", &st->enable_winstation);
	reg_thumb(RDPTCP, L"SSLCertificateSHA1Hash", &st->configured_cert);
	reg_thumb(WINSTATIONS, L"SelfSignedCertificate", &st->self_signed_cert);
	read_cert(st);

	reg_dword(CREDSSP, L"AllowEncryptionOracle", &st->credssp_oracle);
	for (i = 0; i < RDD_HOST_TLS_COUNT; i++) {
		reg_dword(tls[i], L"Enabled", &st->schannel[i].enabled);
		reg_dword(tls[i], L"DisabledByDefault",
		          &st->schannel[i].disabled_by_default);
	}

	for (i = 0; i < RDD_HOST_CIPHERS; i++)
		reg_dword(ciphers[i], L"Enabled", &st->schannel_cipher[i]);
	for (i = 0; i < RDD_HOST_KEXES; i++)
		reg_dword(kexes[i], L"Enabled", &st->schannel_kex[i]);
	reg_suites(SUITE_POLICY, L"Functions", &st->cipher_suite_order);

	reg_dword(TS L"\\RCM\\Licensing Core", L"LicensingMode",
	          &st->licensing_mode.local);
	reg_dword(POLICY, L"LicensingMode", &st->licensing_mode.policy);
	reg_str(POLICY, L"LicenseServers", &st->license_servers_policy);
	reg_str(L"SYSTEM\\CurrentControlSet\\Services\\TermService\\"
	        L"Parameters\\LicenseServers",
	        L"SpecifiedLicenseServers", &st->license_servers_local);
	read_grace_key(st);
	read_wmi_licensing(st);

	read_service(st);
	read_listening(st);
	read_firewall(st);
}
