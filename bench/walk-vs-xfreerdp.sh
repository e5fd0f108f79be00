#!/usr/bin/env bash
# walk-vs-xfreerdp.sh [BUILD_DIR] [RUNS] - what the walk after MCS Connect
# (channel joins, Client Info, licensing, activation) costs: the wall time
# of `rdpdoctor check` walking to activation against the same check
# stopped after the MCS channel joins (--stop-after mcs), and against
# `xfreerdp +auth-only` (FreeRDP 2, which also connects up to activation
# on a server without NLA and then exits), per lab server, in the same
# run, the three taking turns run after run. Prints medians, the ratios,
# and from the walk's own record its time and the round trips it waited
# for. Needs root (the lab's namespaces).
#
# Every command runs inside the lab's client namespace, against the lab's
# own servers: no traffic leaves the namespaces.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-$repo/build}
runs=${2:-9}
lab=$repo/tests/lab/lab
rdpdoctor=$build/src/rdpdoctor

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
[ -x "$rdpdoctor" ] || { echo "bench: build first ($rdpdoctor missing)" >&2; exit 1; }
command -v xfreerdp >/dev/null || { echo "bench: xfreerdp missing (scripts/install-deps.sh)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: jq missing (scripts/install-deps.sh)" >&2; exit 1; }
[ "$runs" -ge 1 ] && [ "$runs" -le 100 ] || { echo "bench: RUNS must be 1..100" >&2; exit 1; }

started_lab=0
if ! "$lab" status >/dev/null 2>&1; then
	LAB_BUILD=$build "$lab" up >/dev/null 2>&1 || { echo "bench: lab up failed" >&2; exit 1; }
	started_lab=1
fi
work=$(mktemp -d /tmp/rdpdoctor-bench.XXXXXX)
cleanup() {
	rm -rf "$work"
	[ "$started_lab" = 1 ] && "$lab" down >/dev/null 2>&1
}
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# one FILE CMD...: run CMD in the client namespace, append its wall time
# in seconds to FILE; the lab's display and FreeRDP configuration are set
# (xfreerdp needs a display even with +auth-only).
one() {
	local f=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	"$lab" exec timeout 60 "$@" >"$work/out" 2>&1
	t1=$EPOCHREALTIME
	echo "$t1 - $t0" | bc -l >>"$f"
}

printf '%-22s %9s %9s %9s %7s %7s %9s %6s\n' server walk_s mcs_s xfreerdp_s \
    walk/mcs xf/walk walk_ms rtts
for target in "xrdp-tls 10.201.0.12 tls" "xrdp-negotiate 10.201.0.14 tls" \
    "xrdp-rdp-128 10.201.0.11 rdp"; do
	set -- $target
	name=$1 addr=$2 sec=$3
	: >"$work/walk" >"$work/mcs" >"$work/xf" >"$work/ms"
	for ((i = 0; i < runs; i++)); do
		one "$work/walk" "$rdpdoctor" check --json --samples 0 --no-udp "$addr"
		# Round trips: what the server sent arrives in flights, one per
		# request of ours it answers (received steps sharing a time).
		jq -r '(.session.end_ms - .session.start_ms),
		       ([.session.steps[] | select(.wait_ms != null) | .at_ms]
		        | unique | length)' \
		    "$work/out" 2>/dev/null | paste -sd' ' >>"$work/ms"
		one "$work/mcs" "$rdpdoctor" check --json --samples 0 --no-udp \
		    --stop-after mcs "$addr"
		# FreeRDP 2's salted MACs are refused by Debian's xrdp under
		# standard RDP security (CVE-2026-32105 fix): it cannot connect
		# there, so it is timed against TLS servers only.
		[ "$sec" = tls ] && one "$work/xf" xfreerdp +auth-only \
		    "/v:$addr" /u:rdpdoctor /p:bench /cert:ignore /sec:tls
	done
	w=$(median <"$work/walk")
	m=$(median <"$work/mcs")
	wm=$(awk '{print $1}' "$work/ms" | median)
	waits=$(awk '{print $2}' "$work/ms" | sort -n | uniq -c | sort -rn | awk 'NR==1{print $2}')
	if [ -s "$work/xf" ]; then
		x=$(median <"$work/xf")
		printf '%-22s %9.3f %9.3f %9.3f %7.2f %6.1fx %9.1f %6s\n' "$name" "$w" \
		    "$m" "$x" "$(echo "$w / $m" | bc -l)" "$(echo "$x / $w" | bc -l)" "$wm" "$waits"
	else
		printf '%-22s %9.3f %9.3f %9s %7.2f %7s %9.1f %6s\n' "$name" "$w" "$m" \
		    "-" "$(echo "$w / $m" | bc -l)" "-" "$wm" "$waits"
	fi
done
echo "medians of $runs runs each (the three commands in turn); walk_s: check to activation,"
echo "mcs_s: the same check with --stop-after mcs, xfreerdp_s: xfreerdp +auth-only;"
echo "walk_ms: the walk's own time (Erect Domain to the end), rtts: the flights"
echo "of server PDUs it waited for (one round trip each; the most frequent count)"
