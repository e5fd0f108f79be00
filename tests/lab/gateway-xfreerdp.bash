# gateway-xfreerdp.bash - sourced by run-integration.sh: the lab RD Gateway
# (gwsrv on .34, `lab gateway`) checked with the real client, xfreerdp 2.11
# (`+auth-only /g:gateway.rdpsrv.lab /gu:LAB\gwuser /gp:...`), healthy and
# with its fault switches: each case starts the gateway as its table line
# says, runs xfreerdp from rdpcli (lab exec: the lab CA is trusted) and
# checks xfreerdp's exit status and the words it prints, as recorded in
# tests/lab/gateway-scenarios.md. So CI proves the gateway the gateway walk
# is tested against behaves as documented. Names gateway-xfreerdp-*.
#
# The gateway account's password never goes on the command line: without
# /gp: and with /from-stdin, xfreerdp 2.11 asks "GatewayPassword:" when the
# gateway wants it and reads it from stdin (the password file, which has no
# newline). Other prompts (a certificate to trust) then meet EOF, as with
# </dev/null.
#
# Uses from the caller: lab, work, passed, failed, LAB_DIR.
# shellcheck disable=SC2154 # set by the caller

gwx_ran=0

# NAME | lab gateway start options | password file | xfreerdp options |
# seconds | exit status | extended regex over xfreerdp's output, or the
# gateway log's (gw:REGEX). xfreerdp options starting with "!": a whole
# session (no +auth-only), which the timeout ends.
GWX_TABLE='
healthy-ws          | |gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|0|Authentication only, exit status 0
healthy-legacy      | |gwuser.pw|/v:tls.rdpsrv.lab /sec:tls /gt:http,no-websockets|20|0|Authentication only, exit status 0
healthy-shadow-nla  | |gwuser.pw|/v:shadow.rdpsrv.lab /u:alice /p:Passw0rd! /cert:ignore|20|0|Authentication only, exit status 0
transport-http      |--transport http|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|0|gw:legacy OUT paired
transport-ws-legacy |--transport ws|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls /gt:http,no-websockets|20|133|ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED
wrong-password      | |wrong.pw|/v:tls.rdpsrv.lab /sec:tls|20|155|ERRCONNECT_ACCESS_DENIED
target-refused      | |gwuser.pw|/v:refused.rdpsrv.lab /sec:tls|20|131|E_PROXY_TS_CONNECTFAILED
target-closed-port  | |gwuser.pw|/v:tls.rdpsrv.lab:3390 /sec:tls|20|131|E_PROXY_TS_CONNECTFAILED
target-unknown-name | |gwuser.pw|/v:nosuch.rdpsrv.lab /sec:tls|20|131|E_PROXY_TS_CONNECTFAILED
rap-by-name         |-- --rap tls.rdpsrv.lab|gwuser.pw|/v:10.201.0.12 /sec:tls /cert:ignore|20|131|E_PROXY_RAP_ACCESSDENIED
cert-expired        |--fault cert-expired|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|143|ERRCONNECT_TLS_CONNECT_FAILED
cert-wrong-name     |--fault cert-wrong-name|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|143|ERRCONNECT_TLS_CONNECT_FAILED
cert-self-signed    |--fault cert-self-signed|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|143|ERRCONNECT_TLS_CONNECT_FAILED
401-forever         |--fault 401-forever|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED
401-after-auth      |--fault 401-after-auth|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|155|ERRCONNECT_ACCESS_DENIED
negotiate-only      |--fault negotiate-only|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED
negotiate-auth      |-- --auth negotiate|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED
negotiate-no-ntlm   |--fault negotiate-no-ntlm|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED
http-403            |--fault http-403|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED
http-404            |--fault http-404|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls /gt:http|20|133|does not support HTTP transport
http-404-auto       |--fault http-404|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|Status Code: 404
rpc-only            |--fault rpc-only|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|132|rpc_client_default_out_channel_recv.*ERRCONNECT_AUTHENTICATION_FAILED
http-500            |--fault http-500|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED
http-503            |--fault http-503|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED
close-after-headers |--fault close-after-headers|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED
stall-before-status |--fault stall-before-status|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|8|124|gw:fault stall-before-status: stalling
bad-ws-accept       |--fault bad-ws-accept|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|0|sanity check failed
capability-mismatch |--fault handshake-capability-mismatch|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|131|E_PROXY_CAPABILITYMISMATCH
tunnel-create-error |--fault tunnel-create-error|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|131|E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED
max-connections     |--fault max-connections|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|131|E_PROXY_MAXCONNECTIONSREACHED
max-connections-dword|--fault max-connections -- --code 0x59E6|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|0|Authentication only, exit status 0
tunnel-auth-denied  |--fault tunnel-auth-denied|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|131|E_PROXY_NAP_ACCESSDENIED
channel-rap-denied  |--fault channel-rap-denied|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|131|E_PROXY_RAP_ACCESSDENIED
close-channel       |--fault close-channel|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|131|rdg_process_close_packet
stall-relay         |--fault stall-relay|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|8|124|gw:fault stall-relay after
consent             |--fault consent|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|133|Could not read answer from stdin
service-message     |--fault service-message -- --after-bytes 3000|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|0|rdpdoctor lab gateway: authorized use only
reauth              |--fault reauth -- --after-bytes 3000|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|0|Unknown Control Packet received: C
abort-relay         |--fault abort-relay -- --after-bytes 3000|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|147|ERRCONNECT_CONNECT_TRANSPORT_FAILED
no-affinity         |--fault no-affinity|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls /gt:http,no-websockets|8|124|gw:could not find a corresponding OUT
keepalive           |-- --keepalive 1|gwuser.pw|!/v:tls.rdpsrv.lab /sec:tls -grab-keyboard|6|124|gw:keepalives: [1-9][0-9]* sent, [1-9][0-9]* received
delay               |-- --delay-ms 300|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|0|Authentication only, exit status 0
syn-drop            |--fault syn-drop|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|25|141|freerdp_tcp_connect:.*ERRCONNECT_CONNECT_FAILED
gateway-down        |STOP|gwuser.pw|/v:tls.rdpsrv.lab /sec:tls|20|143|ERRCONNECT_TLS_CONNECT_FAILED
'

# gwx_one NAME START PWFILE XOPTS SECONDS RC REGEX
gwx_one() {
	local name=gateway-xfreerdp-$1 start=$2 pw=$3 xopts=$4 secs=$5 want=$6
	local re=$7 rc t0 t1 out=$work/gwx-$1.out where=xfreerdp
	local log=$LAB_DIR/log/gateway.log mark
	mark=$({ wc -l <"$log"; } 2>/dev/null || echo 0)
	if [ "$start" = STOP ]; then
		lab gateway stop >/dev/null 2>&1
	else
		# shellcheck disable=SC2086 # START is options, split on purpose
		if ! lab gateway start 120 $start >"$work/gwx-$1.lab" 2>&1; then
			echo "FAIL $name: the gateway did not start: $(tail -1 "$work/gwx-$1.lab")"
			failed=$((failed + 1))
			return
		fi
	fi
	# XOPTS starting with "!": a whole session, not +auth-only (ended by
	# timeout, rc 124).
	local auth=+auth-only
	case $xopts in !*)
		auth=-auth-only
		xopts=${xopts#!}
		;;
	esac
	t0=${EPOCHREALTIME/./}
	# shellcheck disable=SC2086 # XOPTS is options, split on purpose
	lab exec timeout "$secs" xfreerdp $auth /u:lab /p:lab \
	    /g:gateway.rdpsrv.lab '/gu:LAB\gwuser' /from-stdin $xopts \
	    <"$LAB_DIR/gateway/$pw" >"$out" 2>&1
	rc=$?
	t1=${EPOCHREALTIME/./}
	case $re in gw:*)
		re=${re#gw:}
		where="gateway log"
		tail -n +"$((mark + 1))" "$log" >"$out.gw" 2>/dev/null
		out=$out.gw
		;;
	esac
	if [ "$rc" = "$want" ] && grep -Eq -- "$re" "$out"; then
		echo "ok   $name (rc $rc, $(((t1 - t0) / 1000)) ms)"
		passed=$((passed + 1))
	else
		echo "FAIL $name: expected rc $want and /$re/ in the $where, got rc $rc: $(grep -E 'ERROR|gwsrv' "$out" | tail -2 | tr '\n' ' ' | cut -c1-300)"
		failed=$((failed + 1))
	fi
}

# gateway_xfreerdp_all FILTER
gateway_xfreerdp_all() {
	local name start pw xopts secs want re
	while IFS='|' read -r name start pw xopts secs want re; do
		name=${name// /}
		[ -z "$name" ] && continue
		[ -n "$1" ] && ! [[ gateway-xfreerdp-$name =~ $1 ]] && continue
		gwx_ran=$((gwx_ran + 1))
		gwx_one "$name" "$(echo $start)" "${pw// /}" "$xopts" "$secs" \
		    "$want" "$re"
	done <<<"$GWX_TABLE"
	[ $gwx_ran -gt 0 ] && lab gateway stop >/dev/null 2>&1
	return 0
}
