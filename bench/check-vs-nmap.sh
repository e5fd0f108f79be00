#!/usr/bin/env bash
# check-vs-nmap.sh [BUILD_DIR] [RUNS] - wall time of `rdpdoctor check`
# against `nmap --script rdp-enum-encryption` on the same lab servers, in
# the same run, as medians and ratios. Needs root (the lab's namespaces).
#
# Every command runs inside the lab's client namespace, against the lab's
# own servers: no traffic leaves the namespaces.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-$repo/build}
runs=${2:-10}
lab=$repo/tests/lab/lab
rdpdoctor=$build/src/rdpdoctor

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
[ -x "$rdpdoctor" ] || { echo "bench: build first ($rdpdoctor missing)" >&2; exit 1; }
command -v nmap >/dev/null || { echo "bench: nmap missing (scripts/install-deps.sh)" >&2; exit 1; }
[ "$runs" -ge 1 ] && [ "$runs" -le 100 ] || { echo "bench: RUNS must be 1..100" >&2; exit 1; }

started_lab=0
if ! "$lab" status >/dev/null 2>&1; then
	LAB_BUILD=$build "$lab" up >/dev/null 2>&1 || { echo "bench: lab up failed" >&2; exit 1; }
	started_lab=1
fi
cleanup() { [ "$started_lab" = 1 ] && "$lab" down >/dev/null 2>&1; }
trap cleanup EXIT

# Median of the numbers on stdin (one per line).
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# time_runs CMD... -> prints one wall time in seconds per run.
time_runs() {
	local i t0 t1
	for ((i = 0; i < runs; i++)); do
		t0=$EPOCHREALTIME
		ip netns exec rdpcli timeout 60 "$@" >/dev/null 2>&1
		t1=$EPOCHREALTIME
		echo "$t1 - $t0" | bc -l
	done
}

printf '%-28s %12s %12s %8s\n' "server" "rdpdoctor s" "nmap s" "ratio"
for target in "xrdp-negotiate 10.201.0.14" "xrdp-tls 10.201.0.12" \
    "xrdp-rdp 10.201.0.11" "shadow-nla 10.201.0.15"; do
	set -- $target
	name=$1
	addr=$2
	r=$(time_runs "$rdpdoctor" check --json "$addr" | median)
	n=$(time_runs nmap -Pn -n -p 3389 --script rdp-enum-encryption "$addr" | median)
	ratio=$(echo "$n / $r" | bc -l)
	printf '%-28s %12.4f %12.4f %7.1fx\n' "$name ($addr)" "$r" "$n" "$ratio"
done
echo "medians of $runs runs each; ratio = nmap / rdpdoctor (higher: rdpdoctor faster)"
