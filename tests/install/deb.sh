#!/usr/bin/env bash
# deb.sh - build the Debian packages (debian/) from a copy of the tree with
# dpkg-buildpackage -us -uc -b, install them with dpkg -i, use what they
# installed (the binary, the man page through man's own search, the zsh
# completion found by Debian's zsh without any fpath change, the bash
# completion, pkg-config and the library), then remove them again. It
# installs into the system, so it needs root and refuses to run when an
# rdpdoctor package is already installed. Ends with "deb: N passed, N
# failed". scripts/run-tests.sh runs it in CI (CI=true); elsewhere run it
# with `make deb-test`.
set -u
cd "$(dirname "$0")/../.."
src=$PWD
pass=0
fail=0
tmp=$(mktemp -d)
installed=

ok() {
	pass=$((pass + 1))
}
bad() {
	fail=$((fail + 1))
	echo "deb: FAIL: $*"
}
same() {
	if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}
cleanup() {
	[ -n "$installed" ] && dpkg --purge rdpdoctor librdpdoctor-dev >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
finish() {
	echo "deb: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

if [ "$(id -u)" != 0 ]; then
	echo "deb: SKIPPED - dpkg -i needs root"
	exit 0
fi
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	bad "dpkg-buildpackage or debhelper missing (scripts/install-deps.sh)"
	finish
fi
if dpkg-query -W -f='${Status}' rdpdoctor librdpdoctor-dev 2>/dev/null | grep -q installed; then
	echo "deb: SKIPPED - an rdpdoctor package is already installed; not touching it"
	exit 0
fi

# The upstream version in debian/changelog is meson.build's.
want=$(sed -n "s/^ *version : '\([^']*\)',*$/\1/p" meson.build | head -n 1)
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
same "debian/changelog version" "${version%%-*}" "$want"

# Build from a copy of the files git knows (tracked or new, not ignored).
tree=$tmp/rdpdoctor-$version
mkdir "$tree"
git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$tree"
start=$(date +%s)
if (cd "$tree" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	ok
else
	tail -n 30 "$tmp/build.log"
	bad "dpkg-buildpackage -us -uc -b failed"
	finish
fi
echo "deb: built in $(($(date +%s) - start)) s: $(cd "$tmp" && ls ./*.deb | tr '\n' ' ')"
arch=$(dpkg --print-architecture)
for p in rdpdoctor librdpdoctor-dev; do
	[ -f "$tmp/${p}_${version}_$arch.deb" ] && ok || bad "no ${p}_${version}_$arch.deb"
done
if dpkg -i "$tmp/rdpdoctor_${version}_$arch.deb" \
	"$tmp/librdpdoctor-dev_${version}_$arch.deb" >"$tmp/dpkg.log" 2>&1; then
	ok
	installed=1
else
	cat "$tmp/dpkg.log"
	bad "dpkg -i failed"
	finish
fi

same "installed rdpdoctor" "$(command -v rdpdoctor)" /usr/bin/rdpdoctor
same "rdpdoctor --version line 1" "$(/usr/bin/rdpdoctor --version | head -n 1)" \
	"rdpdoctor $want"
same "explain 0x904 0x7 exit status" \
	"$(/usr/bin/rdpdoctor explain 0x904 0x7 >/dev/null 2>&1; echo $?)" 0
# Minimal images tell dpkg not to unpack man pages (path-exclude).
if grep -qs '^path-exclude[= ]/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
	same "man page in the package" "$(dpkg -c "$tmp/rdpdoctor_${version}_$arch.deb" |
		grep -c '/usr/share/man/man1/rdpdoctor.1.gz$')" 1
else
	same "man -w rdpdoctor" "$(man -w rdpdoctor 2>&1)" \
		/usr/share/man/man1/rdpdoctor.1.gz
fi
same "Debian's zsh finds the completion" "$(zsh -f -c 'autoload -Uz compinit
	compinit -u -D; print -r -- $_comps[rdpdoctor]' 2>&1)" _rdpdoctor
same "bash completion" "$(bash -c 'source /usr/share/bash-completion/completions/rdpdoctor
	COMP_WORDS=(rdpdoctor check --licensing "") COMP_CWORD=3
	_rdpdoctor; echo "${COMPREPLY[*]}"' 2>&1)" "stop full"
same "pkg-config --modversion rdpdoctor" "$(pkg-config --modversion rdpdoctor 2>&1)" "$want"
# shellcheck disable=SC2046
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags rdpdoctor) \
	"$src/tests/install/uses_library.c" $(pkg-config --libs rdpdoctor) \
	-o "$tmp/uses_library" 2>"$tmp/cc.err" &&
	"$tmp/uses_library" /etc/ssl/certs/ca-certificates.crt "$tmp/none" |
	grep -qx 'errinfo 7: ERRINFO_SERVER_DENIED_CONNECTION'; then
	ok
else
	head -n 20 "$tmp/cc.err"
	bad "a program built against librdpdoctor-dev"
fi

if dpkg --purge rdpdoctor librdpdoctor-dev >/dev/null 2>&1 &&
	[ ! -e /usr/bin/rdpdoctor ]; then
	ok
	installed=
else
	bad "dpkg --purge rdpdoctor librdpdoctor-dev"
fi
finish
