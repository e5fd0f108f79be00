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
#
# Then, unless SIM=0, the same two tools over a simulated fleet where the
# servers cost next to nothing: SIM addresses (default 1000) of a server
# namespace (scanbench-PID-s) served by tests/lab/fleetsrv with a TLS
# handshake (as bench/scan-ceiling.sh PROTO=tls), scanned from a client
# namespace (scanbench-PID-c) over a veth pair, both deleted at the end, so
# that the figures are the tools' own: how many hosts each gets through at
# once. (Not from the servers' own namespace: there every target is a local
# address with itself as source, and nmap then scans one host at a time.)
# LAB=0 skips the lab's fleet (and needs no lab).
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
[ "${SIM:-1000}" -ge 0 ] && [ "${SIM:-1000}" -le 4094 ] || { echo "bench: SIM must be 0..4094" >&2; exit 1; }

started_lab=0
labrun=${LAB:-1}
if [ "$labrun" = 1 ] && ! "$lab" status >/dev/null 2>&1; then
	LAB_BUILD=$build "$lab" up >/dev/null 2>&1 || { echo "bench: lab up failed" >&2; exit 1; }
	started_lab=1
fi
work=$(mktemp -d /tmp/scan-vs-nmap.XXXXXX)
sim=${SIM:-1000}
sim_ns=scanbench-$$-c
srv_ns=scanbench-$$-s
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	ip netns del "$sim_ns" 2>/dev/null
	ip netns del "$srv_ns" 2>/dev/null
	[ "$started_lab" = 1 ] && "$lab" down >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
[ "$labrun" != 1 ] || ip -n rdpcli route get $fleet.$first >/dev/null 2>&1 ||
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
run_ns=rdpcli
run() {
	local i t0 t1 walls=()
	for ((i = 0; i < runs; i++)); do
		t0=$EPOCHREALTIME
		ip netns exec "$run_ns" timeout 900 "$@" >"$work/out" 2>"$work/err"
		t1=$EPOCHREALTIME
		walls+=("$(echo "$t1 - $t0" | bc -l)")
	done
	printf '%s\n' "${walls[@]}" | median
}

lab_part() {
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
}
[ "$labrun" != 1 ] || lab_part

[ "$sim" -gt 0 ] || exit 0
fleetsrv=$build/tests/lab/fleetsrv
if [ ! -x "$fleetsrv" ]; then
	fleetsrv=$work/fleetsrv
	cc -O2 -o "$fleetsrv" "$repo/tests/lab/fleetsrv.c" -lssl -lcrypto ||
	    { echo "bench: cannot compile tests/lab/fleetsrv.c" >&2; exit 1; }
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 30 -subj /CN=fleetsrv -keyout "$work/key.pem" \
    -out "$work/cert.pem" 2>/dev/null ||
    { echo "bench: cannot make a certificate (openssl)" >&2; exit 1; }
ip netns add "$sim_ns" && ip netns add "$srv_ns" ||
    { echo "bench: cannot create $sim_ns and $srv_ns" >&2; exit 1; }
ip -n "$sim_ns" link add veth-sbc type veth peer name veth-sbs netns "$srv_ns"
ip -n "$sim_ns" link set lo up
ip -n "$srv_ns" link set lo up
ip -n "$sim_ns" addr add 10.204.0.1/30 dev veth-sbc
ip -n "$srv_ns" addr add 10.204.0.2/30 dev veth-sbs
ip -n "$sim_ns" link set veth-sbc up
ip -n "$srv_ns" link set veth-sbs up
ip -n "$sim_ns" route add 10.203.0.0/20 via 10.204.0.2
ip -n "$srv_ns" route add local 10.203.0.0/20 dev lo ||
    { echo "bench: cannot set up the simulated fleet's network" >&2; exit 1; }
ip netns exec "$srv_ns" "$fleetsrv" --proto ssl --cert "$work/cert.pem" \
    --key "$work/key.pem" --seconds 3600 --ready "$work/ready" \
    >"$work/fleetsrv.out" 2>&1 &
srv_pid=$!
for _ in $(seq 50); do [ -e "$work/ready" ] && break; sleep 0.1; done
[ -e "$work/ready" ] || { echo "bench: fleetsrv did not start" >&2; exit 1; }
for ((n = 1; n <= sim; n++)); do echo "10.203.$((n / 256)).$((n % 256))"; done >"$work/sim"
run_ns=$sim_ns
echo
echo "$sim simulated hosts (tests/lab/fleetsrv in $srv_ns: X.224, then a TLS" \
    "handshake, ECDSA P-256); load average $(cut -d' ' -f1-3 /proc/loadavg)"
nmap_s=$(run nmap -Pn -n -p3389 --script rdp-enum-encryption -iL "$work/sim")
nmap_script=$(grep -c 'rdp-enum-encryption:' "$work/out")
printf '%-34s %8s %8s %8s  %s\n' run wall_s hosts/s ratio result
printf '%-34s %8.2f %8.1f %8s  %s\n' "nmap rdp-enum-encryption" "$nmap_s" \
    "$(echo "$sim / $nmap_s" | bc -l)" 1.0x "$nmap_script with the script's output"
for depth in quick full; do
	for c in 64 256; do
		args=(scan --concurrency "$c" --timeout "$timeout" --no-udp
		    --out "$work/scan.ndjson")
		[ "$depth" = quick ] && args+=(--depth quick)
		s=$(run "$rdpdoctor" "${args[@]}" -iL "$work/sim")
		printf '%-34s %8.2f %8.1f %7.1fx  %s\n' \
		    "rdpdoctor scan --depth $depth -c $c" "$s" \
		    "$(echo "$sim / $s" | bc -l)" "$(echo "$nmap_s / $s" | bc -l)" \
		    "$(wc -l <"$work/scan.ndjson") hosts written"
	done
done
