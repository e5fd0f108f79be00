#!/usr/bin/env bash
# scan-vs-nmap.sh [BUILD_DIR] [RUNS] - `rdpdoctor scan` against
# `nmap -Pn -n -p3389 --script rdp-enum-encryption` over the same host
# list, the lab's fleet (10.202.0.1-76, tests/lab/lab's FLEET_MAP), in the
# same run: wall time, hosts/s and the ratio. Needs root (the lab's
# namespaces).
#
# Every command runs inside the lab's client namespace (rdpcli); the fleet's
# addresses are mapped by DNAT onto the lab's own servers: no traffic leaves
# the namespaces. 76 addresses share 6 servers (40 of them xrdp .12), and
# xrdp's listen queue holds 2 connections: many checks at once against one
# real server overflow it, a dropped SYN costs a second and can turn a
# verdict into a timeout. So rdpdoctor runs at several concurrencies
# (CONCURRENCY, default "2 4 8") and every run's verdicts are compared host
# by host with the fleet's expected table (tests/lab/fleet.bash): a run
# counts as honest only when all 76 match. Both scans are of TCP only
# (rdpdoctor with --no-udp, as nmap's script), rdpdoctor with a per-phase
# timeout of TIMEOUT seconds (default 3, as the lab's fleet test) for the 6
# dropped hosts. nmap runs with its own defaults.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-$repo/build}
runs=${2:-1}
lab=$repo/tests/lab/lab
rdpdoctor=$build/src/rdpdoctor
concurrencies=${CONCURRENCY:-2 4 8}
timeout=${TIMEOUT:-3}
fleet=10.202.0
first=1
last=76
hosts=$((last - first + 1))

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
[ -x "$rdpdoctor" ] || { echo "bench: build first ($rdpdoctor missing)" >&2; exit 1; }
command -v nmap >/dev/null || { echo "bench: nmap missing (scripts/install-deps.sh)" >&2; exit 1; }
[ "$runs" -ge 1 ] && [ "$runs" -le 20 ] || { echo "bench: RUNS must be 1..20" >&2; exit 1; }

started_lab=0
if ! "$lab" status >/dev/null 2>&1; then
	LAB_BUILD=$build "$lab" up >/dev/null 2>&1 || { echo "bench: lab up failed" >&2; exit 1; }
	started_lab=1
fi
work=$(mktemp -d /tmp/scan-vs-nmap.XXXXXX)
cleanup() {
	[ "$started_lab" = 1 ] && "$lab" down >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
ip -n rdpcli route get $fleet.$first >/dev/null 2>&1 ||
    { echo "bench: no route to the fleet in rdpcli (lab too old?)" >&2; exit 1; }

# The expected verdicts: fleet_expect N -> "STATUS PHASE ID".
# shellcheck disable=SC1091 # tests/lab/fleet.bash
. "$repo/tests/lab/fleet.bash"

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# How many hosts of the NDJSON in $1 are as expected: the status, the
# failed phase and the finding of the table; at --depth quick ($2), the
# failed phase only (a quick check has no NLA verdict).
matching() {
	local n ok=0 st ph id line got
	for ((n = first; n <= last; n++)); do
		read -r st ph id <<<"$(fleet_expect "$n")"
		line=$(grep -m1 "\"host\":\"$fleet.$n\"" "$1") || continue
		if [ "$2" = quick ]; then
			got=$(jq -r '.verdict.failed_phase // "-"' <<<"$line")
			[ "$got" = "$ph" ] && ok=$((ok + 1))
			continue
		fi
		got=$(jq -r '[.verdict.status, (.verdict.failed_phase // "-")]
		    | join(" ")' <<<"$line")
		[ "$got" = "$st $ph" ] &&
		    jq -e --arg id "$id" '[.findings[].id] | index($id)' \
		        <<<"$line" >/dev/null && ok=$((ok + 1))
	done
	echo "$ok"
}

# run LABEL CMD... -> prints the median wall time; leaves the last run's
# output in $work/out.
run() {
	local i t0 t1 walls=()
	for ((i = 0; i < runs; i++)); do
		t0=$EPOCHREALTIME
		ip netns exec rdpcli timeout 900 "$@" >"$work/out" 2>"$work/err"
		t1=$EPOCHREALTIME
		walls+=("$(echo "$t1 - $t0" | bc -l)")
	done
	printf '%s\n' "${walls[@]}" | median
}

echo "$hosts hosts ($fleet.$first-$last: 6 lab servers by DNAT, 6 refused," \
    "6 dropped); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
nmap_s=$(run nmap -Pn -n -p3389 --script rdp-enum-encryption \
    "$fleet.$first-$last")
nmap_open=$(grep -c '^3389/tcp open' "$work/out")
nmap_script=$(grep -c 'rdp-enum-encryption:' "$work/out")
printf '%-34s %8s %8s %8s  %s\n' run wall_s hosts/s ratio result
printf '%-34s %8.2f %8.1f %8s  %s\n' "nmap rdp-enum-encryption" "$nmap_s" \
    "$(echo "$hosts / $nmap_s" | bc -l)" 1.0x \
    "$nmap_open open, $nmap_script with the script's output"
for depth in quick full; do
	for c in $concurrencies; do
		args=(scan --concurrency "$c" --timeout "$timeout" --no-udp
		    --out "$work/scan.ndjson")
		[ "$depth" = quick ] && args+=(--depth quick)
		s=$(run "$rdpdoctor" "${args[@]}" "$fleet.$first-$last")
		ok=$(matching "$work/scan.ndjson" "$depth")
		printf '%-34s %8.2f %8.1f %7.1fx  %s\n' \
		    "rdpdoctor scan --depth $depth -c $c" "$s" \
		    "$(echo "$hosts / $s" | bc -l)" "$(echo "$nmap_s / $s" | bc -l)" \
		    "$ok of $hosts as expected"
	done
done
echo "wall: median of $runs runs; ratio = nmap / rdpdoctor (higher: rdpdoctor faster);"
echo "expected: the verdict and finding of tests/lab/fleet.bash's table, host by host"
