#!/usr/bin/env bash
# tests/host-wine/run.sh [BUILD] - rdpdoctor-host.exe under wine, end to end.
#
# Cross-builds rdpdoctor-host.exe (scripts/build-win-host.sh), makes a
# throwaway WINEPREFIX, and for each scenario imports fixtures/00-reset.reg,
# 10-healthy.reg and the scenario's fault (.reg, or a service change), runs
# the exe, feeds the state it prints to `BUILD/src/rdpdoctor host
# --from-state --json` and compares the finding ids with the expected
# ones. Ends with "host-wine: N passed, N failed". Wine's first start in a
# new prefix takes tens of seconds (measured and printed); everything is
# bounded by timeouts. The listening port is a free loopback port with a
# small listener, so GetExtendedTcpTable sees a real socket.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
tool=$build/src/rdpdoctor
here=$root/tests/host-wine
passed=0
failed=0

for t in wine wineserver x86_64-w64-mingw32-gcc python3; do
	if ! command -v "$t" >/dev/null; then
		echo "host-wine: SKIPPED - $t not installed (scripts/install-deps.sh installs it)"
		[ "${CI:-}" = true ] && echo "host-wine: 0 passed, 1 failed"
		exit 0
	fi
done
[ -x "$tool" ] || { echo "host-wine: no $tool"; echo "host-wine: 0 passed, 1 failed"; exit 1; }

work=$(mktemp -d /tmp/rdd-host-wine.XXXXXX)
export WINEPREFIX=$work/prefix WINEDEBUG=-all
# No Mono or Gecko installer prompts in a fresh prefix.
export WINEDLLOVERRIDES="mscoree,mshtml="
listener=""
cleanup() {
	timeout 20 wineserver -k >/dev/null 2>&1
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

if ! "$root/scripts/build-win-host.sh" "$work/rdpdoctor-host.exe" >/dev/null ||
	! x86_64-w64-mingw32-gcc -O2 -Wall -Werror -static -o "$work/mkkey.exe" \
		"$here/mkkey.c" -ladvapi32; then
	bad build "cross-build failed"
	echo "host-wine: $passed passed, $failed failed"
	exit 1
fi
ok "cross-build ($(stat -c %s "$work/rdpdoctor-host.exe") bytes, static)"

# Run wine from the work directory: never from one holding a reg.exe.
cd "$work" || exit 1
t0=$(date +%s.%N)
if ! timeout 240 wine wineboot -i >"$work/boot.log" 2>&1; then
	bad wineboot "$(tail -3 "$work/boot.log")"
	echo "host-wine: $passed passed, $failed failed"
	exit 1
fi
boot=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
printf 'host-wine: new prefix in %.1f s\n' "$boot"
# Let the new prefix settle (wineboot leaves processes behind), then keep
# one wineserver (and its services) for the whole run.
timeout 120 wineserver -w >/dev/null 2>&1
settle=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
printf 'host-wine: prefix settled after %.1f s\n' "$settle"
timeout 10 wineserver -p600 >/dev/null 2>&1 || true

# A free loopback port with a listener (bounded: 600 s at most).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 600 python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$port)); s.listen(4); time.sleep(600)" &
listener=$!
# A second port nobody listens on.
port2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p reg
for f in "$here"/fixtures/*.reg; do
	sed -e "s/LPort=3389/LPort=$port/" \
		-e "s/\"PortNumber\"=dword:00000d3d/\"PortNumber\"=dword:$(printf %08x "$port")/" \
		"$f" >"reg/$(basename "$f")"
done
{
	printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp]\n"PortNumber"=dword:%08x\n' "$port2"
	printf '\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules]\n'
	printf '"RemoteDesktop-UserMode-In-TCP"="v2.33|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=%s|"\n' "$port2"
} >reg/90-port-without-listener.reg
# Certificates made now: one for client authentication only, one that
# names no private key.
python3 "$here/mkcert.py" reg/10-healthy.reg reg/32-cert-client-auth-only.reg clientAuth &&
	python3 "$here/mkcert.py" reg/10-healthy.reg reg/33-cert-no-key.reg serverAuth --no-key &&
	python3 "$here/mkcert.py" reg/10-healthy.reg reg/39-cert-cng.reg serverAuth --cng ||
	bad mkcert "openssl or python3 failed"

# wine's TermService (a stub service) runs like the real one would. Right
# after wineboot it may time out starting, or be stopped again while the
# new prefix settles: every scenario but one starts it (a no-op when it
# runs).
start_termservice() {
	local i
	for i in 1 2 3; do
		timeout 60 wine net start TermService >"$work/net.log" 2>&1
		grep -Eq "started successfully|already running" "$work/net.log" &&
			return
	done
	bad "net start TermService" "$(tr -d '\r' <"$work/net.log" | head -3)"
}

# scenario NAME "EXPECTED IDS" FAULT.reg... ; sets $state to the state file.
scenario() {
	local name=$1 want=$2 got f
	shift 2
	[ "$name" = termservice-stopped ] || start_termservice
	for f in 00-reset.reg 10-healthy.reg; do
		timeout 60 wine reg import "reg/$f" >/dev/null 2>&1
	done
	timeout 60 wine "$work/mkkey.exe" >/dev/null 2>&1 || { bad "$name" "mkkey failed"; return; }
	for f in "$@"; do
		timeout 60 wine reg import "reg/$f" >/dev/null 2>&1
	done
	if [ -n "${restart_wine:-}" ]; then
		# The service manager reads Services\ when it starts.
		timeout 60 wineserver -k >/dev/null 2>&1
		timeout 60 wineserver -w >/dev/null 2>&1
	fi
	state=$work/$name.json
	if ! timeout 60 wine "$work/rdpdoctor-host.exe" --dump-state >"$state" 2>"$work/$name.err"; then
		bad "$name" "rdpdoctor-host.exe failed: $(head -c 300 "$work/$name.err")"
		return
	fi
	"$tool" host --from-state "$state" --json >"$work/$name.out" 2>"$work/$name.err"
	got=$(python3 -c 'import json,sys; print(" ".join(sorted(f["id"] for f in json.load(open(sys.argv[1]))["findings"])))' "$work/$name.out" 2>/dev/null)
	want=$(echo "$want" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ *$//')
	if [ "$got" = "$want" ]; then
		ok "$name: ${want:-no finding}"
	else
		bad "$name" "findings '$got', expected '$want' ($(head -c 300 "$work/$name.err"))"
	fi
}

# state_has NAME PYTHON-EXPR: a fact of the last state read.
state_has() {
	if python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$state" 2>/dev/null; then
		ok "$1"
	else
		bad "$1" "not in the state: $2"
	fi
}

t0=$(date +%s.%N)
scenario healthy ""
state_has "healthy state: TermService running, port listening" \
	's["service"]["TermService"]=="running" and s["listening"] is True'
state_has "healthy state: certificate found with its key, EKU read" \
	's["certificate"]["found"] and s["certificate"]["key"]=="present" and s["certificate"]["server_auth"] is True and s["certificate"]["not_after"]==4102358400'
state_has "healthy state: the firewall rule for the port, profiles on" \
	'any(r["id"]=="RemoteDesktop-UserMode-In-TCP" for r in s["firewall"]["rules"]) and s["firewall"]["profiles"]["Public"]==1'
state_has "healthy state: no GracePeriod key (null), no suite policy (null), TermService's dependencies read" \
	's["licensing"]["grace_period_timebomb"] is None and s["schannel"]["cipher_suite_order"] is None and isinstance(s["service"]["dependencies"], list)'
state_has "healthy state: key file ACL not readable under wine (left out)" \
	'"key_network_service_read" not in s["certificate"]'
scenario securitylayer-policy-rdp host-security-layer-rdp 20-fault-securitylayer-rdp.reg
if grep -q 'SecurityLayer = 0 (from Group Policy); the listener' "$work/securitylayer-policy-rdp.out"; then
	ok "securitylayer-policy-rdp: the policy value wins over the listener's 2"
else
	bad "securitylayer-policy-rdp" "evidence does not name Group Policy"
fi
scenario nla-off host-nla-off 21-fault-nla-off.reg
scenario credssp-vulnerable host-credssp-oracle-vulnerable 22-fault-credssp-vulnerable.reg
scenario tls12-server-disabled host-schannel-tls12-disabled 23-fault-tls12-server-disabled.reg
scenario no-tls host-schannel-no-tls 30-fault-no-tls.reg
scenario licensing-unset host-licensing-not-configured 24-fault-licensing-unset.reg
scenario license-server-missing host-license-server-missing 31-fault-license-server-missing.reg
scenario thumbprint-dangling host-cert-thumbprint-unknown 25-fault-thumbprint-dangling.reg
scenario cert-expired host-cert-expired 26-fault-cert-expired.reg
scenario key-missing host-cert-key-missing 28-fault-key-missing.reg
scenario cert-client-auth-only host-cert-no-server-auth 32-cert-client-auth-only.reg
scenario cert-not-linked host-cert-key-missing 33-cert-no-key.reg
if grep -q 'names no private key' "$work/cert-not-linked.out"; then
	ok "cert-not-linked: the certificate names no private key"
else
	bad "cert-not-linked" "evidence does not say the certificate names no key"
fi
scenario firewall-rule-off host-firewall-closed 27-fault-firewall-rule-off.reg
scenario rdp-denied-by-policy host-rdp-disabled 29-fault-rdp-denied-by-policy.reg
scenario listener-missing host-listener-missing 90-port-without-listener.reg
scenario cipher-order-no-tls12 host-schannel-no-usable-suite 34-fault-cipher-order-no-tls12.reg
state_has "cipher-order-no-tls12: the policy list read (REG_SZ)" \
	's["schannel"]["cipher_suite_order"].startswith("TLS_RSA_WITH_3DES_EDE_CBC_SHA,TLS_AES_256")'
scenario cipher-order-multi "" 35-cipher-order-multi.reg
state_has "cipher-order-multi: REG_MULTI_SZ joined with commas" \
	's["schannel"]["cipher_suite_order"]=="TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" and s["schannel"]["ciphers"]["AES 128/128"] is None'
scenario cipher-order-aes-disabled host-schannel-no-usable-suite 35-cipher-order-multi.reg 36-fault-aes-disabled.reg
state_has "cipher-order-aes-disabled: the AES switches read" \
	's["schannel"]["ciphers"]=={"AES 128/128":0,"AES 256/256":0} and s["schannel"]["key_exchange"]["ECDH"] is None'
scenario grace-timebomb "" 37-grace-timebomb.reg
state_has "grace-timebomb: the timebomb value seen; WMI TerminalServices not readable under wine" \
	's["licensing"]["grace_period_timebomb"] is True and "grace_period_days_left" not in s["licensing"] and "TerminalServerMode" not in s["licensing"]'
scenario cert-cng "" 39-cert-cng.reg
state_has "cert-cng: CNG key not readable under wine (NCryptOpenKey stub), no ACL guessed" \
	's["certificate"]["found"] and "key" not in s["certificate"] and "key_directory" not in s["certificate"] and "key_network_service_read" not in s["certificate"] and s["certificate"]["key_container"]=="te-RDP-cng"'
timeout 60 wine net stop TermService >/dev/null 2>&1
scenario termservice-stopped host-termservice-stopped
state_has "termservice-stopped: dependencies read (wine's TermService has none)" \
	's["service"]["dependencies"]==[]'
# Last: it changes TermService itself, which 00-reset.reg does not undo.
restart_wine=1 scenario termservice-dependency "host-termservice-stopped host-termservice-dependency" 38-fault-termservice-dependency.reg
state_has "termservice-dependency: RpcSs (demand start in wine) and the disabled TermDD driver read from DependOnService" \
	'[(d["name"],d.get("start_type")) for d in s["service"]["dependencies"]]==[("RpcSs",3),("TermDD",4)] and s["service"]["dependencies"][1]["state"]=="stopped"'

name=$(timeout 60 wine "$work/rdpdoctor-host.exe" --key-file-name TSSecKeySet1 2>/dev/null | tr -d '\r')
case $name in
f686aace6942fb7f7ceb231212eef4a4_*) ok "MachineKeys name of TSSecKeySet1: $name" ;;
*) bad "key-file-name" "got '$name'" ;;
esac
printf 'host-wine: scenarios in %.1f s\n' "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')"
echo "host-wine: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
