#!/usr/bin/env bash
# build-win.sh [OUT] - cross-build rdpdoctor.exe, the Windows build of the
# tool (check, explain, report, host; no scan, diff, watch, pcap, nor the
# Kerberos phase), with mingw-w64: its libraries first
# (scripts/build-win-deps.sh, skipped once built), then the normal
# meson.build through scripts/mingw64.cross in build-win/exe. One static
# PE32+ needing no DLL beyond Windows' own. Warnings are errors. OUT
# defaults to build-win/rdpdoctor.exe. Prints the seconds each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-win/rdpdoctor.exe}
t0=$(date +%s)
scripts/build-win-deps.sh build-win/deps
t1=$(date +%s)
if [ ! -f build-win/exe/build.ninja ]; then
	nice -n 10 meson setup --cross-file scripts/mingw64.cross \
		--cross-file build-win/deps/deps.cross \
		-Dtests=false -Dwerror=true -Dbuildtype=release \
		build-win/exe >/dev/null
fi
nice -n 10 ninja -C build-win/exe -j"${RDD_JOBS:-2}" >/dev/null ||
	nice -n 10 ninja -C build-win/exe -j1
mkdir -p "$(dirname "$out")"
x86_64-w64-mingw32-strip -o "$out" build-win/exe/src/rdpdoctor.exe
echo "build-win: deps $((t1 - t0)) s, rdpdoctor.exe $(($(date +%s) - t1)) s: $out"
