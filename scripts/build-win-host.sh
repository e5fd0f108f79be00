#!/usr/bin/env bash
# build-win-host.sh [OUT] - cross-build rdpdoctor-host.exe (lib/host/win/),
# the Windows reader of `rdpdoctor host`, with mingw-w64 (Debian
# gcc-mingw-w64-x86-64): one static PE32+ with no DLL beyond Windows' own.
# OUT defaults to build-win/rdpdoctor-host.exe. Warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-win/rdpdoctor-host.exe}
cc=${MINGW_CC:-x86_64-w64-mingw32-gcc}
if ! command -v "$cc" >/dev/null; then
	echo "build-win-host: $cc not found (apt-get install gcc-mingw-w64-x86-64)" >&2
	exit 1
fi
version=$(sed -n "s/^  version : '\(.*\)',$/\1/p" meson.build | head -1)
mkdir -p "$(dirname "$out")"
# Little-endian x86-64 Windows, Windows 7 API level (GetExtendedTcpTable,
# RegGetValueW, NCrypt); the C99 printf of mingw for PRId64.
"$cc" -std=gnu11 -O2 -Wall -Wextra -Werror -Wno-cast-function-type \
	-D_WIN32_WINNT=0x0601 -D__USE_MINGW_ANSI_STDIO=1 \
	-DRDD_VERSION="\"$version\"" -Iinclude -Ilib \
	-static -s -o "$out" \
	lib/host/win/main.c lib/host/win/reader.c lib/host/state_write.c \
	lib/host/fwrule.c \
	-ladvapi32 -lcrypt32 -lncrypt -liphlpapi -lws2_32 \
	-lole32 -loleaut32 -lwbemuuid
echo "build-win-host: $out"
