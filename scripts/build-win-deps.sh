#!/usr/bin/env bash
# build-win-deps.sh [DIR] - cross-build rdpdoctor.exe's libraries (OpenSSL,
# libuv, jansson) as static x86_64-w64-mingw32 libraries from Debian's own
# source packages, since Debian packages none of them for mingw-w64.
#
# DIR (default build-win/deps, never committed) gets src/ (the unpacked
# Debian sources), prefix/ (include/, lib/*.a, lib/pkgconfig/*.pc: what
# scripts/mingw64.cross points Meson at) and one stamp per library, so a
# second run skips what is built. Needs deb-src lines for Debian (added as
# /etc/apt/sources.list.d/rdpdoctor-src.sources when root and missing),
# dpkg-dev, cmake and gcc-mingw-w64-x86-64 (scripts/install-deps.sh).
# Runs under nice with at most two jobs; prints each library's seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-win/deps}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
src=$dir/src
prefix=$dir/prefix
host=x86_64-w64-mingw32
jobs=${RDD_JOBS:-2}
for t in "$host-gcc" "$host-ar" "$host-ranlib" cmake dpkg-source; do
	if ! command -v "$t" >/dev/null; then
		echo "build-win-deps: $t not found (scripts/install-deps.sh installs it)" >&2
		exit 1
	fi
done
mkdir -p "$src" "$prefix/lib/pkgconfig" "$prefix/include"

# Debian's source of PKG, unpacked (with Debian's patches) into src/,
# once: prints the unpacked directory.
fetch() {
	local pkg=$1 d
	d=$(find "$src" -maxdepth 1 -mindepth 1 -type d -name "$pkg-*" | head -1)
	if [ -n "$d" ]; then
		echo "$d"
		return
	fi
	if ! ls "$src"/"${pkg}"_*.dsc >/dev/null 2>&1; then
		(cd "$src" && apt-get source --download-only -qq "$pkg" >&2) || {
			echo "build-win-deps: apt-get source $pkg failed: need deb-src lines" \
				"and apt-get update (as root this script adds them)" >&2
			exit 1
		}
	fi
	(cd "$src" && dpkg-source --no-check -x "$(ls "${pkg}"_*.dsc | head -1)" >&2)
	find "$src" -maxdepth 1 -mindepth 1 -type d -name "$pkg-*" | head -1
}

# deb-src for the running Debian release, when root and none is configured.
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	if [ "$(id -u)" = 0 ]; then
		suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
		cat >/etc/apt/sources.list.d/rdpdoctor-src.sources <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
		apt-get update -qq
	else
		echo "build-win-deps: no deb-src lines in /etc/apt (run as root to add them)" >&2
		exit 1
	fi
fi

cmake_cross() {
	nice -n 10 cmake -S "$1" -B "$2" -DCMAKE_SYSTEM_NAME=Windows \
		-DCMAKE_C_COMPILER="$host-gcc" -DCMAKE_RC_COMPILER="$host-windres" \
		-DCMAKE_AR="$(command -v "$host-ar")" \
		-DCMAKE_RANLIB="$(command -v "$host-ranlib")" \
		-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
		-DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF "${@:3}" >/dev/null
}

# ---- OpenSSL: libcrypto and libssl only (no apps, tests, docs), the
# legacy provider (MD4, RC4 for NTLM and RDP Standard Security) built in.
# (OpenSSL 3.0 has no no-apps/no-docs: build_libs and install_dev skip them.)
if [ ! -e "$dir/openssl.done" ]; then
	t0=$(date +%s)
	s=$(fetch openssl)
	(cd "$s" && nice -n 10 ./Configure mingw64 no-shared no-module no-tests \
		no-dso no-engine no-async \
		--cross-compile-prefix="$host-" --prefix="$prefix" \
		--libdir=lib >/dev/null &&
		nice -n 10 make -s -j"$jobs" build_libs >/dev/null &&
		make -s install_dev >/dev/null)
	echo "build-win-deps: openssl $(($(date +%s) - t0)) s"
	touch "$dir/openssl.done"
fi

# ---- libuv: the static library uv_a, and a libuv.pc naming the Windows
# libraries it needs (its own libuv-static.pc names libuv_a).
if [ ! -e "$dir/libuv.done" ]; then
	t0=$(date +%s)
	s=$(fetch libuv1)
	cmake_cross "$s" "$s/_build" -DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF
	nice -n 10 cmake --build "$s/_build" --target uv_a -j"$jobs" >/dev/null
	cp "$s/_build/libuv_a.a" "$prefix/lib/libuv.a"
	cp -r "$s"/include/* "$prefix/include/"
	v=$(sed -n 's/^Version: //p' "$s/_build/libuv-static.pc" 2>/dev/null || true)
	[ -n "$v" ] || v=$(basename "$s" | sed 's/^libuv1-//')
	cat >"$prefix/lib/pkgconfig/libuv.pc" <<EOF
prefix=$prefix
Name: libuv
Description: libuv (static, mingw-w64)
Version: $v
Libs: -L\${prefix}/lib -luv -lpsapi -luser32 -ladvapi32 -liphlpapi -luserenv -lws2_32 -ldbghelp -lole32 -lshell32
Cflags: -I\${prefix}/include
EOF
	echo "build-win-deps: libuv $(($(date +%s) - t0)) s"
	touch "$dir/libuv.done"
fi

# ---- jansson: static, no docs, tests or examples.
if [ ! -e "$dir/jansson.done" ]; then
	t0=$(date +%s)
	s=$(fetch jansson)
	cmake_cross "$s" "$s/_build" -DJANSSON_BUILD_DOCS=OFF \
		-DJANSSON_WITHOUT_TESTS=ON -DJANSSON_EXAMPLES=OFF \
		-DJANSSON_BUILD_SHARED_LIBS=OFF
	nice -n 10 cmake --build "$s/_build" -j"$jobs" >/dev/null
	cmake --install "$s/_build" >/dev/null
	if [ ! -e "$prefix/lib/pkgconfig/jansson.pc" ]; then
		v=$(basename "$s" | sed 's/^jansson-//')
		cat >"$prefix/lib/pkgconfig/jansson.pc" <<EOF
prefix=$prefix
Name: Jansson
Description: Library for encoding, decoding and manipulating JSON data
Version: $v
Libs: -L\${prefix}/lib -ljansson
Cflags: -I\${prefix}/include
EOF
	fi
	echo "build-win-deps: jansson $(($(date +%s) - t0)) s"
	touch "$dir/jansson.done"
fi
# The second cross file of the Windows build (scripts/build-win.sh): these
# libraries' .pc files, and no others.
cat >"$dir/deps.cross" <<EOF
[properties]
pkg_config_libdir = ['$prefix/lib/pkgconfig']
EOF
echo "build-win-deps: $prefix"
