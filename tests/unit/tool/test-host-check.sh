#!/bin/sh
# test-host-check.sh RDPDOCTOR FLEETSRV - `rdpdoctor host --from-state FILE
# --check 127.0.0.1` against a real listener: fleetsrv (TLS with a
# throwaway certificate) on 127.0.0.1:3389 in a network namespace of this
# test's own (hostchk-PID, deleted at the end), with states whose
# thumbprint is the served certificate's (no mismatch) or another one
# (host-listener-cert-mismatch), whose NLA setting the listener does not
# enforce (host-policy-not-effective), and whose listening port has no
# listener (host-listener-not-answering); SecurityLayer 1 (Negotiate)
# against a TLS-only and an RDP-only listener (host-policy-not-effective
# both ways); --timeout against a listener that never answers. As root the namespace is made
# with ip netns; otherwise the test runs itself again in a new user and
# network namespace (unshare -rn), which holds only its own loopback.
set -u
if [ "$(id -u)" != 0 ] && [ -z "${HOSTCHK_UNSHARED:-}" ]; then
	HOSTCHK_UNSHARED=1 exec unshare -rn "$0" "$@"
fi
rdpdoctor=$1
fleetsrv=$2
ns=hostchk-$$
tmp=$(mktemp -d)
srv_pid=
rdp_pid=
silent_pid=
fail=0
inns=

cleanup() {
	if [ -n "$srv_pid" ]; then
		kill "$srv_pid" 2>/dev/null
		wait "$srv_pid" 2>/dev/null
	fi
	for p in $rdp_pid $silent_pid; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "$inns" ] && ip netns delete "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

bad() {
	echo "FAIL: $*" >&2
	fail=1
}

if [ -n "${HOSTCHK_UNSHARED:-}" ]; then
	# Already in a namespace of our own (unshare -rn above).
	ip link set lo up || { echo "FAIL: lo up" >&2; exit 1; }
else
	ip netns add "$ns" || { echo "FAIL: ip netns add $ns" >&2; exit 1; }
	inns="ip netns exec $ns"
	ip -n "$ns" link set lo up || { echo "FAIL: lo up in $ns" >&2; exit 1; }
fi

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=RDHOST01 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1 ||
	{ echo "FAIL: openssl req" >&2; exit 1; }
thumb=$(openssl x509 -in "$tmp/cert.pem" -noout -fingerprint -sha1 |
	sed 's/.*=//; s/://g' | tr a-f A-F)
[ ${#thumb} -eq 40 ] || { echo "FAIL: thumbprint '$thumb'" >&2; exit 1; }

$inns "$fleetsrv" --proto ssl --cert "$tmp/cert.pem" \
	--key "$tmp/key.pem" --port 3389 --seconds 60 \
	--ready "$tmp/ready" >"$tmp/srv.out" 2>&1 &
srv_pid=$!
i=0
while [ ! -e "$tmp/ready" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -e "$tmp/ready" ] || { echo "FAIL: fleetsrv not ready" >&2; exit 1; }
# Standard RDP security only, on 3391.
$inns "$fleetsrv" --proto rdp --port 3391 --seconds 60 \
	--ready "$tmp/ready-rdp" >"$tmp/srv-rdp.out" 2>&1 &
rdp_pid=$!
# A listener that accepts TCP and never answers, on 3392 (bounded); it
# says when it listens, so that a slow interpreter start under load is
# not taken for a refused port.
$inns timeout 60 python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",3392)); s.listen(8)
open(sys.argv[1],"w").close(); time.sleep(60)' "$tmp/ready-silent" &
silent_pid=$!
i=0
while { [ ! -e "$tmp/ready-rdp" ] || [ ! -e "$tmp/ready-silent" ]; } &&
	[ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -e "$tmp/ready-rdp" ] || { echo "FAIL: fleetsrv rdp not ready" >&2; exit 1; }
[ -e "$tmp/ready-silent" ] || { echo "FAIL: silent listener not ready" >&2; exit 1; }

# state FILE CONFIGURED_THUMBPRINT USER_AUTHENTICATION [SECURITY_LAYER]
state() {
	cat >"$1" <<EOF
{
  "rdpdoctor_host_state": 1,
  "collected_at": 1765000000,
  "computer": "RDHOST01",
  "os_version": "10.0.20348",
  "reader": "test-host-check",
  "listener": {
    "fDenyTSConnections": {"local": 0, "policy": null},
    "SecurityLayer": {"local": ${4:-2}, "policy": null},
    "UserAuthentication": {"local": $3, "policy": null},
    "PortNumber": 3389,
    "fEnableWinStation": 1,
    "SSLCertificateSHA1Hash": "$2",
    "SelfSignedCertificate": null
  },
  "service": {"TermService": "running", "start_type": 3},
  "listening": true
}
EOF
}

# run NAME ARGS...: rdpdoctor in the namespace, bounded; JSON to NAME.json.
run() {
	name=$1
	shift
	timeout 60 $inns "$rdpdoctor" host "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $?
}

has() { grep -q "\"id\": \"$2\"" "$tmp/$1.out"; }

# 1. The state's thumbprint is the served one; UserAuthentication 0 as
# fleetsrv (TLS without CredSSP) behaves: no cross-check finding.
state "$tmp/match.json" "$thumb" 0
rc=$(run match --from-state "$tmp/match.json" --check 127.0.0.1 --json)
grep -q "\"served\": \"$thumb\"" "$tmp/match.out" ||
	bad "match: served thumbprint $thumb not in the report"
grep -q '"match": true' "$tmp/match.out" || bad "match: no \"match\": true"
has match host-listener-cert-mismatch && bad "match: cert mismatch reported"
has match host-policy-not-effective && bad "match: policy reported"
has match host-nla-off || bad "match: host-nla-off missing (state read?)"
[ "$rc" = 1 ] || bad "match: exit $rc, want 1 (warning: NLA off)"

# 2. Another thumbprint, and NLA required by the state: both mismatches.
state "$tmp/other.json" 0123456789ABCDEF0123456789ABCDEF01234567 1
rc=$(run other --from-state "$tmp/other.json" --check 127.0.0.1 --json)
has other host-listener-cert-mismatch || bad "other: no cert mismatch"
has other host-policy-not-effective || bad "other: no policy finding"
grep -q '"match": false' "$tmp/other.out" || bad "other: no \"match\": false"
[ "$rc" = 1 ] || bad "other: exit $rc, want 1"
# The text report puts both thumbprints side by side.
rc=$(run other-text --from-state "$tmp/other.json" --check 127.0.0.1)
grep -q "Listener check" "$tmp/other-text.out" ||
	bad "text: no Listener check section"
grep "certificate" "$tmp/other-text.out" | grep "0123456789ABCDEF0123" |
	grep -q "$thumb" || bad "text: thumbprints not side by side"

# 3. The state listens, nothing answers on the port checked.
rc=$(run none --from-state "$tmp/match.json" --check 127.0.0.1:3390 --json)
has none host-listener-not-answering || bad "none: no not-answering"
has none host-listener-cert-mismatch && bad "none: cert compared"
[ "$rc" = 2 ] || bad "none: exit $rc, want 2"

# 4. SecurityLayer 1 (Negotiate) without NLA: a TLS-only listener
# refuses standard RDP security, an RDP-only one refuses TLS.
state "$tmp/neg.json" "$thumb" 0 1
rc=$(run neg-tls --from-state "$tmp/neg.json" --check 127.0.0.1 --json)
has neg-tls host-policy-not-effective || bad "neg-tls: no policy finding"
grep -q 'SecurityLayer = 1 (Negotiate, from the RDP-Tcp listener) and UserAuthentication = 0, but the listener refused standard RDP security' \
	"$tmp/neg-tls.out" || bad "neg-tls: evidence"
rc=$(run neg-rdp --from-state "$tmp/neg.json" --check 127.0.0.1:3391 --json)
grep -q 'SecurityLayer = 1 (Negotiate, from the RDP-Tcp listener), but the listener refused TLS' \
	"$tmp/neg-rdp.out" || bad "neg-rdp: no 'refused TLS' finding"
# SecurityLayer 2 against the RDP-only listener: compared as before.
rc=$(run tls-rdp --from-state "$tmp/match.json" --check 127.0.0.1:3391 --json)
grep -q 'SecurityLayer = 2 (TLS, from the RDP-Tcp listener), but the listener accepted standard RDP security' \
	"$tmp/tls-rdp.out" || bad "tls-rdp: no SecurityLayer 2 finding"

# 5. --timeout, parsed as check parses it: a silent listener is given up
# on after 0.3 s per phase, not check's default 5 s.
t0=$(date +%s.%N)
rc=$(run slow --from-state "$tmp/match.json" --check 127.0.0.1:3392 \
	--timeout 0.3 --json)
el=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
awk -v e="$el" 'BEGIN{exit !(e < 4)}' || bad "slow: took $el s with --timeout 0.3"
grep -q '"timeout"' "$tmp/slow.out" || bad "slow: no phase timed out"
rc=$(run badt --from-state "$tmp/match.json" --check --timeout 0)
[ "$rc" = 3 ] || bad "--timeout 0: exit $rc, want 3"
grep -q "bad timeout '0' (0.05 to 600 seconds)" "$tmp/badt.err" ||
	bad "--timeout 0: message"
rc=$(run nocheck --from-state "$tmp/match.json" --timeout 1)
[ "$rc" = 3 ] || bad "--timeout without --check: exit $rc, want 3"

if [ $fail -ne 0 ]; then
	for f in "$tmp"/*.out "$tmp"/*.err; do
		echo "== $f"
		cat "$f"
	done >&2
	exit 1
fi
echo "host --check: match, mismatch, no-listener, SecurityLayer 1, --timeout ok (slow listener given up in $el s)"
exit 0
