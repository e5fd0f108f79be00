#!/usr/bin/env bash
# check-vs-nmap.sh [BUILD_DIR] [RUNS] - wall time of the default
# `rdpdoctor check` (path samples beside the check), of the same check
# with `--samples 0` (no path samples: the check's own work alone) and of
# `nmap -p 3389 --script rdp-enum-encryption,rdp-ntlm-info`, per lab
# server, in the same run, the three taking turns run after run. Prints
# medians, the ratios default / --samples 0 (what the default samples
# cost; the goal is at most 1.2; with the spread of the run-by-run
# ratios) and nmap / default, and how many samples the default check
# took (the check's own handshakes + connections of their own). Needs
# root (the lab's namespaces).
#
# Every command runs inside the lab's client namespace, against the lab's
# own servers: no traffic leaves the namespaces. Each run is timed inside
# the namespace, so the cost of entering it is not counted.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-$repo/build}
runs=${2:-9}
lab=$repo/tests/lab/lab
rdpdoctor=$build/src/rdpdoctor
nmap_scripts=rdp-enum-encryption,rdp-ntlm-info

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
[ -x "$rdpdoctor" ] || { echo "bench: build first ($rdpdoctor missing)" >&2; exit 1; }
command -v nmap >/dev/null || { echo "bench: nmap missing (scripts/install-deps.sh)" >&2; exit 1; }
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

# Median of the numbers on stdin (one per line).
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# Their quartiles, "Q1-Q3" (nearest rank).
quartiles() { sort -n | awk '{a[NR]=$1} END {q1=int((NR+3)/4); q3=int((3*NR+3)/4); if (q1<1) q1=1; printf "%.2f-%.2f\n", a[q1], a[q3]}'; }

# one FILE CMD...: run CMD in the client namespace (its output in
# $work/out), append its wall time in seconds to FILE.
one() {
	local f=$1
	shift
	ip netns exec rdpcli bash -c \
	    't0=$EPOCHREALTIME; timeout 60 "$@" >"'"$work"'/out" 2>&1
	     t1=$EPOCHREALTIME; echo "$t1 - $t0" | bc -l' _ "$@" >>"$f"
}

printf '%-22s %9s %9s %9s %7s %7s %10s %9s %8s %7s\n' server default_s samples0_s \
    nmap_s def/s0 "(pairs)" "pairs_q1-q3" nmap/def samples wait_ms
for target in "xrdp-negotiate 10.201.0.14" "xrdp-tls 10.201.0.12" \
    "xrdp-rdp 10.201.0.11" "shadow-nla 10.201.0.15"; do
	set -- $target
	name=$1
	addr=$2
	: >"$work/def" >"$work/s0" >"$work/nmap" >"$work/pairs" >"$work/n"
	# One round not counted: the server's first connections (and the
	# page cache) are slower than the rest.
	one /dev/null "$rdpdoctor" check "$addr"
	one /dev/null "$rdpdoctor" check --samples 0 "$addr"
	one /dev/null nmap -Pn -n -p 3389 --script "$nmap_scripts" "$addr"
	for ((i = 0; i < runs; i++)); do
		# The order turns round run by run, and each command starts after
		# a pause: the server's work for one command's connections (the
		# shadow server spends ~50 ms of CPU on each, after the client has
		# gone) is not charged to the next.
		for ((j = 0; j < 3; j++)); do
			sleep 0.3
			case $(((i + j) % 3)) in
			0)
				one "$work/def" "$rdpdoctor" check --json "$addr"
				# The samples the default took (the check's own
				# handshakes + connections of their own) and how long
				# it waited for them after its last phase.
				jq -r '.network | "\(.samples_own // 0)+\((.samples | length) - (.samples_own // 0)) \(.samples_wait_ms)"' \
				    "$work/out" >>"$work/n" 2>/dev/null || echo "? 0" >>"$work/n"
				;;
			1) one "$work/s0" "$rdpdoctor" check --json --samples 0 "$addr" ;;
			2) one "$work/nmap" nmap -Pn -n -p 3389 --script "$nmap_scripts" "$addr" ;;
			esac
		done
		echo "$(tail -n1 "$work/def") / $(tail -n1 "$work/s0")" | bc -l >>"$work/pairs"
	done
	d=$(median <"$work/def")
	s=$(median <"$work/s0")
	n=$(median <"$work/nmap")
	p=$(median <"$work/pairs")
	q=$(quartiles <"$work/pairs")
	k=$(awk '{print $1}' "$work/n" | sort | uniq -c | sort -rn | awk 'NR==1{print $2}')
	w=$(awk '{print $2}' "$work/n" | median)
	printf '%-22s %9.3f %9.3f %9.3f %7.2f %7.2f %10s %8.1fx %8s %7.1f\n' "$name (.${addr##*.})" \
	    "$d" "$s" "$n" "$(echo "$d / $s" | bc -l)" "$p" "$q" "$(echo "$n / $d" | bc -l)" "$k" "$w"
done
echo "medians of $runs runs each (the three commands in turn, the order turning run by run,"
echo "0.3 s apart, after one round not counted);"
echo "default_s: rdpdoctor check, samples0_s: rdpdoctor check --samples 0,"
echo "nmap_s: nmap -Pn -n -p 3389 --script $nmap_scripts;"
echo "def/s0: ratio of the medians (goal <= 1.2), (pairs): median of the run-by-run"
echo "ratios, pairs_q1-q3: their first and third quartiles; nmap/def: higher is"
echo "rdpdoctor faster; samples: the default's path samples, the check's own"
echo "handshakes + connections of their own (the most frequent); wait_ms: the median time the default"
echo "waited for its samples after the check's last phase (network.samples_wait_ms)"
