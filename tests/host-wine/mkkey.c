/*
 * mkkey.c - test helper for tests/host-wine/run.sh, run under wine: make
 * sure the RDP machine key container TSSecKeySet1 exists with an exchange
 * key, as on a healthy server (the fixtures' certificate names it in its
 * key provider info). Exit 0 when the key exists afterwards.
 */
#include <windows.h>

#include <wincrypt.h>

#include <stdio.h>

int
main(void)
{
	HCRYPTPROV p;
	HCRYPTKEY k;
	const DWORD flags = CRYPT_MACHINE_KEYSET | CRYPT_SILENT;

	if (!CryptAcquireContextW(&p, L"TSSecKeySet1", MS_ENHANCED_PROV_W,
	                          PROV_RSA_FULL, flags) &&
	    !CryptAcquireContextW(&p, L"TSSecKeySet1", MS_ENHANCED_PROV_W,
	                          PROV_RSA_FULL, flags | CRYPT_NEWKEYSET)) {
		fprintf(stderr, "mkkey: acquire 0x%08lx\n", GetLastError());
		return 1;
	}
	if (!CryptGetUserKey(p, AT_KEYEXCHANGE, &k) &&
	    !CryptGenKey(p, AT_KEYEXCHANGE, 1024u << 16, &k)) {
		fprintf(stderr, "mkkey: key 0x%08lx\n", GetLastError());
		return 1;
	}
	CryptDestroyKey(k);
	CryptReleaseContext(p, 0);
	return 0;
}
