#!/usr/bin/env bash
# tests/host-wine/check.sh [BUILD] [EXE] - `rdpdoctor.exe host --from-state
# FILE --check 127.0.0.1` under wine against a real listener: BUILD's
# tests/lab/fleetsrv (TLS with a throwaway certificate) on 127.0.0.1:3389
# in a network namespace of this test's own (hostchkw-PID, deleted at the
# end), with a state whose thumbprint is the served certificate's (no
# mismatch) and one with another thumbprint and NLA required
# (host-listener-cert-mismatch, host-policy-not-effective), one with
# SecurityLayer 1 (Negotiate) the TLS-only listener contradicts (with
# --timeout), a --timeout refused as check refuses it, and the exe's own
# read of the (wine) server before its check. EXE defaults
# to build-win/rdpdoctor.exe (scripts/build-win.sh). Wine makes a
# program's sockets in wineserver: the prefix's wineserver is started in
# the namespace first, and every wine command runs there. Ends with
# "host-wine-check: N passed, N failed". Needs root (ip netns).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
exe=${2:-$root/build-win/rdpdoctor.exe}
fleetsrv=$build/tests/lab/fleetsrv
ns=hostchkw-$$
passed=0
failed=0
srv_pid=""
work=""

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
finish() {
	echo "host-wine-check: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

cleanup() {
	if [ -n "$work" ]; then
		(cd "$work" && timeout 20 ip netns exec "$ns" wineserver -k) \
			>/dev/null 2>&1
	fi
	if [ -n "$srv_pid" ]; then
		kill "$srv_pid" 2>/dev/null
		wait "$srv_pid" 2>/dev/null
	fi
	ip netns delete "$ns" 2>/dev/null
	[ -n "$work" ] && rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for t in wine wineserver openssl; do
	if ! command -v "$t" >/dev/null; then
		echo "host-wine-check: SKIPPED - $t not installed"
		[ "${CI:-}" = true ] && { bad "$t" "not installed"; finish; }
		exit 0
	fi
done
[ -f "$exe" ] || { bad exe "no $exe (make win)"; finish; }
[ -x "$fleetsrv" ] || { bad fleetsrv "no $fleetsrv"; finish; }
[ "$(id -u)" = 0 ] || { bad netns "needs root for ip netns"; finish; }
ip netns add "$ns" && ip -n "$ns" link set lo up ||
	{ bad netns "cannot create $ns"; finish; }

work=$(mktemp -d /tmp/rdd-host-wine-check.XXXXXX)
export WINEPREFIX=$work/prefix WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=RDHOST01 \
	-keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 ||
	{ bad openssl "req failed"; finish; }
thumb=$(openssl x509 -in "$work/cert.pem" -noout -fingerprint -sha1 |
	sed 's/.*=//; s/://g' | tr a-f A-F)

ip netns exec "$ns" "$fleetsrv" --proto ssl --cert "$work/cert.pem" \
	--key "$work/key.pem" --port 3389 --seconds 600 \
	--ready "$work/ready" >"$work/srv.out" 2>&1 &
srv_pid=$!
for _ in $(seq 100); do
	[ -e "$work/ready" ] && break
	sleep 0.05
done
[ -e "$work/ready" ] || { bad fleetsrv "not ready"; finish; }

# Run wine from the work directory, its wineserver in the namespace.
cd "$work" || exit 1
t0=$(date +%s)
mkdir -p "$WINEPREFIX"
if ! ip netns exec "$ns" wineserver -p ||
	! timeout 240 ip netns exec "$ns" wine wineboot -i \
		>"$work/boot.log" 2>&1; then
	bad wineboot "$(tail -3 "$work/boot.log" | tr '\n' ' ')"
	finish
fi
echo "host-wine-check: prefix ready in $(($(date +%s) - t0)) s"

# state FILE CONFIGURED_THUMBPRINT USER_AUTHENTICATION [SECURITY_LAYER]
state() {
	cat >"$1" <<EOF
{
  "rdpdoctor_host_state": 1,
  "collected_at": 1765000000,
  "computer": "RDHOST01",
  "reader": "host-wine-check",
  "listener": {
    "fDenyTSConnections": {"local": 0, "policy": null},
    "SecurityLayer": {"local": ${4:-2}, "policy": null},
    "UserAuthentication": {"local": $3, "policy": null},
    "PortNumber": 3389,
    "SSLCertificateSHA1Hash": "$2",
    "SelfSignedCertificate": null
  },
  "service": {"TermService": "running", "start_type": 3},
  "listening": true
}
EOF
}

# case NAME RC IDS-PRESENT IDS-ABSENT MATCH; $extra: more options
run_case() {
	local name=$1 want_rc=$2 present=$3 absent=$4 match=$5 rc id
	# shellcheck disable=SC2086
	timeout 120 ip netns exec "$ns" wine "$exe" host --json \
		--from-state "$name.json" --check ${extra:-} 127.0.0.1 \
		>"$name.out" 2>"$name.err"
	rc=$?
	[ "$rc" = "$want_rc" ] || { bad "$name" "exit $rc, want $want_rc"; return; }
	grep -q "\"served\": \"$thumb\"" "$name.out" ||
		{ bad "$name" "served thumbprint $thumb not reported"; return; }
	grep -q "\"match\": $match" "$name.out" ||
		{ bad "$name" "no \"match\": $match"; return; }
	for id in $present; do
		grep -q "\"id\": \"$id\"" "$name.out" ||
			{ bad "$name" "no $id"; return; }
	done
	for id in $absent; do
		grep -q "\"id\": \"$id\"" "$name.out" &&
			{ bad "$name" "$id reported"; return; }
	done
	ok "$name"
}

state match.json "$thumb" 0
run_case match 1 host-nla-off \
	"host-listener-cert-mismatch host-policy-not-effective" true
state other.json 0123456789ABCDEF0123456789ABCDEF01234567 1
run_case other 1 "host-listener-cert-mismatch host-policy-not-effective" \
	"" false
# SecurityLayer 1 without NLA: the TLS-only listener refuses standard RDP
# security; each phase bounded by --timeout.
state neg.json "$thumb" 0 1
extra="--timeout 3" run_case neg 1 host-policy-not-effective \
	host-listener-cert-mismatch true
if grep -q 'SecurityLayer = 1 (Negotiate, from the RDP-Tcp listener) and UserAuthentication = 0, but the listener refused standard RDP security' neg.out; then
	ok "neg: SecurityLayer 1 compared with the listener"
else
	bad neg "no SecurityLayer 1 evidence"
fi
timeout 60 ip netns exec "$ns" wine "$exe" host --from-state match.json \
	--check --timeout 0 >badt.out 2>badt.err
rc=$?
if [ "$rc" = 3 ] && grep -q "bad timeout '0' (0.05 to 600 seconds)" badt.err; then
	ok "--timeout 0 refused as check refuses it"
else
	bad badt "exit $rc: $(head -c 200 badt.err)"
fi
# rdpdoctor.exe reads the (wine) server it runs on, then checks 127.0.0.1.
timeout 120 ip netns exec "$ns" wine "$exe" host --json --check \
	>live.out 2>live.err
if grep -q "\"served\": \"$thumb\"" live.out &&
	grep -q '"reader": "rdpdoctor ' live.out; then
	ok "live read, then the listener's certificate"
else
	bad live "no live state or no served thumbprint: $(head -c 300 live.err)"
fi
finish
