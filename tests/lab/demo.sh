#!/usr/bin/env bash
# demo.sh BUILD_DIR - `make demo`: bring the lab up, run rdpdoctor check
# (the text report) against five lab servers, the last one a server that
# denies the connection after the Client Info (the injector in front of
# xrdp), bring the lab down again (always, through a trap).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
export LAB_BUILD=$BUILD
# The lab's own commands; fd 8 (the suite lock) must not reach its daemons.
lab() { LAB_SUITE_LOCK_HELD=1 "$HERE/lab" "$@" 8>&-; }
TOOL=$BUILD/src/rdpdoctor

if [ "$(id -u)" != 0 ]; then
	echo "demo: the lab needs root (network namespaces); run make demo as root" >&2
	exit 1
fi
if [ ! -x "$TOOL" ]; then
	echo "demo: $TOOL is not built" >&2
	exit 1
fi

# One lab per host: wait for a lab suite or another demo to finish.
SUITE_LOCK=/run/lock/rdpdoctor-lab-suite.lock # the same as tests/lab/lab's
[ -d /run/lock ] || SUITE_LOCK=/tmp/rdpdoctor-lab-suite.lock
exec 8>"$SUITE_LOCK"
if ! flock -n 8; then
	echo "demo: the lab is in use ($SUITE_LOCK); waiting (at most 15 min)"
	flock -w 900 8 || exit 1
fi

trap 'lab down >/dev/null 2>&1' EXIT
trap 'exit 130' INT TERM

echo "demo: bringing the lab up (two network namespaces, xrdp and FreeRDP servers)"
if ! lab up 2>/tmp/rdpdoctor-demo-up.$$; then
	tail -5 /tmp/rdpdoctor-demo-up.$$ >&2
	rm -f /tmp/rdpdoctor-demo-up.$$
	exit 1
fi
rm -f /tmp/rdpdoctor-demo-up.$$

opts=()
[ -t 1 ] || opts+=(--no-color)

n=0
show() { # show TARGET HEADER [OPTIONS...]
	local target=$1 header=$2
	shift 2
	n=$((n + 1))
	echo
	echo "=== $n/5 $header: rdpdoctor check $* $target ==="
	ip netns exec rdpcli "$TOOL" check "${opts[@]}" "$@" "$target"
	echo "(exit status $?)"
}

show tls.rdpsrv.lab "a healthy server (xrdp, TLS, certificate from the lab CA)"
show shadow.rdpsrv.lab "a server that requires NLA (FreeRDP shadow, CredSSP)"
show expired.rdpsrv.lab "a server whose certificate has expired (xrdp, TLS)"
show rst.rdpsrv.lab "a server whose connection is reset during security negotiation (RST on the TLS ClientHello)"
if lab inject error-info - 60 -- --code 7 >/dev/null 2>&1; then
	show inject.rdpsrv.lab "a server that denies the connection after the Client Info (Set Error Info 0x7: \"error 0x904, extended error 0x7\")" --client-error 0x904/0x7
	lab uninject >/dev/null 2>&1
fi
echo
echo "demo: bringing the lab down"
