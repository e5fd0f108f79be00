# kerberos.bash - sourced by run-integration.sh: the kerberos phase against
# a real MIT KDC (krb5-kdc) and dnsmasq for the SRV records, in network
# namespaces of its own (kerberos-kdc, kerberos-cli; created and deleted
# here, never the shared lab's), per shared/reference/kerberos.md 8.1.
#
# rdpdoctor runs in kerberos-cli with a private /etc/resolv.conf
# (`unshare -m` and a bind mount) naming the dnsmasq of kerberos-kdc. The
# RDP target is rdsh.rdplab.test (10.209.0.1), where nothing listens on
# 3389: the check fails in phase tcp, and the kerberos phase runs beside
# it all the same (its realm comes from --realm), which is what is tested
# here. The cases:
#   kerberos-srv      KDC found by SRV, KDC_ERR_C_PRINCIPAL_UNKNOWN for
#                     the made-up client name, skew within 1 s of 0
#   kerberos-skew     the KDC under faketime +10 minutes: kerberos-clock-
#                     skew, skew within 1 s of +600
#   kerberos-dropped  88/udp and 88/tcp dropped in kerberos-kdc:
#                     kerberos-kdc-unreachable, the phase within its
#                     timeout
#   kerberos-udp      88/udp dropped only: kerberos-kdc-udp-blocked
#   kerberos-nosrv    a realm without SRV records: kerberos-kdc-not-found
#   kerberos-by-ip    the target as an address: kerberos-by-ip
#   kerberos-suffix   --kdc without --realm: the realm is the target's DNS
#                     suffix (once attempt A is over), the KDC the option's
# With --user and RDPDOCTOR_PASSWORD (the AS and TGS exchanges through MIT
# krb5, reference 4):
#   kerberos-user-ticket    alice, right password, rdsh (TERMSRV SPN): a
#                           TGT and the ticket, no Kerberos failure
#   kerberos-user-spn       alice on nospn.rdplab.test (no SPN):
#                           kerberos-spn-missing (warning), TGS 7
#   kerberos-user-password  a wrong password: kerberos-preauth-failed, 24
#   kerberos-user-locked    -allow_tix: kerberos-account-revoked, 18
#   kerberos-user-expired   -pwexpire now: kerberos-password-expired, 23
#   kerberos-user-unknown   no such user: kerberos-user-unknown, 6
#   kerberos-user-etype     a Camellia-only account: 25 without an
#                           ETYPE-INFO2 for AES or RC4,
#                           kerberos-etype-unsupported
#   kerberos-user-skew      the KDC at +10 minutes: MIT adopts its clock
#                           (time_offset_s 600), the ticket comes, and
#                           kerberos-clock-skew is still reported
#   kerberos-user-dropped   88 dropped: the exchange is not started, the
#                           phase ends within its timeout
#   kerberos-user-secret    -v, --json and KRB5_TRACE: the password is in
#                           no output, MIT's trace file stays empty
#                           (KRB5_INIT_CONTEXT_SECURE), no private
#                           krb5.conf is left in TMPDIR
# CredSSP over Kerberos against tests/lab/krbacceptor (krbrdp.rdplab.test,
# 10.209.0.3:3389 in kerberos-kdc, keytab of TERMSRV/krbrdp, kvno 3):
#   kerberos-logon          alice: the logon goes over Kerberos (JSON
#                           logon.mechanism), the acceptor's verdict is
#                           "logon ok" with empty credentials; a hostile
#                           KRB5_CONFIG in the environment is not read
#   kerberos-logon-full     --logon: the password delegated in authInfo and
#                           checked by the acceptor; it is in no output
#                           (text, -v, --json) and in no MIT trace
#   kerberos-logon-password a wrong password: kerberos-preauth-failed, so
#                           the logon goes over NTLM (and says why); the
#                           acceptor speaks Kerberos only and refuses it
#   kerberos-logon-stale    the acceptor's keytab holds the old key (kvno
#                           2): KRB_AP_ERR_BADKEYVER inside CredSSP,
#                           kerberos-server-key-stale (critical)
#   kerberos-ntlm-blocked   alice on nospnrdp.rdplab.test (the acceptor's
#                           address, no TERMSRV SPN for that name):
#                           kerberos-spn-missing, and the acceptor refuses
#                           the NTLM fallback: kerberos-ntlm-blocked
#                           (critical)
#   kerberos-logon-skew     the acceptor under faketime +10 minutes:
#                           KRB_AP_ERR_SKEW with its clock, kerberos-clock-
#                           skew (critical), the server's skew within 2 s
#                           of +600
# Every check exits 2: nothing listens on rdsh's 3389 (tcp-refused), so the
# exit code is asserted together with the finding and its severity.
#
# Uses from the caller: TOOL, work, passed, failed, n, FILTER.
# shellcheck disable=SC2154 # set by the caller

# KRB_NS_PREFIX names the namespaces and the veth pair (default
# "kerberos"), so that two runs on one machine do not meet.
KRB_NSP=${KRB_NS_PREFIX:-kerberos}
KRB_NS1=$KRB_NSP-kdc
KRB_NS2=$KRB_NSP-cli
KRB_NET=10.209.0
KRB_REALM=RDPLAB.TEST
KRB_TIMEOUT=2

krb_ok() {
	echo "ok   $1${2:+ ($2)}"
	passed=$((passed + 1))
}

krb_fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
}

# krb_kdc_start [FAKETIME]: krb5kdc in kerberos-kdc, in the foreground
# of a background shell (-n), its PID in $KRB_DIR/kdc.pid.
krb_kdc_start() {
	local ft=${1:-}
	if [ -n "$ft" ]; then
		KRB5_CONFIG=$KRB_DIR/krb5.conf KRB5_KDC_PROFILE=$KRB_DIR/kdc.conf \
		    ip netns exec "$KRB_NS1" faketime "$ft" krb5kdc -n \
		    -r $KRB_REALM >>"$KRB_DIR/kdc.out" 2>&1 &
	else
		KRB5_CONFIG=$KRB_DIR/krb5.conf KRB5_KDC_PROFILE=$KRB_DIR/kdc.conf \
		    ip netns exec "$KRB_NS1" krb5kdc -n -r $KRB_REALM \
		    >>"$KRB_DIR/kdc.out" 2>&1 &
	fi
	echo $! >"$KRB_DIR/kdc.pid"
	# Up when 88/tcp listens (at most 5 s).
	local _
	for _ in $(seq 50); do
		ip netns exec "$KRB_NS1" ss -Hltn 'sport = :88' 2>/dev/null |
		    grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# The KDC's processes: every krb5kdc in kerberos-kdc (faketime runs the
# KDC as its child, so $! alone is not the KDC).
krb_kdc_pids() {
	local p
	for p in $(ip netns pids "$KRB_NS1" 2>/dev/null); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = krb5kdc ] && echo "$p"
	done
}

krb_kdc_stop() {
	local pid pids _
	pid=$(cat "$KRB_DIR/kdc.pid" 2>/dev/null)
	pids=$(krb_kdc_pids)
	# shellcheck disable=SC2086 # a list of PIDs
	[ -n "$pid$pids" ] && kill $pid $pids 2>/dev/null
	[ -n "$pid" ] && wait "$pid" 2>/dev/null
	for _ in $(seq 50); do
		[ -z "$(krb_kdc_pids)" ] && break
		sleep 0.1
	done
	rm -f "$KRB_DIR/kdc.pid"
}

krb_up() {
	KRB_DIR=$work/kerberos
	mkdir -p "$KRB_DIR"
	cat >"$KRB_DIR/krb5.conf" <<EOC
[libdefaults]
	default_realm = $KRB_REALM
	dns_lookup_kdc = true
	dns_lookup_realm = false
[realms]
	$KRB_REALM = { }
EOC
	cat >"$KRB_DIR/kdc.conf" <<EOC
[kdcdefaults]
	kdc_listen = 88
	kdc_tcp_listen = 88
[realms]
	$KRB_REALM = {
		database_name = $KRB_DIR/principal
		key_stash_file = $KRB_DIR/stash
		acl_file = $KRB_DIR/kadm5.acl
		default_principal_flags = +preauth
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
	}
[logging]
	kdc = FILE:$KRB_DIR/kdc.log
EOC
	: >"$KRB_DIR/kadm5.acl"
	cat >"$KRB_DIR/dnsmasq.conf" <<EOC
listen-address=$KRB_NET.1
bind-interfaces
no-resolv
no-hosts
host-record=dc1.rdplab.test,$KRB_NET.1
host-record=rdsh.rdplab.test,$KRB_NET.1
host-record=nospn.rdplab.test,$KRB_NET.1
host-record=krbrdp.rdplab.test,$KRB_NET.3
host-record=nospnrdp.rdplab.test,$KRB_NET.3
srv-host=_kerberos._udp.rdplab.test,dc1.rdplab.test,88
srv-host=_kerberos._tcp.rdplab.test,dc1.rdplab.test,88
local=/rdplab.test/
local=/nosrv.test/
EOC
	echo "nameserver $KRB_NET.1" >"$KRB_DIR/resolv.conf"
	env KRB5_CONFIG="$KRB_DIR/krb5.conf" KRB5_KDC_PROFILE="$KRB_DIR/kdc.conf" \
	    kdb5_util create -s -r $KRB_REALM -P rdd-master-pw \
	    >"$KRB_DIR/setup.log" 2>&1 || return 1
	env KRB5_CONFIG="$KRB_DIR/krb5.conf" KRB5_KDC_PROFILE="$KRB_DIR/kdc.conf" \
	    kadmin.local -q "addprinc -pw rdd-alice-pw alice" \
	    >>"$KRB_DIR/setup.log" 2>&1 || return 1
	# With a password (reference 8.1): a disabled account (-allow_tix,
	# 18 as for a locked one), an expired password (23), an account
	# with a Camellia key only (none a Windows client allows), the
	# TERMSRV SPN of rdsh and none for nospn.
	local q
	for q in "addprinc -pw rdd-locked-pw locked" \
	    "modprinc -allow_tix locked" \
	    "addprinc -pw rdd-expired-pw expired" \
	    "modprinc -pwexpire now expired" \
	    "addprinc -pw rdd-cam-pw -e camellia256-cts-cmac:normal camonly" \
	    "addprinc -randkey TERMSRV/rdsh.rdplab.test" \
	    "addprinc -randkey TERMSRV/krbrdp.rdplab.test" \
	    "ktadd -k $KRB_DIR/stale.keytab TERMSRV/krbrdp.rdplab.test" \
	    "ktadd -k $KRB_DIR/rdp.keytab TERMSRV/krbrdp.rdplab.test"; do
		env KRB5_CONFIG="$KRB_DIR/krb5.conf" \
		    KRB5_KDC_PROFILE="$KRB_DIR/kdc.conf" kadmin.local -q "$q" \
		    >>"$KRB_DIR/setup.log" 2>&1 || return 1
	done
	ip netns add "$KRB_NS1" || return 1
	ip netns add "$KRB_NS2" || return 1
	ip link add "$KRB_NSP"-v1 type veth peer name "$KRB_NSP"-v2 || return 1
	ip link set "$KRB_NSP"-v1 netns "$KRB_NS1"
	ip link set "$KRB_NSP"-v2 netns "$KRB_NS2"
	ip -n "$KRB_NS1" addr add $KRB_NET.1/24 dev "$KRB_NSP"-v1
	ip -n "$KRB_NS2" addr add $KRB_NET.2/24 dev "$KRB_NSP"-v2
	ip -n "$KRB_NS1" addr add $KRB_NET.3/24 dev "$KRB_NSP"-v1
	ip -n "$KRB_NS1" link set lo up
	ip -n "$KRB_NS2" link set lo up
	ip -n "$KRB_NS1" link set "$KRB_NSP"-v1 up
	ip -n "$KRB_NS2" link set "$KRB_NSP"-v2 up
	# In the foreground of a background job: reaped by this shell.
	ip netns exec "$KRB_NS1" dnsmasq -k -C "$KRB_DIR/dnsmasq.conf" \
	    2>>"$KRB_DIR/setup.log" &
	echo $! >"$KRB_DIR/dnsmasq.pid"
	local _
	for _ in $(seq 50); do
		ip netns exec "$KRB_NS1" ss -Hlun 'sport = :53' 2>/dev/null |
		    grep -q . && break
		sleep 0.1
	done
	krb_kdc_start
}

# The Kerberos CredSSP acceptor (tests/lab/krbacceptor.c) on
# krbrdp.rdplab.test:3389, with KEYTAB, optionally under FAKETIME; the
# password a delegated logon must carry in its environment, never argv.
KRB_ACC=${LAB_BUILD:-$(dirname "$TOOL")/..}/tests/lab/krbacceptor

krb_acc_pids() {
	local p
	for p in $(ip netns pids "$KRB_NS1" 2>/dev/null); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = krbacceptor ] && echo "$p"
	done
}

krb_acc_start() {
	local keytab=$1 ft=${2:-} _
	if [ -n "$ft" ]; then
		KRBACC_PASSWORD=rdd-alice-pw ip netns exec "$KRB_NS1" \
		    faketime "$ft" "$KRB_ACC" --listen $KRB_NET.3:3389 \
		    --keytab "$keytab" --max-conns 1000 2>>"$KRB_DIR/acc.log" &
	else
		KRBACC_PASSWORD=rdd-alice-pw ip netns exec "$KRB_NS1" \
		    "$KRB_ACC" --listen $KRB_NET.3:3389 --keytab "$keytab" \
		    --max-conns 1000 2>>"$KRB_DIR/acc.log" &
	fi
	echo $! >"$KRB_DIR/acc.pid"
	for _ in $(seq 50); do
		ip netns exec "$KRB_NS1" ss -Hltn 'sport = :3389' 2>/dev/null |
		    grep -q . && return 0
		sleep 0.1
	done
	return 1
}

krb_acc_stop() {
	local pid pids _
	pid=$(cat "$KRB_DIR/acc.pid" 2>/dev/null)
	pids=$(krb_acc_pids)
	# shellcheck disable=SC2086 # a list of PIDs
	[ -n "$pid$pids" ] && kill $pid $pids 2>/dev/null
	[ -n "$pid" ] && wait "$pid" 2>/dev/null
	for _ in $(seq 50); do
		[ -z "$(krb_acc_pids)" ] && break
		sleep 0.1
	done
	rm -f "$KRB_DIR/acc.pid"
}

# krb_logon_case NAME USER PASSWORD EXPR [ARGS...]: check --user USER
# against krbrdp.rdplab.test; EXPR (krb_jq, with l = the logon object)
# must hold and the acceptor's verdict for it is in $KRB_DIR/verdict.
krb_logon_case() {
	local name=$1 user=$2 pw=$3 expr=$4 out=$work/krb-$1.json v before
	shift 4
	before=$(wc -l <"$KRB_DIR/acc.log")
	RDPDOCTOR_PASSWORD=$pw krb_check "$out" --realm $KRB_REALM \
	    --user "$user" "$@" krbrdp.rdplab.test
	tail -n +$((before + 1)) "$KRB_DIR/acc.log" | grep 'verdict:' \
	    >"$KRB_DIR/verdict"
	v=$(krb_jq "$out" "$expr")
	if [ "$v" = True ]; then
		krb_ok "$name" "$(krb_jq "$out" '"%s over %s in %.1f ms (answer %.1f ms), CredSSP %s; %s" % (d["logon"]["outcome"], d["logon"]["mechanism"], d["logon"]["ms"] or 0, d["logon"]["answer_ms"] or 0, d["logon"]["credssp_version"], d["logon"]["detail"][:90])')"
	else
		krb_fail "$name" "rc $(cat "$out.rc") logon $(krb_jq "$out" 'd.get("logon")') ids $(krb_jq "$out" 'ids') acceptor: $(cat "$KRB_DIR/verdict") $(head -c 300 "$out.err")"
	fi
}

krb_down() {
	[ -n "${KRB_DIR:-}" ] || return 0
	krb_acc_stop
	krb_kdc_stop
	local pid
	pid=$(cat "$KRB_DIR/dnsmasq.pid" 2>/dev/null)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "$KRB_NS1" 2>/dev/null
	ip netns del "$KRB_NS2" 2>/dev/null
	rm -rf "$KRB_DIR"
}

# krb_check OUT ARGS...: rdpdoctor check --json from kerberos-cli with
# the private resolv.conf; the wall time in ms in OUT.ms.
krb_check() {
	local out=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}
	# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
	ip netns exec "$KRB_NS2" unshare -m sh -c \
	    'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
	    "$KRB_DIR/resolv.conf" "$TOOL" check --json --no-udp \
	    --samples 0 -t $KRB_TIMEOUT "$@" >"$out" 2>"$out.err"
	echo $? >"$out.rc"
	t1=${EPOCHREALTIME/./}
	echo $(((t1 - t0) / 1000)) >"$out.ms"
}

# krb_jq FILE EXPR: python3 evaluates EXPR with d = the document.
krb_jq() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
k=d.get("kerberos") or {}
ids=[f["id"] for f in d.get("findings",[])]
print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# krb_user_case NAME USER PASSWORD HOST EXPR: check --user USER with the
# password in RDPDOCTOR_PASSWORD against HOST; EXPR (krb_jq) must hold and
# the exit code be 2.
krb_user_case() {
	local name=$1 user=$2 pw=$3 host=$4 expr=$5 out=$work/krb-$1.json v
	RDPDOCTOR_PASSWORD=$pw krb_check "$out" --realm $KRB_REALM \
	    --user "$user" "$host"
	v=$(krb_jq "$out" "$expr")
	if [ "$v" = True ] && [ "$(cat "$out.rc")" = 2 ]; then
		krb_ok "$name" "$(krb_jq "$out" '"%s as %s ms tgs %s ms phase %.1f ms" % (k["user"]["outcome"], k["user"]["as_ms"], k["user"]["tgs_ms"], k["ms"])')"
	else
		krb_fail "$name" "rc $(cat "$out.rc") $(krb_jq "$out" 'k.get("user")') $(krb_jq "$out" 'ids') $(head -c 300 "$out.err")"
	fi
}

# krb_sev FILE ID: the severity of finding ID.
krb_sev_expr() {
	echo "[f[\"severity\"] for f in d[\"findings\"] if f[\"id\"]==\"$1\"]==[\"$2\"]"
}

krb_case() {
	local name=$1 out=$work/krb-$1.json v
	case $name in
	kerberos-srv)
		krb_check "$out" --realm $KRB_REALM rdsh.rdplab.test
		v=$(krb_jq "$out" 'k["lookup"]=="found" and k["kdcs"][0]["name"]=="dc1.rdplab.test" and k["kdcs"][0]["error_code"]==6 and abs(k["kdcs"][0]["skew_s"])<=1 and k["kdcs"][0]["udp"]["outcome"]=="answered" and k["kdcs"][0]["tcp"]["outcome"]=="answered" and "kerberos-realm" in ids and "kerberos-clock-skew" not in ids')
		if [ "$v" = True ]; then
			krb_ok "$name" "$(krb_jq "$out" '"skew %+d s, udp %.1f ms, tcp %.1f ms" % (k["kdcs"][0]["skew_s"], k["kdcs"][0]["udp"]["ms"], k["kdcs"][0]["tcp"]["ms"])')"
		else
			krb_fail "$name" "$(krb_jq "$out" 'k') $(head -c 300 "$out.err")"
		fi
		;;
	kerberos-skew)
		krb_kdc_stop
		if ! krb_kdc_start '+10 minutes'; then
			krb_fail "$name" "the KDC under faketime did not start"
			return
		fi
		krb_check "$out" --realm $KRB_REALM rdsh.rdplab.test
		krb_kdc_stop
		krb_kdc_start
		v=$(krb_jq "$out" 'abs(k["kdcs"][0]["skew_s"]-600)<=1 and "kerberos-clock-skew" in ids')
		if [ "$v" = True ]; then
			krb_ok "$name" "skew $(krb_jq "$out" 'k["kdcs"][0]["skew_s"]') s"
		else
			krb_fail "$name" "$(krb_jq "$out" 'k') $(head -c 300 "$out.err")"
		fi
		;;
	kerberos-dropped)
		ip netns exec "$KRB_NS1" iptables -A INPUT -p udp --dport 88 -j DROP
		ip netns exec "$KRB_NS1" iptables -A INPUT -p tcp --dport 88 -j DROP
		krb_check "$out" --realm $KRB_REALM rdsh.rdplab.test
		ip netns exec "$KRB_NS1" iptables -F INPUT
		# The phase ends within its timeout (2 s) plus the lookup.
		v=$(krb_jq "$out" '"kerberos-kdc-unreachable" in ids and k["ms"] <= '$KRB_TIMEOUT'*1000+500 and k["kdcs"][0]["udp"]["outcome"]=="no_answer" and k["kdcs"][0]["tcp"]["outcome"]=="no_answer"')
		if [ "$v" = True ] && [ "$(cat "$out.ms")" -le $((KRB_TIMEOUT * 1000 * 3)) ]; then
			krb_ok "$name" "phase $(krb_jq "$out" 'k["ms"]') ms, check $(cat "$out.ms") ms wall"
		else
			krb_fail "$name" "$(krb_jq "$out" 'k') wall $(cat "$out.ms") ms"
		fi
		;;
	kerberos-udp)
		ip netns exec "$KRB_NS1" iptables -A INPUT -p udp --dport 88 -j DROP
		krb_check "$out" --realm $KRB_REALM rdsh.rdplab.test
		ip netns exec "$KRB_NS1" iptables -F INPUT
		v=$(krb_jq "$out" '"kerberos-kdc-udp-blocked" in ids and "kerberos-kdc-unreachable" not in ids')
		if [ "$v" = True ]; then
			krb_ok "$name"
		else
			krb_fail "$name" "$(krb_jq "$out" 'k')"
		fi
		;;
	kerberos-nosrv)
		krb_check "$out" --realm NOSRV.TEST rdsh.rdplab.test
		v=$(krb_jq "$out" '"kerberos-kdc-not-found" in ids and k["lookup"]=="none" and k["kdcs"]==[]')
		if [ "$v" = True ]; then
			krb_ok "$name" "$(krb_jq "$out" 'k["lookup_detail"]')"
		else
			krb_fail "$name" "$(krb_jq "$out" 'k')"
		fi
		;;
	kerberos-by-ip)
		krb_check "$out" --realm $KRB_REALM $KRB_NET.1
		v=$(krb_jq "$out" '"kerberos-by-ip" in ids')
		if [ "$v" = True ]; then
			krb_ok "$name"
		else
			krb_fail "$name" "$(krb_jq "$out" 'ids')"
		fi
		;;
	kerberos-suffix)
		krb_check "$out" --kdc dc1.rdplab.test:88 rdsh.rdplab.test
		v=$(krb_jq "$out" 'k["realm"]=="RDPLAB.TEST" and k["realm_source"]=="dns_suffix" and k["kdc_source"]=="option" and k["lookup"]=="not_run" and k["kdcs"][0]["address"]=="'$KRB_NET'.1" and k["kdcs"][0]["answered"]')
		if [ "$v" = True ]; then
			krb_ok "$name"
		else
			krb_fail "$name" "$(krb_jq "$out" 'k')"
		fi
		;;
	kerberos-user-ticket)
		krb_user_case "$name" alice rdd-alice-pw rdsh.rdplab.test \
		    'k["user"]["outcome"]=="ticket" and k["user"]["spn"]=="TERMSRV/rdsh.rdplab.test@RDPLAB.TEST" and k["user"]["tgs_code"] is None and abs(k["user"]["time_offset_s"])<=1 and not [i for i in ids if i.startswith("kerberos-") and i!="kerberos-realm"]'
		;;
	kerberos-user-spn)
		krb_user_case "$name" alice rdd-alice-pw nospn.rdplab.test \
		    'k["user"]["outcome"]=="tgs_failed" and k["user"]["tgs_code"]==7 and '"$(krb_sev_expr kerberos-spn-missing warning)"
		;;
	kerberos-user-password)
		krb_user_case "$name" alice rdd-wrong-pw rdsh.rdplab.test \
		    'k["user"]["as_code"]==24 and '"$(krb_sev_expr kerberos-preauth-failed critical)"
		;;
	kerberos-user-locked)
		krb_user_case "$name" locked rdd-locked-pw rdsh.rdplab.test \
		    'k["user"]["as_code"]==18 and '"$(krb_sev_expr kerberos-account-revoked critical)"
		;;
	kerberos-user-expired)
		krb_user_case "$name" expired rdd-expired-pw rdsh.rdplab.test \
		    'k["user"]["as_code"]==23 and '"$(krb_sev_expr kerberos-password-expired critical)"
		;;
	kerberos-user-unknown)
		krb_user_case "$name" nosuchuser rdd-x-pw rdsh.rdplab.test \
		    'k["user"]["as_code"]==6 and '"$(krb_sev_expr kerberos-user-unknown critical)"
		;;
	kerberos-user-etype)
		krb_user_case "$name" camonly rdd-cam-pw rdsh.rdplab.test \
		    'k["user"]["as_code"]==25 and k["user"]["no_common_etype"] and '"$(krb_sev_expr kerberos-etype-unsupported warning)"
		;;
	kerberos-user-skew)
		krb_kdc_stop
		if ! krb_kdc_start '+10 minutes'; then
			krb_fail "$name" "the KDC under faketime did not start"
			return
		fi
		krb_user_case "$name" alice rdd-alice-pw rdsh.rdplab.test \
		    'k["user"]["outcome"]=="ticket" and abs(k["user"]["time_offset_s"]-600)<=1 and "kerberos-clock-skew" in ids'
		krb_kdc_stop
		krb_kdc_start
		;;
	kerberos-user-dropped)
		ip netns exec "$KRB_NS1" iptables -A INPUT -p udp --dport 88 -j DROP
		ip netns exec "$KRB_NS1" iptables -A INPUT -p tcp --dport 88 -j DROP
		RDPDOCTOR_PASSWORD=rdd-alice-pw krb_check "$out" \
		    --realm $KRB_REALM --user alice rdsh.rdplab.test
		ip netns exec "$KRB_NS1" iptables -F INPUT
		v=$(krb_jq "$out" '"kerberos-kdc-unreachable" in ids and k["user"] is None and k["ms"] <= '$KRB_TIMEOUT'*1000+500')
		if [ "$v" = True ] && [ "$(cat "$out.ms")" -le $((KRB_TIMEOUT * 1000 * 3)) ]; then
			krb_ok "$name" "phase $(krb_jq "$out" 'k["ms"]') ms, check $(cat "$out.ms") ms wall"
		else
			krb_fail "$name" "$(krb_jq "$out" 'k') wall $(cat "$out.ms") ms"
		fi
		;;
	kerberos-logon)
		# A KRB5_CONFIG that MIT's GSSAPI must not read: it would
		# permit no encryption type the ticket has.
		printf '[libdefaults]\n permitted_enctypes = camellia128-cts-cmac\n' \
		    >"$KRB_DIR/hostile.conf"
		KRB5_CONFIG=$KRB_DIR/hostile.conf krb_logon_case "$name" alice rdd-alice-pw \
		    'd["logon"]["outcome"]=="ok" and d["logon"]["mechanism"]=="kerberos" and d["logon"]["server_key_verified"] and "TERMSRV/krbrdp.rdplab.test@RDPLAB.TEST" in d["logon"]["mechanism_reason"] and d["logon"]["kerberos_error"] is None and d["logon"]["password_delegated"] is False and d["credssp"]["outcome"]=="ok" and "logon ok: Kerberos client alice@RDPLAB.TEST, CredSSP 6, pubKeyAuth verified, credentials empty" in open("'"$KRB_DIR"'/verdict").read()'
		;;
	kerberos-logon-full)
		# The password in no output (text, -v, --json), in no MIT trace
		# and not in the acceptor's log; the acceptor checked it.
		local pw=rdd-alice-pw f
		: >"$work/krb-trace"
		: >"$KRB_DIR/leaks"
		for f in text verbose; do
			case $f in
			text) set -- ;;
			verbose) set -- -v ;;
			esac
			# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
			KRB5_TRACE=$work/krb-trace RDPDOCTOR_PASSWORD=$pw \
			    ip netns exec "$KRB_NS2" unshare -m sh -c \
			    'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
			    "$KRB_DIR/resolv.conf" "$TOOL" check --no-udp \
			    --samples 0 -t $KRB_TIMEOUT --realm $KRB_REALM \
			    --user alice --logon "$@" krbrdp.rdplab.test \
			    >"$out.$f" 2>"$out.$f.err"
			grep -qF -- "$pw" "$out.$f" "$out.$f.err" &&
			    echo "$f" >>"$KRB_DIR/leaks"
		done
		grep -q 'Kerberos AP-REQ for TERMSRV/krbrdp' "$out.verbose.err" ||
		    echo "(no Kerberos logon under -v)" >>"$KRB_DIR/leaks"
		[ -s "$work/krb-trace" ] && echo "KRB5_TRACE file" >>"$KRB_DIR/leaks"
		KRB5_TRACE=$work/krb-trace krb_logon_case "$name" alice "$pw" \
		    'd["logon"]["outcome"]=="ok" and d["logon"]["mechanism"]=="kerberos" and d["logon"]["password_delegated"] and "credentials delegated (password right)" in open("'"$KRB_DIR"'/verdict").read() and "'"$pw"'" not in open("'"$out"'").read()+open("'"$out.err"'").read()+open("'"$KRB_DIR"'/acc.log").read() and open("'"$work"'/krb-trace").read()=="" and open("'"$KRB_DIR"'/leaks").read()==""' \
		    --logon
		;;
	kerberos-logon-password)
		krb_logon_case "$name" alice rdd-wrong-pw \
		    'd["logon"]["mechanism"]=="ntlm" and "KDC refused the user" in d["logon"]["mechanism_reason"] and "kerberos-preauth-failed" in ids and d["credssp"]["error_code"]==0xC00000BB'
		;;
	kerberos-ntlm-blocked)
		krb_user_case "$name" alice rdd-alice-pw nospnrdp.rdplab.test \
		    'k["user"]["tgs_code"]==7 and d["logon"]["mechanism"]=="ntlm" and d["credssp"]["error_code"]==0xC00000BB and "kerberos-spn-missing" in ids and '"$(krb_sev_expr kerberos-ntlm-blocked critical)"
		;;
	kerberos-logon-stale)
		krb_acc_stop
		if ! krb_acc_start "$KRB_DIR/stale.keytab"; then
			krb_fail "$name" "the acceptor did not start"
			return
		fi
		krb_logon_case "$name" alice rdd-alice-pw \
		    'd["logon"]["outcome"]=="refused" and d["logon"]["mechanism"]=="kerberos" and d["logon"]["kerberos_error"]==44 and '"$(krb_sev_expr kerberos-server-key-stale critical)"
		krb_acc_stop
		krb_acc_start "$KRB_DIR/rdp.keytab"
		;;
	kerberos-logon-skew)
		krb_acc_stop
		if ! krb_acc_start "$KRB_DIR/rdp.keytab" '+10 minutes'; then
			krb_fail "$name" "the acceptor under faketime did not start"
			return
		fi
		krb_logon_case "$name" alice rdd-alice-pw \
		    'd["logon"]["outcome"]=="refused" and d["logon"]["kerberos_error"]==37 and abs(d["logon"]["server_clock_skew_s"]-600)<=2 and '"$(krb_sev_expr kerberos-clock-skew critical)"
		krb_acc_stop
		krb_acc_start "$KRB_DIR/rdp.keytab"
		;;
	kerberos-user-secret)
		local pw=rdd-alice-pw leaks=() f tmp=$work/krb-tmp
		rm -rf "$tmp"
		mkdir -p "$tmp"
		: >"$work/krb-trace"
		for f in text verbose json; do
			case $f in
			text) set -- ;;
			verbose) set -- -v ;;
			json) set -- --json -v ;;
			esac
			# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
			TMPDIR=$tmp KRB5_TRACE=$work/krb-trace \
			    RDPDOCTOR_PASSWORD=$pw \
			    ip netns exec "$KRB_NS2" unshare -m sh -c \
			    'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
			    "$KRB_DIR/resolv.conf" "$TOOL" check --no-udp \
			    --samples 0 -t $KRB_TIMEOUT --realm $KRB_REALM \
			    --user alice "$@" rdsh.rdplab.test \
			    >"$out.$f" 2>"$out.$f.err"
			grep -qF -- "$pw" "$out.$f" "$out.$f.err" &&
			    leaks+=("$f")
		done
		# -v shows MIT's trace (it did run), without key lines.
		grep -q 'krb5: .*Getting initial credentials for alice' \
		    "$out.verbose.err" || leaks+=("(no MIT trace under -v)")
		grep -qiE 'krb5: .*key' "$out.verbose.err" &&
		    leaks+=("(a key line under -v)")
		grep -q '"outcome": *"ticket"' "$out.json" ||
		    leaks+=("(no ticket: the test proves nothing)")
		[ -s "$work/krb-trace" ] && leaks+=("KRB5_TRACE file")
		[ -n "$(ls -A "$tmp")" ] && leaks+=("TMPDIR: $(ls "$tmp")")
		if [ ${#leaks[@]} -eq 0 ]; then
			krb_ok "$name"
		else
			krb_fail "$name" "${leaks[*]}"
		fi
		;;
	esac
}

kerberos_all() {
	local filter=$1 name names=() missing=""
	for name in kerberos-srv kerberos-skew kerberos-dropped kerberos-udp \
	    kerberos-nosrv kerberos-by-ip kerberos-suffix \
	    kerberos-user-ticket kerberos-user-spn kerberos-user-password \
	    kerberos-user-locked kerberos-user-expired kerberos-user-unknown \
	    kerberos-user-etype kerberos-user-skew kerberos-user-dropped \
	    kerberos-user-secret kerberos-logon kerberos-logon-full \
	    kerberos-logon-password kerberos-ntlm-blocked kerberos-logon-stale \
	    kerberos-logon-skew; do
		[ -n "$filter" ] && ! [[ $name =~ $filter ]] && continue
		names+=("$name")
	done
	krb_ran=${#names[@]}
	[ "$krb_ran" -gt 0 ] || return 0
	for name in krb5kdc kdb5_util kadmin.local dnsmasq faketime; do
		command -v $name >/dev/null || missing="$missing $name"
	done
	[ -x "$KRB_ACC" ] || missing="$missing $KRB_ACC" 
	if [ -n "$missing" ]; then
		for name in "${names[@]}"; do
			krb_fail "$name" "not installed:$missing" \
			    "(scripts/install-deps.sh)"
		done
		return 0
	fi
	if ! krb_up; then
		for name in "${names[@]}"; do
			krb_fail "$name" "could not set up the KDC: $(tail -3 \
			    "$KRB_DIR/setup.log" "$KRB_DIR/kdc.out" 2>/dev/null)"
		done
		krb_down
		return 0
	fi
	if ! krb_acc_start "$KRB_DIR/rdp.keytab"; then
		echo "note: the Kerberos CredSSP acceptor did not start:" \
		    "$(tail -2 "$KRB_DIR/acc.log" 2>/dev/null)"
	fi
	for name in "${names[@]}"; do
		krb_case "$name"
	done
	krb_down
}
