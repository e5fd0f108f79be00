#!/usr/bin/env bash
# run.sh BUILD_DIR - install the build into a temporary DESTDIR and use
# what was installed as a user would: exactly the expected files (no
# tests, fuzz targets or lab tools), the binary runs (--version, --help,
# explain), man renders the man page, the bash completion completes, the
# zsh completion parses, and a C program outside the tree compiles and
# links against the installed headers and library with pkg-config's flags
# and gets real answers from it. scripts/run-tests.sh runs it after the
# unit tests; it ends with "install: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
src=$PWD
build=${1:-build}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() {
	pass=$((pass + 1))
}
bad() {
	fail=$((fail + 1))
	echo "install: FAIL: $*"
}
# same WHAT GOT WANT
same() {
	if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}
finish() {
	echo "install: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

stage=$tmp/stage
if ! meson install -C "$build" --destdir "$stage" >"$tmp/install.log" 2>&1; then
	tail -n 20 "$tmp/install.log"
	bad "meson install -C $build --destdir failed"
	finish
fi
ok
version=$(meson introspect --projectinfo "$build" |
	sed -n 's/.*"version": "\([^"]*\)".*/\1/p')
prefix=$(meson introspect --buildoptions "$build" |
	grep -o '"name": "prefix", "value": "[^"]*"' | sed 's/.*"value": "//; s/"$//')
lib=$(cd "$stage$prefix" && find . -name librdpdoctor.a | sed 's|^\./||')
libdir=$(dirname "$lib")
root=$stage$prefix
[ -n "$version" ] && [ -n "$prefix" ] && [ -n "$lib" ] || {
	bad "version '$version', prefix '$prefix' or librdpdoctor.a '$lib' not found"
	finish
}

# 1. Exactly these files, nothing else anywhere under DESTDIR.
{
	echo "bin/rdpdoctor"
	for h in "$src"/include/rdpdoctor/*.h; do
		echo "include/rdpdoctor/$(basename "$h")"
	done
	echo "include/rdpdoctor/causes.def"
	echo "include/rdpdoctor/codes.def"
	echo "$libdir/librdpdoctor.a"
	echo "$libdir/pkgconfig/rdpdoctor.pc"
	echo "share/bash-completion/completions/rdpdoctor"
	echo "share/man/man1/rdpdoctor.1"
	echo "share/zsh/site-functions/_rdpdoctor"
} | sed "s|^|$prefix/|; s|//*|/|g" | sort >"$tmp/want"
(cd "$stage" && find . -type f -o -type l) | sed 's|^\.||' | sort >"$tmp/got"
if diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
	ok
else
	bad "the installed files differ from the expected list:"
	sed -n '3,$p' "$tmp/diff"
fi

# 2. The installed binary.
exe=$root/bin/rdpdoctor
out=$("$exe" --version 2>&1)
same "--version exit status" "$?" 0
same "--version line 1" "$(head -n 1 <<<"$out")" "rdpdoctor $version"
same "--version lines" "$(grep -cE '^(OpenSSL|libuv|jansson) [0-9]' <<<"$out")" 3
out=$("$exe" --help 2>&1)
same "--help exit status" "$?" 0
same "--help" "$(grep -c '^usage: rdpdoctor check \[options\] HOST\[:PORT\]$' <<<"$out")" 1
out=$("$exe" explain 0x904 0x7 2>&1)
same "explain 0x904 0x7 exit status" "$?" 0
same "explain 0x904 0x7" "$(grep -c '^7 (0x7) exDiscReasonServerDeniedConnection' <<<"$out")" 1
if readelf -d "$exe" | grep -E 'R(UN)?PATH' | grep -qF "$src"; then
	bad "the installed binary keeps an RPATH into the source tree"
else
	ok
fi

# 3. The man page renders, with its NAME section and the version command.
page=$root/share/man/man1/rdpdoctor.1
out=$(MANWIDTH=80 man -l "$page" 2>"$tmp/man.err")
same "man -l exit status" "$?" 0
same "man NAME" "$(head -n 5 <<<"$out" | grep -c '^NAME$')" 1
same "man NAME line" "$(head -n 5 <<<"$out" | grep -c '^ *rdpdoctor .* Remote Desktop')" 1
same "man version" "$(grep -c '^ *rdpdoctor --version | version$' <<<"$out")" 1

# 4. The completions as installed.
out=$(bash -c 'source "$1"
	COMP_WORDS=(rdpdoctor check --stop-after "") COMP_CWORD=3
	_rdpdoctor
	echo "${COMPREPLY[*]}"
	COMP_WORDS=(rdpdoctor ch) COMP_CWORD=1
	_rdpdoctor
	echo "${COMPREPLY[*]}"' _ "$root/share/bash-completion/completions/rdpdoctor" 2>&1)
same "bash completion" "$out" "mcs licensing activation
check"
if command -v zsh >/dev/null && zsh -n "$root/share/zsh/site-functions/_rdpdoctor"; then
	ok
else
	bad "zsh -n $root/share/zsh/site-functions/_rdpdoctor (is zsh installed?)"
fi

# 5. Build against the installed library with pkg-config alone. The .pc
# names the real prefix; PKG_CONFIG_SYSROOT_DIR points it into DESTDIR.
export PKG_CONFIG_PATH=$root/$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage
same "pkg-config --modversion" "$(pkg-config --modversion rdpdoctor 2>&1)" "$version"
cc=${CC:-cc}
# Every installed header compiles on its own (its includes are installed).
nh=0
for h in "$root"/include/rdpdoctor/*.h; do
	nh=$((nh + 1))
	# shellcheck disable=SC2046
	if ! echo "#include \"rdpdoctor/$(basename "$h")\"" |
		$cc -std=c11 -Wall -Wextra -pedantic -Werror -fsyntax-only \
			$(pkg-config --cflags rdpdoctor) -x c - 2>"$tmp/cc.err"; then
		bad "rdpdoctor/$(basename "$h") does not compile on its own"
		head -n 5 "$tmp/cc.err"
	fi
done
same "headers compiled" "$nh" "$(ls "$src"/include/rdpdoctor/*.h | wc -l)"
# shellcheck disable=SC2046
if $cc -std=c11 -Wall -Wextra -pedantic -Werror \
	$(pkg-config --cflags rdpdoctor) tests/install/uses_library.c \
	$(pkg-config --libs rdpdoctor) -o "$tmp/uses_library" 2>"$tmp/cc.err"; then
	ok
else
	bad "tests/install/uses_library.c does not build with pkg-config's flags"
	head -n 20 "$tmp/cc.err"
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj /CN=rdpdoctor-install-test -days 1 -keyout "$tmp/key.pem" \
	-out "$tmp/ca.pem" >/dev/null 2>&1
out=$("$tmp/uses_library" "$tmp/ca.pem" "$tmp/no-such.pem" 2>&1)
same "uses_library exit status" "$?" 0
same "uses_library" "$out" "cause tcp-refused: phase tcp
errinfo 7: ERRINFO_SERVER_DENIED_CONNECTION
ca file: loaded
missing file: refused
json report: written"

finish
