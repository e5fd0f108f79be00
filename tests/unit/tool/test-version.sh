#!/usr/bin/env bash
# test-version.sh RDPDOCTOR VERSION OPENSSL LIBUV JANSSON - `rdpdoctor
# --version` prints "rdpdoctor VERSION" (meson's project() version), then
# the OpenSSL, libuv and jansson it runs with; the versions given are those
# meson found at configure time (pkg-config), which the libraries loaded at
# run time must match on a system built from its own packages.
set -u
bin=$1
pass=0
fail=0

check() {
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: got '$2', want '$3'"
	fi
}

out=$("$bin" --version)
check "exit status of --version" "$?" 0
check "line 1" "$(sed -n 1p <<<"$out")" "rdpdoctor $2"
# OpenSSL_version(OPENSSL_VERSION): "OpenSSL 3.0.11 19 Sep 2023".
check "line 2" "$(sed -n 2p <<<"$out" | cut -d' ' -f1-2)" "OpenSSL $3"
check "line 3" "$(sed -n 3p <<<"$out")" "libuv $4"
check "line 4" "$(sed -n 4p <<<"$out")" "jansson $5"
check "lines" "$(wc -l <<<"$out")" 4
check "rdpdoctor version" "$("$bin" version)" "$out"
check "rdpdoctor -V" "$("$bin" -V)" "$out"
"$bin" version extra >/dev/null 2>&1
check "exit status of version with an operand" "$?" 3

echo "version: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
