# gateway-check.bash - sourced by run-integration.sh: `check --gateway`
# through the lab's RD Gateway (gwsrv, `lab gateway start --fault NAME`,
# gateway.rdpsrv.lab:443, account LAB\gwuser) to the lab's servers
# (issue 23):
#   gateway-check-healthy        tls.rdpsrv.lab (xrdp) through a healthy
#                                gateway: the four gateway phases ok
#                                (WebSocket, NTLM with channel binding),
#                                then the target's walk to activation; the
#                                same exit status as the direct check
#   gateway-check-FAULT          each fault switch: exit 2, its finding id
#                                and the phase of that finding
#   gateway-check-target-refused refused.rdpsrv.lab (port closed) behind a
#                                healthy gateway: gateway-target-unreachable
#                                (E_PROXY_TS_CONNECTFAILED), not a RAP
#                                refusal and not a certificate problem
#   gateway-check-target-dropped dropped.rdpsrv.lab (SYN dropped): no
#                                CHANNEL_RESPONSE within the timeout, the
#                                gateway still connecting: the same finding
#   gateway-check-target-expired expired.rdpsrv.lab: the gateway phases ok,
#                                the target's own cert-expired in phase tls
#   gateway-check-rap-name       a RAP that lists only the NetBIOS name TLS:
#                                tls.rdpsrv.lab refused as
#                                gateway-resource-policy-denied, the evidence
#                                suggesting the NetBIOS form
#   gateway-check-wrong-password gateway-auth-failed (401 after NTLM)
#   gateway-check-negotiate      a gateway offering only Negotiate
#                                (gwsrv --auth negotiate): NTLM inside
#                                SPNEGO, both mechListMICs, the target's
#                                walk to activation; gateway.auth says so
#   gateway-check-negotiate-wrong-password  the same gateway, a wrong
#                                password: gateway-auth-failed
#   gateway-check-negotiate-no-ntlm  Negotiate offered but NTLM inside it
#                                rejected: gateway-auth-kerberos-only, the
#                                evidence saying NTLM was refused inside
#   gateway-check-shadow-logon   alice's NLA logon to the FreeRDP shadow
#                                server through the channel, activation
#   gateway-check-no-listener    nothing on the gateway's port:
#                                gateway-unreachable (ECONNREFUSED)
# The legacy HTTP transport (`lab gateway start --transport http`: 200 to
# the upgrade, OUT + IN connections), and xfreerdp 2.11's words against
# the same gateway (+auth-only, default /gt:auto, which goes legacy on the
# 200; checked 2026-12-07):
#   gateway-check-legacy-healthy       tls.rdpsrv.lab: the four gateway
#                                      phases ok on 2 connections (5
#                                      requests, NTLM on each), the target's
#                                      walk to activation, the direct
#                                      check's exit status
#                                      [xfreerdp rc 0, "Authentication
#                                      only, exit status 0"]
#   gateway-check-legacy-shadow-logon  alice's NLA logon through the
#                                      legacy channel [rc 0, same words]
#   gateway-check-legacy-rap-denied    channel-rap-denied:
#                                      gateway-resource-policy-denied with
#                                      0x800759DA [rc 131, "channel response
#                                      errorCode=E_PROXY_RAP_ACCESSDENIED"]
#   gateway-check-legacy-target-refused refused.rdpsrv.lab:
#                                      gateway-target-unreachable, no policy
#                                      finding [rc 131, "channel response
#                                      errorCode=E_PROXY_TS_CONNECTFAILED"]
#   gateway-check-legacy-no-affinity   the IN channel finds no OUT (event
#                                      210): gateway-closed in
#                                      gateway-tunnel within the timeout
#                                      [xfreerdp hangs: killed, rc 124]
#   gateway-check-legacy-negotiate     a Negotiate-only gateway (--auth
#                                      negotiate): NTLM inside SPNEGO on
#                                      the OUT connection and again on the
#                                      IN channel (6 requests, 3 on IN),
#                                      mechListMIC verified, the target's
#                                      walk to activation
#   gateway-check-legacy-negotiate-no-ntlm  NTLM refused inside Negotiate:
#                                      gateway-auth-kerberos-only on the
#                                      OUT connection (step http), no IN
#   gateway-check-both-websocket       `--transport both`: WebSocket
#                                      chosen, one connection [rc 0]
#
# GWC_START (a command taking FAULT [gwsrv options]) and GWC_GW (GW:PORT)
# replace `lab gateway start` and gateway.rdpsrv.lab for a private gateway.
# The legacy cases start it with GWC_TRANSPORT=http (both-websocket with
# both) in the environment: a GWC_START command must pass it on as
# `--transport`.
# Uses from the caller: TOOL, work, passed, failed, LAB_DIR, lab().
# shellcheck disable=SC2154 # set by the caller

gwc_ran=0
GWC_GW=${GWC_GW:-gateway.rdpsrv.lab}

gwc_ok() {
	echo "ok   $1${2:+ ($2)}"
	passed=$((passed + 1))
}

gwc_fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
	mkdir -p "$LAB_BUILD/lab-failures"
	cp "$work/$1.out" "$LAB_BUILD/lab-failures/$1.json" 2>/dev/null
}

# gwc_start FAULT [gwsrv options...]: the lab gateway with FAULT.
gwc_start() {
	if [ -n "${GWC_START:-}" ]; then
		"$GWC_START" "$@" >/dev/null 2>&1
	else
		local f=$1
		shift
		# shellcheck disable=SC2086 # GWC_TRANSPORT: an option, or none
		lab gateway start --fault "$f" ${GWC_TRANSPORT:+--transport $GWC_TRANSPORT} \
		    120 ${1:+--} "$@" >/dev/null 2>&1
	fi
}

gwc_stop() {
	[ -n "${GWC_START:-}" ] || lab gateway stop >/dev/null 2>&1
}

# gwc_check NAME TARGET [PASSWORD_FILE [GW [OPTIONS...]]]: the check
# through the gateway; JSON, stderr, exit status and ms in $work/NAME.*.
gwc_check() {
	local name=$1 target=$2 pw=${3:-$LAB_DIR/gateway/gwuser.pw}
	local gw=${4:-$GWC_GW} t0=${EPOCHREALTIME/./}
	shift 4 2>/dev/null || shift $#
	ip netns exec rdpcli "$TOOL" check --json --timeout 2 --samples 0 \
	    --no-udp --ca-file "$LAB_DIR/certs/ca/ca.crt" --gateway "$gw" \
	    --gateway-user 'LAB\gwuser' --gateway-password-file "$pw" \
	    "$@" "$target" >"$work/$name.out" 2>"$work/$name.err"
	echo $? >"$work/$name.rc"
	echo $(((${EPOCHREALTIME/./} - t0) / 1000)) >"$work/$name.ms"
}

# gwc_expect NAME RC ID PHASE: exit status, a finding ID in PHASE.
gwc_expect() {
	local name=$1 want_rc=$2 id=$3 phase=$4 rc why=()
	rc=$(cat "$work/$name.rc")
	if ! jq -e . "$work/$name.out" >/dev/null 2>&1; then
		gwc_fail "$name" "no JSON (rc $rc): $(head -c 300 "$work/$name.err")"
		return 1
	fi
	[ "$rc" = "$want_rc" ] || why+=("exit $rc, want $want_rc")
	jq -e --arg id "$id" --arg ph "$phase" \
	    'any(.findings[]; .id == $id and .phase == $ph)' \
	    "$work/$name.out" >/dev/null ||
	    why+=("no $id in $phase: $(jq -c '[.findings[] | [.id, .phase]]' "$work/$name.out")")
	if [ ${#why[@]} -gt 0 ]; then
		gwc_fail "$name" "${why[*]}"
		return 1
	fi
	return 0
}

gwc_healthy() {
	local name=gateway-check-healthy why=() direct rc
	gwc_start none || { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab
	rc=$(cat "$work/$name.rc")
	ip netns exec rdpcli "$TOOL" check --timeout 2 --samples 0 --no-udp \
	    --ca-file "$LAB_DIR/certs/ca/ca.crt" tls.rdpsrv.lab >/dev/null 2>&1
	direct=$?
	jq -e . "$work/$name.out" >/dev/null 2>&1 ||
	    { gwc_fail $name "no JSON (rc $rc)"; return; }
	[ "$rc" = "$direct" ] || why+=("exit $rc, direct check $direct")
	jq -e '[.phases[] | select(.phase | startswith("gateway-")) | .status]
	    == ["ok", "ok", "ok", "ok"]' "$work/$name.out" >/dev/null ||
	    why+=("gateway phases $(jq -c '[.phases[] | select(.phase | startswith("gateway-")) | [.phase, .status]]' "$work/$name.out")")
	jq -e '(.phases[] | select(.phase == "activation") | .status) == "ok"' \
	    "$work/$name.out" >/dev/null || why+=("activation not reached")
	jq -e '.gateway.transport == "websocket" and .gateway.ntlm == true
	    and .gateway.channel_binding == true
	    and .gateway.outcome == "ok" and .gateway.requests == 2' \
	    "$work/$name.out" >/dev/null ||
	    why+=("gateway $(jq -c '.gateway | {transport, ntlm, outcome, requests}' "$work/$name.out")")
	if [ ${#why[@]} -gt 0 ]; then
		gwc_fail $name "${why[*]}"
	else
		gwc_ok $name "$(cat "$work/$name.ms") ms, $(jq -r '[.phases[] | select(.phase | startswith("gateway-")) | "\(.phase) \(.ms)"] | join(", ")' "$work/$name.out")"
	fi
}

# gwc_fault FAULT ID PHASE [TARGET]: a fault switch, its finding.
gwc_fault() {
	local fault=$1 id=$2 phase=$3 target=${4:-tls.rdpsrv.lab}
	local name=gateway-check-$fault
	gwc_start "$fault" || { gwc_fail "$name" "the lab gateway did not start"; return; }
	gwc_check "$name" "$target"
	gwc_expect "$name" 2 "$id" "$phase" &&
	    gwc_ok "$name" "$id in $phase, $(cat "$work/$name.ms") ms"
}

gwc_target() {
	local name=$1 target=$2 id=$3 phase=$4 not=$5
	gwc_start none || { gwc_fail "$name" "the lab gateway did not start"; return; }
	gwc_check "$name" "$target"
	gwc_expect "$name" 2 "$id" "$phase" || return
	if jq -e --arg n "$not" 'any(.findings[]; .id | test($n))' \
	    "$work/$name.out" >/dev/null; then
		gwc_fail "$name" "also $(jq -c '[.findings[].id]' "$work/$name.out")"
		return
	fi
	gwc_ok "$name" "$id in $phase"
}

gwc_rap() {
	local name=gateway-check-rap-name
	gwc_start none --rap TLS || { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab
	gwc_expect $name 2 gateway-resource-policy-denied gateway-channel || return
	jq -e '(.findings[] | select(.id == "gateway-resource-policy-denied")
	    | .evidence | test("NetBIOS name tls"))
	    and (.phases[] | select(.phase == "gateway-channel")
	    | .error == {layer: "hresult", code: 2147965402,
	                 name: "E_PROXY_RAP_ACCESSDENIED"})' \
	    "$work/$name.out" >/dev/null ||
	    { gwc_fail $name "evidence or error: $(jq -c '[.findings[0].evidence, (.phases[] | select(.phase == "gateway-channel") | .error)]' "$work/$name.out")"; return; }
	gwc_ok $name "NetBIOS form suggested"
}

gwc_wrong_password() {
	local name=gateway-check-wrong-password
	gwc_start none || { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab "$LAB_DIR/gateway/wrong.pw"
	gwc_expect $name 2 gateway-auth-failed gateway-http &&
	    gwc_ok $name "401 after AUTHENTICATE"
}

# Negotiate only (IIS with the Negotiate provider alone): NTLM in SPNEGO.
gwc_negotiate() {
	local name=gateway-check-negotiate why=()
	gwc_start none --auth negotiate ||
	    { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab
	jq -e . "$work/$name.out" >/dev/null 2>&1 ||
	    { gwc_fail $name "no JSON (rc $(cat "$work/$name.rc"))"; return; }
	jq -e '[.phases[] | select(.phase | startswith("gateway-")) | .status]
	    == ["ok", "ok", "ok", "ok"]' "$work/$name.out" >/dev/null ||
	    why+=("gateway phases $(jq -c '[.phases[] | select(.phase | startswith("gateway-")) | [.phase, .status]]' "$work/$name.out")")
	jq -e '(.phases[] | select(.phase == "activation") | .status) == "ok"' \
	    "$work/$name.out" >/dev/null || why+=("activation not reached")
	jq -e '.gateway.auth_schemes == ["Negotiate"] and .gateway.ntlm
	    and .gateway.channel_binding and .gateway.requests == 3
	    and .gateway.auth.scheme == "Negotiate"
	    and .gateway.auth.mechanism == "ntlm"
	    and (.gateway.auth.mechanism_reason | test("not NTLM"))
	    and .gateway.auth.server_mic == "verified"' \
	    "$work/$name.out" >/dev/null ||
	    why+=("gateway $(jq -c '.gateway | {auth_schemes, requests, auth, outcome, detail}' "$work/$name.out")")
	if [ ${#why[@]} -gt 0 ]; then
		gwc_fail $name "${why[*]}"
	else
		gwc_ok $name "NTLM inside Negotiate, mechListMIC verified, $(jq -r '.phases[] | select(.phase == "gateway-http") | "gateway-http \(.ms) ms"' "$work/$name.out")"
	fi
}

gwc_negotiate_wrong_password() {
	local name=gateway-check-negotiate-wrong-password
	gwc_start none --auth negotiate ||
	    { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab "$LAB_DIR/gateway/wrong.pw"
	gwc_expect $name 2 gateway-auth-failed gateway-http || return
	jq -e '.gateway.detail | test("inside Negotiate")' "$work/$name.out" \
	    >/dev/null || { gwc_fail $name "detail $(jq -c .gateway.detail "$work/$name.out")"; return; }
	gwc_ok $name "401 after the AUTHENTICATE inside Negotiate"
}

gwc_negotiate_no_ntlm() {
	local name=gateway-check-negotiate-no-ntlm
	gwc_start negotiate-no-ntlm ||
	    { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab
	gwc_expect $name 2 gateway-auth-kerberos-only gateway-http || return
	jq -e '(.findings[] | select(.id == "gateway-auth-kerberos-only")
	    | .evidence | test("NTLM inside Negotiate"))
	    and .gateway.requests == 2' "$work/$name.out" >/dev/null ||
	    { gwc_fail $name "evidence $(jq -c '[(.findings[0].evidence), .gateway.requests]' "$work/$name.out")"; return; }
	gwc_ok $name "NTLM refused inside Negotiate"
}

# NLA through the tunnel: alice logs on to the FreeRDP shadow server.
gwc_logon() {
	local name=gateway-check-shadow-logon
	gwc_start none || { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name shadow.rdpsrv.lab "" "" --user alice \
	    --password-file "$LAB_DIR/shadow/alice.pw"
	if jq -e '.logon.outcome == "ok" and
	    (.phases[] | select(.phase == "activation") | .status) == "ok"
	    and .gateway.outcome == "ok"' "$work/$name.out" >/dev/null 2>&1 &&
	    [ "$(cat "$work/$name.rc")" -le 1 ]; then
		gwc_ok $name "NLA logon and activation through the channel"
	else
		gwc_fail $name "rc $(cat "$work/$name.rc"): $(jq -c '[.logon.outcome, .verdict.summary]' "$work/$name.out" 2>/dev/null)"
	fi
}

gwc_no_listener() {
	local name=gateway-check-no-listener
	gwc_check $name tls.rdpsrv.lab "" "${GWC_GW%%:*}:4433"
	gwc_expect $name 2 gateway-unreachable gateway-tls || return
	jq -e '(.phases[] | select(.phase == "gateway-tls") | .error.layer)
	    == "socket"' "$work/$name.out" >/dev/null ||
	    { gwc_fail $name "no socket error"; return; }
	gwc_ok $name "refused"
}

# The legacy HTTP transport: the walk on two connections, to activation.
gwc_legacy_healthy() {
	local name=gateway-check-legacy-healthy why=() direct rc
	GWC_TRANSPORT=http gwc_start none ||
	    { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab
	rc=$(cat "$work/$name.rc")
	ip netns exec rdpcli "$TOOL" check --timeout 2 --samples 0 --no-udp \
	    --ca-file "$LAB_DIR/certs/ca/ca.crt" tls.rdpsrv.lab >/dev/null 2>&1
	direct=$?
	jq -e . "$work/$name.out" >/dev/null 2>&1 ||
	    { gwc_fail $name "no JSON (rc $rc)"; return; }
	[ "$rc" = "$direct" ] || why+=("exit $rc, direct check $direct")
	jq -e '[.phases[] | select(.phase | startswith("gateway-")) | .status]
	    == ["ok", "ok", "ok", "ok"]' "$work/$name.out" >/dev/null ||
	    why+=("gateway phases $(jq -c '[.phases[] | select(.phase | startswith("gateway-")) | [.phase, .status]]' "$work/$name.out")")
	jq -e '(.phases[] | select(.phase == "activation") | .status) == "ok"' \
	    "$work/$name.out" >/dev/null || why+=("activation not reached")
	jq -e '.gateway.transport == "legacy" and .gateway.connections == 2
	    and .gateway.ntlm == true and .gateway.channel_binding == true
	    and .gateway.outcome == "ok" and .gateway.requests == 5
	    and .gateway.in_channel.tcp == "ok"
	    and .gateway.in_channel.tls == "ok"
	    and .gateway.in_channel.requests == 3
	    and .gateway.in_channel.same_certificate == true
	    and .gateway.in_channel.filler_bytes == 10
	    and .gateway.bytes_received > 0' \
	    "$work/$name.out" >/dev/null ||
	    why+=("gateway $(jq -c '.gateway | {transport, connections, outcome, requests, in_channel}' "$work/$name.out")")
	if [ ${#why[@]} -gt 0 ]; then
		gwc_fail $name "${why[*]}"
	else
		gwc_ok $name "$(cat "$work/$name.ms") ms, $(jq -r '[.phases[] | select(.phase | startswith("gateway-")) | "\(.phase) \(.ms)"] | join(", ")' "$work/$name.out"), IN channel tcp $(jq -r .gateway.in_channel.tcp_ms "$work/$name.out") tls $(jq -r .gateway.in_channel.tls_ms "$work/$name.out") http $(jq -r .gateway.in_channel.http_ms "$work/$name.out")"
	fi
}

gwc_legacy_logon() {
	local name=gateway-check-legacy-shadow-logon
	GWC_TRANSPORT=http gwc_start none ||
	    { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name shadow.rdpsrv.lab "" "" --user alice \
	    --password-file "$LAB_DIR/shadow/alice.pw"
	if jq -e '.logon.outcome == "ok" and
	    (.phases[] | select(.phase == "activation") | .status) == "ok"
	    and .gateway.outcome == "ok" and .gateway.transport == "legacy"
	    and .gateway.connections == 2' "$work/$name.out" >/dev/null 2>&1 &&
	    [ "$(cat "$work/$name.rc")" -le 1 ]; then
		gwc_ok $name "NLA logon and activation through the legacy channel"
	else
		gwc_fail $name "rc $(cat "$work/$name.rc"): $(jq -c '[.logon.outcome, .gateway.transport, .verdict.summary]' "$work/$name.out" 2>/dev/null)"
	fi
}

# gwc_legacy NAME FAULT TARGET ID PHASE NOT [JQ]: a refusal on the legacy
# transport: ID in PHASE, no finding matching NOT, JQ true.
gwc_legacy() {
	local name=$1 fault=$2 target=$3 id=$4 phase=$5 not=$6
	local q=${7:-true}
	GWC_TRANSPORT=http gwc_start "$fault" ||
	    { gwc_fail "$name" "the lab gateway did not start"; return; }
	gwc_check "$name" "$target"
	gwc_expect "$name" 2 "$id" "$phase" || return
	if jq -e --arg n "$not" 'any(.findings[]; .id | test($n))' \
	    "$work/$name.out" >/dev/null; then
		gwc_fail "$name" "also $(jq -c '[.findings[].id]' "$work/$name.out")"
		return
	fi
	jq -e ".gateway.transport == \"legacy\" and ($q)" "$work/$name.out" \
	    >/dev/null ||
	    { gwc_fail "$name" "$(jq -c '.gateway | {transport, step, code, detail}' "$work/$name.out")"; return; }
	gwc_ok "$name" "$id in $phase, $(cat "$work/$name.ms") ms"
}

# Negotiate only on both connections of the legacy transport: the IN
# channel signs in under Negotiate too (not Kerberos-only).
gwc_legacy_negotiate() {
	local name=gateway-check-legacy-negotiate why=()
	GWC_TRANSPORT=http gwc_start none --auth negotiate ||
	    { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab
	jq -e . "$work/$name.out" >/dev/null 2>&1 ||
	    { gwc_fail $name "no JSON (rc $(cat "$work/$name.rc"))"; return; }
	jq -e '[.phases[] | select(.phase | startswith("gateway-")) | .status]
	    == ["ok", "ok", "ok", "ok"]' "$work/$name.out" >/dev/null ||
	    why+=("gateway phases $(jq -c '[.phases[] | select(.phase | startswith("gateway-")) | [.phase, .status]]' "$work/$name.out")")
	jq -e '(.phases[] | select(.phase == "activation") | .status) == "ok"' \
	    "$work/$name.out" >/dev/null || why+=("activation not reached")
	jq -e '.gateway.transport == "legacy" and .gateway.connections == 2
	    and .gateway.auth_schemes == ["Negotiate"] and .gateway.ntlm
	    and .gateway.requests == 6 and .gateway.in_channel.requests == 3
	    and .gateway.auth.scheme == "Negotiate"
	    and .gateway.auth.mechanism == "ntlm"
	    and .gateway.auth.server_mic == "verified"
	    and ([.findings[].id] | index("gateway-auth-kerberos-only") == null)' \
	    "$work/$name.out" >/dev/null ||
	    why+=("gateway $(jq -c '.gateway | {transport, auth_schemes, requests, auth, outcome, detail, in: .in_channel.requests}' "$work/$name.out")")
	if [ ${#why[@]} -gt 0 ]; then
		gwc_fail $name "${why[*]}"
	else
		gwc_ok $name "NTLM inside Negotiate on OUT and IN, $(jq -r '.phases[] | select(.phase == "gateway-http") | "gateway-http \(.ms) ms"' "$work/$name.out")"
	fi
}

gwc_legacy_negotiate_no_ntlm() {
	local name=gateway-check-legacy-negotiate-no-ntlm
	GWC_TRANSPORT=http gwc_start negotiate-no-ntlm ||
	    { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab
	gwc_expect $name 2 gateway-auth-kerberos-only gateway-http || return
	jq -e '.gateway.step == "http" and .gateway.connections == 1
	    and (.gateway.detail | test("NTLM inside Negotiate"))' \
	    "$work/$name.out" >/dev/null ||
	    { gwc_fail $name "gateway $(jq -c '.gateway | {step, connections, detail}' "$work/$name.out")"; return; }
	gwc_ok $name "NTLM refused inside Negotiate on the OUT connection"
}

gwc_both_ws() {
	local name=gateway-check-both-websocket
	GWC_TRANSPORT=both gwc_start none ||
	    { gwc_fail $name "the lab gateway did not start"; return; }
	gwc_check $name tls.rdpsrv.lab
	jq -e '.gateway.transport == "websocket" and .gateway.connections == 1
	    and .gateway.in_channel == null and .gateway.outcome == "ok"' \
	    "$work/$name.out" >/dev/null 2>&1 ||
	    { gwc_fail $name "$(jq -c '.gateway | {transport, connections, outcome}' "$work/$name.out" 2>/dev/null)"; return; }
	gwc_ok $name "WebSocket, 1 connection"
}

# gateway_check_all FILTER: the scenarios whose name matches FILTER.
gateway_check_all() {
	local filter=$1 spec name f id ph
	local faults=(
	    "cert-expired:gateway-cert-expired:gateway-tls"
	    "cert-wrong-name:gateway-cert-name-mismatch:gateway-tls"
	    "cert-self-signed:gateway-cert-untrusted:gateway-tls"
	    "401-forever:gateway-auth-failed:gateway-http"
	    "401-after-auth:gateway-auth-failed:gateway-http"
	    "negotiate-only:gateway-auth-kerberos-only:gateway-http"
	    "http-302:gateway-forbidden:gateway-http"
	    "http-403:gateway-forbidden:gateway-http"
	    "http-404:gateway-not-found:gateway-http"
	    "http-410:gateway-not-found:gateway-http"
	    "http-500:gateway-unavailable:gateway-http"
	    "http-501:gateway-forbidden:gateway-http"
	    "http-503:gateway-unavailable:gateway-http"
	    "close-after-headers:gateway-closed:gateway-http"
	    "stall-before-status:gateway-error:gateway-http"
	    "bad-ws-accept:gateway-error:gateway-http"
	    "handshake-capability-mismatch:gateway-capability-mismatch:gateway-tunnel"
	    "tunnel-create-error:gateway-error:gateway-tunnel"
	    "max-connections:gateway-max-connections:gateway-tunnel"
	    "tunnel-auth-denied:gateway-connection-policy-denied:gateway-tunnel"
	    "channel-rap-denied:gateway-resource-policy-denied:gateway-channel"
	    "close-channel:gateway-closed:gateway-channel"
	)
	for name in gateway-check-healthy; do
		[ -n "$filter" ] && ! [[ $name =~ $filter ]] && continue
		gwc_ran=$((gwc_ran + 1))
		gwc_healthy
	done
	for spec in "${faults[@]}"; do
		IFS=: read -r f id ph <<<"$spec"
		name=gateway-check-$f
		[ -n "$filter" ] && ! [[ $name =~ $filter ]] && continue
		gwc_ran=$((gwc_ran + 1))
		gwc_fault "$f" "$id" "$ph"
	done
	name=gateway-check-target-refused
	if [ -z "$filter" ] || [[ $name =~ $filter ]]; then
		gwc_ran=$((gwc_ran + 1))
		gwc_target $name refused.rdpsrv.lab gateway-target-unreachable \
		    gateway-channel 'policy|cert'
	fi
	name=gateway-check-target-dropped
	if [ -z "$filter" ] || [[ $name =~ $filter ]]; then
		gwc_ran=$((gwc_ran + 1))
		gwc_target $name dropped.rdpsrv.lab gateway-target-unreachable \
		    gateway-channel 'policy|cert'
	fi
	name=gateway-check-target-expired
	if [ -z "$filter" ] || [[ $name =~ $filter ]]; then
		gwc_ran=$((gwc_ran + 1))
		gwc_target $name expired.rdpsrv.lab cert-expired tls \
		    '^gateway-'
	fi
	for name in gateway-check-rap-name gateway-check-wrong-password \
	    gateway-check-negotiate gateway-check-negotiate-wrong-password \
	    gateway-check-negotiate-no-ntlm \
	    gateway-check-shadow-logon gateway-check-no-listener; do
		[ -n "$filter" ] && ! [[ $name =~ $filter ]] && continue
		gwc_ran=$((gwc_ran + 1))
		case $name in
		*rap-name) gwc_rap ;;
		*negotiate) gwc_negotiate ;;
		*negotiate-wrong-password) gwc_negotiate_wrong_password ;;
		*negotiate-no-ntlm) gwc_negotiate_no_ntlm ;;
		*wrong-password) gwc_wrong_password ;;
		*shadow-logon) gwc_logon ;;
		*no-listener) gwc_no_listener ;;
		esac
	done
	for name in gateway-check-legacy-healthy \
	    gateway-check-legacy-shadow-logon gateway-check-legacy-rap-denied \
	    gateway-check-legacy-target-refused gateway-check-legacy-no-affinity \
	    gateway-check-legacy-negotiate \
	    gateway-check-legacy-negotiate-no-ntlm \
	    gateway-check-both-websocket; do
		[ -n "$filter" ] && ! [[ $name =~ $filter ]] && continue
		gwc_ran=$((gwc_ran + 1))
		case $name in
		*legacy-healthy) gwc_legacy_healthy ;;
		*legacy-shadow-logon) gwc_legacy_logon ;;
		*legacy-rap-denied)
			gwc_legacy $name channel-rap-denied tls.rdpsrv.lab \
			    gateway-resource-policy-denied gateway-channel \
			    'unreachable|cert' '.gateway.code == 2147965402' ;;
		*legacy-target-refused)
			gwc_legacy $name none refused.rdpsrv.lab \
			    gateway-target-unreachable gateway-channel \
			    'policy|cert' '.gateway.code == 2147965405' ;;
		*legacy-no-affinity)
			gwc_legacy $name no-affinity tls.rdpsrv.lab \
			    gateway-closed gateway-tunnel 'policy|cert' \
			    '(.gateway.detail | test("event 210"))
			     and .gateway.step == "handshake"' ;;
		*legacy-negotiate) gwc_legacy_negotiate ;;
		*legacy-negotiate-no-ntlm) gwc_legacy_negotiate_no_ntlm ;;
		*both-websocket) gwc_both_ws ;;
		esac
	done
	[ $gwc_ran -gt 0 ] && gwc_stop
	return 0
}
