#!/usr/bin/env python3
"""mkcert.py HEALTHY.REG OUT.REG EKU [--no-key|--cng] - a .reg fixture that
replaces the "Remote Desktop" store's self-signed certificate with a new
one (EC P-256, CN=RDHOST01, valid ten years, made by openssl now) whose
Extended Key Usage is EKU (e.g. clientAuth). Its Blob carries the key
provider info of the healthy fixture's certificate (TSSecKeySet1), or none
with --no-key, or with --cng the key provider info of a CNG machine key
(provider type 0, "Microsoft Software Key Storage Provider", container
"te-RDP-cng"). Key provider info as the Blob holds it: seven DWORDs
(offsets of the container and provider names, type, flags, number and
offset of parameters, key spec), then the UTF-16 names. Blob records: DWORD propId, DWORD 1, DWORD cb, data; key
provider info (2), SHA-1 (3), then the DER certificate (32)."""
import hashlib
import re
import struct
import subprocess
import sys
import tempfile

healthy, out, eku = sys.argv[1], sys.argv[2], sys.argv[3]
no_key = "--no-key" in sys.argv[4:]
cng = "--cng" in sys.argv[4:]

text = open(healthy).read()
blob_hex = re.search(r'"Blob"=hex:([0-9a-f,\\\s]+)', text).group(1)
blob = bytes(int(x, 16) for x in re.findall(r"[0-9a-f]{2}", blob_hex))
prop, one, cb = struct.unpack_from("<III", blob, 0)
assert prop == 2 and one == 1, "the healthy Blob starts with its key info"
kpi = blob[12:12 + cb]
if cng:
    cont = "te-RDP-cng\0".encode("utf-16-le")
    prov = "Microsoft Software Key Storage Provider\0".encode("utf-16-le")
    # CRYPT_MACHINE_KEYSET (= NCRYPT_MACHINE_KEY_FLAG) 0x20, key spec 0.
    kpi = struct.pack("<IIIIIII", 28, 28 + len(cont), 0, 0x20, 0, 0, 0) + \
        cont + prov

with tempfile.TemporaryDirectory() as d:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=RDHOST01",
         "-days", "3650", "-addext", "extendedKeyUsage=" + eku,
         "-keyout", d + "/k.pem", "-outform", "DER", "-out", d + "/c.der"],
        check=True, capture_output=True)
    der = open(d + "/c.der", "rb").read()
sha1 = hashlib.sha1(der).digest()


def rec(pid, data):
    return struct.pack("<III", pid, 1, len(data)) + data


new = (b"" if no_key else rec(2, kpi)) + rec(3, sha1) + rec(32, der)
thumb = sha1.hex().upper()
store = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SystemCertificates\Remote Desktop\Certificates"
with open(out, "w") as f:
    f.write("REGEDIT4\n\n")
    f.write("[-%s\\420628CF7C744EFEC6F1461F3E393EE7FA3AFEB1]\n\n" % store)
    f.write("[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\"
            "Terminal Server\\WinStations]\n")
    f.write('"SelfSignedCertificate"=hex:%s\n\n' % ",".join(
        "%02x" % b for b in sha1))
    f.write("[%s\\%s]\n" % (store, thumb))
    f.write('"Blob"=hex:%s\n' % ",".join("%02x" % b for b in new))
