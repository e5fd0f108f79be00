#!/usr/bin/env bash
# scan-ceiling.sh [BUILD_DIR] - the scan engine's own ceiling: hosts per
# second and peak memory of `rdpdoctor scan` against a simulated fleet of
# minimal RDP responders, so that the servers cost next to nothing and the
# figures are the scanner's. Needs root (a network namespace).
#
# The fleet: a network namespace of its own (scanbench-PID, deleted at the
# end) whose loopback answers for a whole /20 (an AnyIP route,
# 10.203.0.0/20: 4,096 addresses), and tests/lab/fleetsrv listening on
# port 3389 of all of them: it answers each X.224 Connection Request with a
# Connection Confirm and speaks no further than PROTO says:
#   rdp (default)  standard RDP security selected: a quick check is TCP and
#                  X.224 on its three connections, a full one adds the MCS
#                  Connect-Initial, which the responder answers by closing;
#   ssl            PROTOCOL_SSL selected, and the ClientHello answered by
#                  closing (the TLS phase fails);
#   tls            PROTOCOL_SSL and a whole TLS handshake with a certificate
#                  made here (ECDSA P-256, self-signed; KEY=rsa:2048 for
#                  RSA), then a close at the first data: a quick check is
#                  TCP, X.224, TLS and the certificate, as against a real
#                  server that requires TLS.
# No packet leaves the namespace.
#
# For each target count (SIZES, default "1000 4000") and depth (quick and
# the default), one scan at concurrency 1 (the baseline) and one per
# CONCURRENCY (default "64 256 1024"): wall time, hosts/s, the client's and
# the server's CPU time, the peak resident size (/usr/bin/time), and the
# memory per check in flight = (peak RSS - the baseline's) / (in flight - 1),
# "in flight" being the scan's own peak count. Figures are printed, not
# asserted. RUNS (default 1) repeats each scan and keeps the median time.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-$repo/build}
rdpdoctor=$build/src/rdpdoctor
sizes=${SIZES:-1000 4000}
concurrencies=${CONCURRENCY:-64 256 1024}
runs=${RUNS:-1}
proto=${PROTO:-rdp}
depths=${DEPTHS:-quick full}
ns=scanbench-$$
prefix=10.203

[ "$(id -u)" = 0 ] || { echo "bench: needs root (a network namespace)" >&2; exit 1; }
[ -x "$rdpdoctor" ] || { echo "bench: build first ($rdpdoctor missing)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (GNU time)" >&2; exit 1; }
[ "$runs" -ge 1 ] && [ "$runs" -le 20 ] || { echo "bench: RUNS must be 1..20" >&2; exit 1; }
for n in $sizes; do
	[ "$n" -ge 2 ] && [ "$n" -le 4094 ] ||
	    { echo "bench: SIZES must be 2..4094 (one /20)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/scan-ceiling.XXXXXX)
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# The responder: from the build, or compiled here.
fleetsrv=$build/tests/lab/fleetsrv
if [ ! -x "$fleetsrv" ]; then
	fleetsrv=$work/fleetsrv
	cc -O2 -o "$fleetsrv" "$repo/tests/lab/fleetsrv.c" -lssl -lcrypto ||
	    { echo "bench: cannot compile tests/lab/fleetsrv.c" >&2; exit 1; }
fi

ip netns add "$ns" || { echo "bench: cannot create namespace $ns" >&2; exit 1; }
ip -n "$ns" link set lo up
ip -n "$ns" route add local $prefix.0.0/20 dev lo ||
    { echo "bench: cannot route $prefix.0.0/20 in $ns" >&2; exit 1; }
srv_args=(--proto "$proto")
case $proto in
rdp | ssl) ;;
tls)
	srv_args=(--proto ssl --cert "$work/cert.pem" --key "$work/key.pem")
	if [ "${KEY:-ec}" = ec ]; then
		key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
	else
		key=(-newkey "$KEY")
	fi
	openssl req -x509 "${key[@]}" -nodes -days 30 -subj /CN=fleetsrv \
	    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null ||
	    { echo "bench: cannot make a certificate (openssl)" >&2; exit 1; }
	;;
*) echo "bench: PROTO must be rdp, ssl or tls" >&2; exit 1 ;;
esac
ip netns exec "$ns" "$fleetsrv" "${srv_args[@]}" --seconds 3600 \
    --ready "$work/ready" >"$work/fleetsrv.out" 2>&1 &
srv_pid=$!
for _ in $(seq 50); do [ -e "$work/ready" ] && break; sleep 0.1; done
[ -e "$work/ready" ] || { echo "bench: fleetsrv did not start" >&2; exit 1; }

# The Nth address of the /20 (from 1).
addr() { echo "$prefix.$(($1 / 256)).$(($1 % 256))"; }

# CPU seconds (user + system) of process $1 so far.
cpu_of() {
	awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# scan N DEPTH C -> "wall hosts/s cpu srv_cpu rss_kb in_flight checked verdicts"
scan() {
	local n=$1 depth=$2 c=$3 i t0 t1 s0 s1 walls=() rss=0 line
	local args=(scan --concurrency "$c" --out "$work/out.ndjson")
	[ "$depth" = quick ] && args+=(--depth quick)
	for ((i = 0; i < runs; i++)); do
		rm -f "$work/out.ndjson"
		s0=$(cpu_of "$srv_pid")
		t0=$EPOCHREALTIME
		ip netns exec "$ns" timeout 600 /usr/bin/time \
		    -f 'time %U %S %M' -o "$work/time" \
		    "$rdpdoctor" "${args[@]}" "$(addr 1)-$(addr "$n")" \
		    >"$work/summary" 2>"$work/err"
		t1=$EPOCHREALTIME
		s1=$(cpu_of "$srv_pid")
		walls+=("$(echo "$t1 - $t0" | bc -l)")
		read -r _ u sy m < <(grep '^time ' "$work/time")
		[ "$m" -gt "$rss" ] && rss=$m
	done
	local wall cpu srv inflight checked verdicts
	wall=$(printf '%s\n' "${walls[@]}" | median)
	cpu=$(echo "$u + $sy" | bc -l)
	srv=$(echo "$s1 - $s0" | bc -l)
	line=$(grep -m1 '^Scan:' "$work/summary")
	inflight=$(sed -n 's/.*at most \([0-9]*\) at once.*/\1/p' <<<"$line")
	checked=$(wc -l <"$work/out.ndjson")
	verdicts=$(grep -m1 'verdicts' "$work/summary" |
	    sed 's/^ *verdicts *//; s/, /,/g; s/ /=/g')
	printf '%s %s %s %s %s %s %s %s\n' "$wall" \
	    "$(echo "$n / $wall" | bc -l)" "$cpu" "$srv" "$rss" \
	    "${inflight:-0}" "$checked" "${verdicts:-none}"
}

echo "rdpdoctor scan against fleetsrv (--proto $proto) in namespace $ns;" \
    "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-6s %6s %8s %9s %8s %8s %9s %6s %10s  %s\n' targets depth conc \
    wall_s hosts/s cpu_s srv_cpu peak_rss in_fl KiB/check verdicts
for n in $sizes; do
	for depth in $depths; do
		read -r w h cpu srv base _ k v < <(scan "$n" "$depth" 1)
		printf '%-6s %-6s %6s %8.2f %9.0f %8.2f %8.2f %7.1fMB %6s %10s  %s\n' \
		    "$n" "$depth" 1 "$w" "$h" "$cpu" "$srv" \
		    "$(echo "$base / 1024" | bc -l)" 1 - "$v"
		[ "$k" = "$n" ] || echo "  only $k of $n hosts written" >&2
		for c in $concurrencies; do
			[ "$c" -lt "$n" ] || continue
			read -r w h cpu srv rss fl k v < <(scan "$n" "$depth" "$c")
			per=-
			[ "$fl" -gt 1 ] &&
			    per=$(printf '%.1f' "$(echo "($rss - $base) / ($fl - 1)" | bc -l)")
			printf '%-6s %-6s %6s %8.2f %9.0f %8.2f %8.2f %7.1fMB %6s %10s  %s\n' \
			    "$n" "$depth" "$c" "$w" "$h" "$cpu" "$srv" \
			    "$(echo "$rss / 1024" | bc -l)" "$fl" "$per" "$v"
			[ "$k" = "$n" ] || echo "  only $k of $n hosts written" >&2
		done
	done
done
kill "$srv_pid" 2>/dev/null
wait "$srv_pid" 2>/dev/null
srv_pid=
cat "$work/fleetsrv.out"
echo "wall and hosts/s: median of $runs runs; cpu_s: the scan's user+system" \
    "CPU; srv_cpu: fleetsrv's; peak_rss: the scan's peak resident size;" \
    "KiB/check: (peak_rss - the concurrency-1 run's) / (in flight - 1)"
