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
# Runs under nice with at most two jobs (RDD_JOBS); prints the seconds each
# library took, keeps its build output in DIR/NAME.log. On a 2-core
# machine OpenSSL takes most of it (about 20 minutes under load).
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
		-DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF "${@:3}"
}

# ---- OpenSSL: libcrypto and libssl only (no apps, tests, docs), the
# legacy provider (MD4, RC4 for NTLM and RDP Standard Security) built in.
# (OpenSSL 3.0 has no no-apps/no-docs: build_libs and install_dev skip them.)
build_openssl() {
	local s
	s=$(fetch openssl) || return 1
	cd "$s" && nice -n 10 ./Configure mingw64 no-shared no-module \
		no-tests no-dso no-engine no-async \
		--cross-compile-prefix="$host-" --prefix="$prefix" \
		--libdir=lib &&
		nice -n 10 make -j"$jobs" build_libs &&
		make install_dev
}

# ---- libuv: the static library uv_a, and a libuv.pc naming the Windows
# libraries it needs (its own libuv-static.pc names libuv_a).
build_libuv() {
	local s v
	s=$(fetch libuv1) || return 1
	cmake_cross "$s" "$s/_build" -DLIBUV_BUILD_TESTS=OFF \
		-DLIBUV_BUILD_BENCH=OFF &&
		nice -n 10 cmake --build "$s/_build" --target uv_a -j"$jobs" &&
		cp "$s/_build/libuv_a.a" "$prefix/lib/libuv.a" &&
		cp -r "$s"/include/* "$prefix/include/" || return 1
	v=$(basename "$s" | sed 's/^libuv1-//')
	cat >"$prefix/lib/pkgconfig/libuv.pc" <<EOF
prefix=$prefix
Name: libuv
Description: libuv (static, mingw-w64)
Version: $v
Libs: -L\${prefix}/lib -luv -lpsapi -luser32 -ladvapi32 -liphlpapi -luserenv -lws2_32 -ldbghelp -lole32 -lshell32
Cflags: -I\${prefix}/include
EOF
}

# ---- jansson: static, no docs, tests or examples (its CMake writes
# jansson.pc).
build_jansson() {
	local s
	s=$(fetch jansson) || return 1
	cmake_cross "$s" "$s/_build" -DJANSSON_BUILD_DOCS=OFF \
		-DJANSSON_WITHOUT_TESTS=ON -DJANSSON_EXAMPLES=OFF \
		-DJANSSON_BUILD_SHARED_LIBS=OFF &&
		nice -n 10 cmake --build "$s/_build" -j"$jobs" &&
		cmake --install "$s/_build" &&
		[ -e "$prefix/lib/pkgconfig/jansson.pc" ]
}

# step NAME: build_NAME once (a stamp file says it is done), its output in
# DIR/NAME.log, shown when it fails.
step() {
	local name=$1 t0
	[ -e "$dir/$name.done" ] && return 0
	t0=$(date +%s)
	if ! (set -e; "build_$name") >"$dir/$name.log" 2>&1; then
		tail -n 30 "$dir/$name.log" >&2
		echo "build-win-deps: $name failed (its output: $dir/$name.log)" >&2
		exit 1
	fi
	touch "$dir/$name.done"
	echo "build-win-deps: $name built in $(($(date +%s) - t0)) s"
}

step openssl
step libuv
step jansson

# The second cross file of the Windows build (scripts/build-win.sh): these
# libraries' .pc files, and no others.
cat >"$dir/deps.cross" <<EOF
[properties]
pkg_config_libdir = ['$prefix/lib/pkgconfig']
EOF
echo "build-win-deps: $prefix"
