#!/usr/bin/env bash
# gateway-vs-xfreerdp.sh [BUILD_DIR] [RUNS] [TRANSPORT] - what a check through an RD
# Gateway costs: the wall time of `rdpdoctor check --gateway` (the
# gateway's TLS, HTTP sign-in with NTLM, MS-TSGU tunnel and channel, then
# the target's walk to activation through the channel) against
# `xfreerdp /g: +auth-only` (FreeRDP 2.11, which also signs in to the
# gateway and connects up to activation, then exits), through the lab's
# gateway (tests/lab/gwsrv; TRANSPORT `both`, the default: WebSocket;
# `http`: the legacy HTTP transport, two connections, which both tools
# fall back to on the gateway's 200) to xrdp TLS (.12), the two taking
# turns run after run. Prints medians, the ratio, and from the
# check's record each gateway phase's time and the round trips the
# gateway adds before the target's first byte. Needs root (the lab's
# namespaces).
#
# Every command runs inside the lab's client namespace, against the lab's
# own gateway and servers: no traffic leaves the namespaces. The gateway
# password is read from the lab's file, by rdpdoctor through
# --gateway-password-file and by xfreerdp on its stdin (/from-stdin).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-$repo/build}
runs=${2:-9}
transport=${3:-both}
lab=$repo/tests/lab/lab
rdpdoctor=$build/src/rdpdoctor
LAB_DIR=${LAB_DIR:-/tmp/rdpdoctor-lab}

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
[ -x "$rdpdoctor" ] || { echo "bench: build first ($rdpdoctor missing)" >&2; exit 1; }
command -v xfreerdp >/dev/null || { echo "bench: xfreerdp missing (scripts/install-deps.sh)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: jq missing (scripts/install-deps.sh)" >&2; exit 1; }
[ "$runs" -ge 1 ] && [ "$runs" -le 100 ] || { echo "bench: RUNS must be 1..100" >&2; exit 1; }
case $transport in both | http) ;; *) echo "bench: TRANSPORT is both or http" >&2; exit 1 ;; esac

started_lab=0
if ! "$lab" status >/dev/null 2>&1; then
	LAB_BUILD=$build "$lab" up >/dev/null 2>&1 || { echo "bench: lab up failed" >&2; exit 1; }
	started_lab=1
fi
work=$(mktemp -d /tmp/rdpdoctor-bench.XXXXXX)
cleanup() {
	LAB_BUILD=$build "$lab" gateway stop >/dev/null 2>&1
	rm -rf "$work"
	[ "$started_lab" = 1 ] && "$lab" down >/dev/null 2>&1
}
trap cleanup EXIT
LAB_BUILD=$build "$lab" gateway start --transport "$transport" 600 >/dev/null 2>&1 ||
	{ echo "bench: lab gateway start failed" >&2; exit 1; }
pw=$LAB_DIR/gateway/gwuser.pw

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# one FILE CMD...: run CMD in the client namespace (stdin: the gateway
# password), append its wall time in seconds to FILE.
one() {
	local f=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	"$lab" exec timeout 60 "$@" <"$pw" >"$work/out" 2>&1
	echo $? >"$work/rc"
	t1=$EPOCHREALTIME
	echo "$t1 - $t0" | bc -l >>"$f"
}

: >"$work/rd" >"$work/xf" >"$work/ph"
bad=0
for ((i = 0; i < runs; i++)); do
	one "$work/rd" "$rdpdoctor" check --json --samples 0 --no-udp \
	    --ca-file "$LAB_DIR/certs/ca/ca.crt" --gateway gateway.rdpsrv.lab \
	    --gateway-user 'LAB\gwuser' --gateway-password-file "$pw" \
	    tls.rdpsrv.lab
	# The gateway phases' times, in ms.
	jq -r '[(.phases[] | select(.phase | startswith("gateway-")) | .ms),
	        (.gateway.in_channel // {} | .tcp_ms, .tls_ms, .http_ms)]
	       | map(tostring) | join(" ")' "$work/out" >>"$work/ph" 2>/dev/null
	jq -e '.phases[] | select(.phase == "activation")
	       | .status == "ok"' "$work/out" >/dev/null 2>&1 ||
		bad=$((bad + 1))
	one "$work/xf" xfreerdp +auth-only /v:tls.rdpsrv.lab /u:lab /p:lab \
	    /sec:tls /cert:ignore /g:gateway.rdpsrv.lab '/gu:LAB\gwuser' \
	    /from-stdin
	[ "$(cat "$work/rc")" = 0 ] || bad=$((bad + 1))
done
r=$(median <"$work/rd")
x=$(median <"$work/xf")
printf '%-28s %10s %12s %9s\n' "through gateway.rdpsrv.lab" rdpdoctor_s xfreerdp_s xf/rdd
printf '%-28s %10.4f %12.4f %9.1f\n' "to tls.rdpsrv.lab ($runs, $transport)" "$r" "$x" \
    "$(echo "$x / $r" | bc -l)"
for k in 1 2 3 4; do
	n=$(awk -v k=$k '{print $k}' "$work/ph" | median)
	printf '  gateway phase %d median %s ms\n' "$k" "$n"
done | sed -e 's/phase 1/tls    /' -e 's/phase 2/http   /' \
    -e 's/phase 3/tunnel /' -e 's/phase 4/channel/'
if [ "$transport" = http ]; then
	for k in 5 6 7; do
		n=$(awk -v k=$k '{print $k}' "$work/ph" | median)
		printf '  IN connection %d median %s ms\n' "$k" "$n"
	done | sed -e 's/connection 5/tcp /' -e 's/connection 6/tls /' \
	    -e 's/connection 7/http/'
	echo "round trips the gateway adds before the target's first byte:" \
	    "OUT TCP 1, TLS 1, HTTP 2 (401 with the CHALLENGE, 200); IN TCP 1," \
	    "TLS 1, HTTP 2 (401, 200; the chunked request goes with the" \
	    "handshake); MS-TSGU 4: 12"
else
	echo "round trips the gateway adds before the target's first byte: TCP 1," \
	    "TLS 1, HTTP 2 (the 401 with the CHALLENGE, then the 101), MS-TSGU 4" \
	    "(handshake, tunnel create, tunnel authorize, channel create): 8"
fi
[ "$bad" = 0 ] || { echo "bench: $bad runs did not get through the gateway" >&2; exit 1; }
