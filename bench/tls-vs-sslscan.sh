#!/usr/bin/env bash
# tls-vs-sslscan.sh [BUILD_DIR] [RUNS] - wall time of `rdpdoctor check
# --tls-full` against `sslscan --rdp` on the same lab servers, in the same
# run, as medians and ratios; then the same on one server with 100 ms of
# added delay (`lab impair 100 0`). Also compares what each found: the
# versions and the cipher suites (IANA names) per version.
#
# rdpdoctor is timed twice: as a TLS audit ("tls": --samples 0 --no-udp,
# the work sslscan does, plus rdpdoctor's own X.224, TLS, MCS and
# CredSSP check), and whole ("all": with the path samples, which are
# spaced 100 ms apart by design, and the RDP-UDP probe).
# Needs root (the lab's namespaces). Holds the lab suite lock, so that no
# lab suite restarts the servers in the middle of a measurement.
#
# Every command runs inside the lab's client namespace, against the lab's
# own servers: no traffic leaves the namespaces.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-$repo/build}
runs=${2:-5}
lab=$repo/tests/lab/lab
rdpdoctor=$build/src/rdpdoctor
delay_runs=${DELAY_RUNS:-3}

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
[ -x "$rdpdoctor" ] || { echo "bench: build first ($rdpdoctor missing)" >&2; exit 1; }
command -v sslscan >/dev/null || { echo "bench: sslscan missing" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: jq missing" >&2; exit 1; }
[ "$runs" -ge 1 ] && [ "$runs" -le 100 ] || { echo "bench: RUNS must be 1..100" >&2; exit 1; }

lock=/run/lock/rdpdoctor-lab-suite.lock
[ -d /run/lock ] || lock=/tmp/rdpdoctor-lab-suite.lock
exec 8>"$lock"
flock -w 900 8 || { echo "bench: the lab stayed busy" >&2; exit 1; }
labc() { LAB_SUITE_LOCK_HELD=1 "$lab" "$@" 8>&-; }

started_lab=0
if ! labc status >/dev/null 2>&1; then
	LAB_BUILD=$build labc up >/dev/null 2>&1 || { echo "bench: lab up failed" >&2; exit 1; }
	started_lab=1
fi
cleanup() {
	rm -f "${names:-}"
	labc unimpair >/dev/null 2>&1
	[ "$started_lab" = 1 ] && labc down >/dev/null 2>&1
}
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# time_one CMD... -> the wall time of one run, in seconds.
time_one() {
	local t0 t1
	t0=$EPOCHREALTIME
	ip netns exec rdpcli timeout 600 "$@" >/dev/null 2>&1
	t1=$EPOCHREALTIME
	echo "$t1 - $t0" | bc -l
}

# found ADDR -> "version suite" lines from each tool, sorted. sslscan
# prints OpenSSL's names for TLS 1.2 and older: they are mapped to IANA
# names with the openssl command's own table (-stdname), as the lab
# suite's comparison does (the functions are its own).
. "$repo/tests/lab/vs-sslscan.bash"
names=$(mktemp)
vs_sslscan_names >"$names"
found_rdpdoctor() {
	ip netns exec rdpcli "$rdpdoctor" check --tls-full --json "$1" 2>/dev/null |
	    vs_rdpdoctor_suites
}
found_sslscan() {
	ip netns exec rdpcli sslscan --rdp --no-colour "$1:3389" 2>/dev/null |
	    vs_sslscan_suites "$names"
}

compare() {
	local addr=$1 a b
	a=$(found_rdpdoctor "$addr")
	b=$(found_sslscan "$addr")
	printf '  found: rdpdoctor %d suites, sslscan %d; ' \
	    "$(grep -c . <<<"$a")" "$(grep -c . <<<"$b")"
	printf 'only sslscan: %s; ' "$(comm -13 <(echo "$a") <(echo "$b") | tr '\n' ',' | sed 's/,$//')"
	printf 'only rdpdoctor: %s\n' "$(comm -23 <(echo "$a") <(echo "$b") | tr '\n' ',' | sed 's/,$//')"
}

# row NAME ADDR RUNS: one line of medians and ratios. The three commands
# take turns, run after run, so that a change in the machine's speed
# while the row runs (this is a shared virtual machine) falls on all
# three alike instead of on whichever ran then.
row() {
	local i t="" a="" s=""
	for ((i = 0; i < $3; i++)); do
		t+="$(time_one "$rdpdoctor" check --tls-full --samples 0 --no-udp --json "$2")"$'\n'
		a+="$(time_one "$rdpdoctor" check --tls-full --json "$2")"$'\n'
		s+="$(time_one sslscan --rdp --no-colour "$2:3389")"$'\n'
	done
	t=$(grep . <<<"$t" | median)
	a=$(grep . <<<"$a" | median)
	s=$(grep . <<<"$s" | median)
	printf '%-28s %8.3f %8.3f %9.3f %9.1fx %9.1fx\n' "$1" "$t" "$a" "$s" \
	    "$(echo "$s / $t" | bc -l)" "$(echo "$s / $a" | bc -l)"
}

printf '%-28s %8s %8s %9s %10s %10s\n' "server" "tls s" "all s" "sslscan s" \
    "ratio tls" "ratio all"
for target in "xrdp-tls 10.201.0.12" "xrdp-tls10 10.201.0.19" \
    "xrdp-nocipher 10.201.0.27" "shadow-nla 10.201.0.15"; do
	set -- $target
	row "$1 ($2)" "$2" "$runs"
	compare "$2"
done
echo "medians of $runs runs each; ratio = sslscan / rdpdoctor (higher: rdpdoctor faster)"
echo "tls: check --tls-full --samples 0 --no-udp; all: check --tls-full"

labc impair 100 0 900 >/dev/null 2>&1 || { echo "bench: impair failed" >&2; exit 1; }
row "xrdp-tls +100 ms" 10.201.0.12 "$delay_runs"
echo "medians of $delay_runs runs each with lab impair 100 0"
