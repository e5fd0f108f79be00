#!/usr/bin/env bash
# kerberos-vs-kinit.sh [RUNS] - the kerberos phase with a password
# (rdpdoctor check --user: SRV lookup, the credential-free AS-REQ, then
# AS with pre-authentication and TGS for TERMSRV/rdsh.rdplab.test through
# MIT krb5) against `kinit alice` + `kvno TERMSRV/rdsh.rdplab.test` on
# the same lab: tests/lab/kerberos.bash's MIT KDC and dnsmasq, in
# namespaces of this script's own (prefix kvb; created and deleted here).
# Prints the median and range of each, in ms. Root; needs a build in
# build/ (or RDD_TOOL) and the lab's packages (scripts/install-deps.sh).
set -euo pipefail
runs=${1:-10}
HERE=$(cd "$(dirname "$0")/.." && pwd)
TOOL=${RDD_TOOL:-$HERE/build/src/rdpdoctor}
work=$(mktemp -d)
export KRB_NS_PREFIX=kvb
# shellcheck disable=SC2034 # counters kerberos.bash expects
passed=0 failed=0
# shellcheck disable=SC1091 # sourced from the tree
. "$HERE/tests/lab/kerberos.bash"
trap 'krb_down; rm -rf "$work"' EXIT
krb_up || { echo "lab setup failed" >&2; exit 1; }

# in_cli CMD...: CMD in the client namespace with the lab's resolv.conf.
in_cli() {
	# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
	ip netns exec "$KRB_NS2" unshare -m sh -c \
	    'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
	    "$KRB_DIR/resolv.conf" "$@"
}

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f (%.1f-%.1f)", m, a[1], a[NR]}'; }

: >"$work/rdd" ; : >"$work/rdd-user" ; : >"$work/mit"
for _ in $(seq "$runs"); do
	RDPDOCTOR_PASSWORD=rdd-alice-pw in_cli "$TOOL" check --json --no-udp \
	    --samples 0 -t 2 --realm "$KRB_REALM" --user alice \
	    rdsh.rdplab.test >"$work/out.json" 2>/dev/null || true
	python3 -c 'import json,sys
k=json.load(open(sys.argv[1]))["kerberos"]
assert k["user"]["outcome"]=="ticket", k["user"]
print(k["ms"]); print(k["user"]["as_ms"]+k["user"]["tgs_ms"], file=sys.stderr)' \
	    "$work/out.json" >>"$work/rdd" 2>>"$work/rdd-user"
	t0=${EPOCHREALTIME/./}
	echo rdd-alice-pw | KRB5_CONFIG=$KRB_DIR/krb5.conf \
	    KRB5CCNAME=FILE:$work/cc in_cli kinit alice >/dev/null
	KRB5_CONFIG=$KRB_DIR/krb5.conf KRB5CCNAME=FILE:$work/cc \
	    in_cli kvno TERMSRV/rdsh.rdplab.test >/dev/null
	t1=${EPOCHREALTIME/./}
	echo "$(((t1 - t0) / 1000))" >>"$work/mit"
	rm -f "$work/cc"
done
echo "runs: $runs"
echo "rdpdoctor kerberos phase (SRV, probe, AS+TGS): $(median <"$work/rdd") ms"
echo "  of which AS+TGS with the password:           $(median <"$work/rdd-user") ms"
echo "kinit + kvno (two processes, wall):            $(median <"$work/mit") ms"
