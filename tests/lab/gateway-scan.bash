# gateway-scan.bash - sourced by run-integration.sh after gateway-check.bash
# (whose gwc_start, gwc_stop it uses): `rdpdoctor scan` through the lab's
# RD Gateway (gwsrv, gateway.rdpsrv.lab:443, account LAB\gwuser):
#   gateway-scan-fleet           a healthy gateway, six targets (xrdp tls,
#                                the FreeRDP shadow server, a refused port;
#                                each by name and by address) with
#                                --gateway-concurrency 2: each line's verdict
#                                and findings as `check --gateway` gives
#                                them, every line through the gateway, its
#                                four phases ok (the refused port's channel
#                                failed: gateway-target-unreachable), never
#                                more than 2 checks at once through it, the
#                                summary's gateway block; the --html page
#                                draws each waterfall in walk order
#                                (gateway-tls, -http, -tunnel, -channel,
#                                then x224 ...)
#   gateway-scan-wrong-password  the wrong password, five targets: one
#                                gateway-auth-failed (the first target), four
#                                gateway-not-reached naming it, exit 3, and
#                                exactly one NTLM AUTHENTICATE in the
#                                gateway's log (no further sign-in); the
#                                --db history's rows say the same
#   gateway-scan-http-503        a gateway answering 503 to everything: one
#                                gateway-unavailable, the rest not reached,
#                                one request in the gateway's log; the
#                                summary names the failure once
#   gateway-scan-rdp-files       .rdp targets: the file that always uses
#                                the gateway (gatewayusagemethod:i:1) goes
#                                through it, the one that never does
#                                (:i:0) goes direct, target_given is the
#                                file; with --gateway both go through the
#                                option's gateway (the option wins)
#
# LAB_GATEWAY_PORT (tests/lab/lab) runs the suite on a gateway of its own
# on that port of .34 (its own log), beside the shared one on 443.
#
# Uses from the caller: TOOL, work, passed, failed, LAB_DIR, lab(), and
# gateway-check.bash's gwc_start, gwc_stop.
# shellcheck disable=SC2154 # set by the caller

gws_ran=0
GWS_PORT=${LAB_GATEWAY_PORT:-443}
GWS_HOST=gateway.rdpsrv.lab
GWS_GW=$GWS_HOST:$GWS_PORT
GWS_LOG=$LAB_DIR/log/gateway.log
[ "$GWS_PORT" = 443 ] || GWS_LOG=$LAB_DIR/log/gateway-$GWS_PORT.log

gws_ok() {
	echo "ok   $1${2:+ ($2)}"
	passed=$((passed + 1))
}

gws_fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
	mkdir -p "$LAB_BUILD/lab-failures"
	cp "$work/$1.ndjson" "$LAB_BUILD/lab-failures/$1.ndjson" 2>/dev/null
	cp "$work/$1.err" "$LAB_BUILD/lab-failures/$1.err" 2>/dev/null
}

# gws_scan NAME PASSWORD_FILE [OPTIONS and TARGETS...]: the scan through
# the gateway; NDJSON, summary (.sum: -o sends it to stdout), exit status and ms in
# $work/NAME.*; the gateway log's lines of this scan in $work/NAME.gwlog.
gws_scan() {
	local name=$1 pw=$2 t0 n0
	shift 2
	n0=$(wc -l <"$GWS_LOG" 2>/dev/null || echo 0)
	t0=${EPOCHREALTIME/./}
	ip netns exec rdpcli "$TOOL" scan --timeout 2 --samples 0 --no-udp \
	    --ca-file "$LAB_DIR/certs/ca/ca.crt" \
	    --gateway-user 'LAB\gwuser' --gateway-password-file "$pw" \
	    -o "$work/$name.ndjson" "$@" >"$work/$name.sum" 2>"$work/$name.err"
	echo $? >"$work/$name.rc"
	echo $(((${EPOCHREALTIME/./} - t0) / 1000)) >"$work/$name.ms"
	tail -n +$((n0 + 1)) "$GWS_LOG" >"$work/$name.gwlog"
}

# gws_line NAME HOST FILTER: the line of HOST passes the jq FILTER.
gws_line() {
	jq -e -s --arg h "$2" "[.[] | select(.target.host == \$h)] | length == 1
	    and (.[] | select(.target.host == \$h) | $3)" \
	    "$work/$1.ndjson" >/dev/null 2>&1
}

gws_fleet() {
	local name=gateway-scan-fleet why=() h gw_ok tls_ok refused_ok
	gwc_start none || { gws_fail $name "the lab gateway did not start"; return; }
	gws_scan $name "$LAB_DIR/gateway/gwuser.pw" --gateway "$GWS_GW" \
	    --gateway-concurrency 2 --html "$work/$name.html" \
	    tls.rdpsrv.lab shadow.rdpsrv.lab refused.rdpsrv.lab \
	    10.201.0.12 10.201.0.15 10.201.0.17
	[ "$(cat "$work/$name.rc")" = 2 ] ||
	    why+=("exit $(cat "$work/$name.rc"), want 2")
	[ "$(jq -s length "$work/$name.ndjson" 2>/dev/null)" = 6 ] ||
	    why+=("$(jq -s length "$work/$name.ndjson" 2>/dev/null) lines")
	gw_ok='.gateway.host == "'"$GWS_HOST"'" and .gateway.port == '"$GWS_PORT"'
	    and .gateway.not_reached == null'
	tls_ok="$gw_ok"' and .verdict.status == "warning"
	    and ([.phases[] | select(.phase | startswith("gateway-")) | .status]
	         == ["ok", "ok", "ok", "ok"])
	    and (.phases[] | select(.phase == "activation") | .status) == "ok"
	    and ([.findings[].id] | index("nla-not-required") != null)'
	refused_ok="$gw_ok"' and .verdict.status == "critical"
	    and .verdict.failed_phase == "gateway-channel"
	    and ([.findings[].id] == ["gateway-target-unreachable"])'
	for h in tls.rdpsrv.lab 10.201.0.12; do
		gws_line $name $h "$tls_ok" ||
		    why+=("$h: $(jq -c -s --arg h $h '.[] | select(.target.host == $h) | [.verdict.status, [.findings[].id], [.phases[] | [.phase, .status]]]' "$work/$name.ndjson" 2>/dev/null)")
	done
	for h in shadow.rdpsrv.lab 10.201.0.15; do
		gws_line $name $h "$gw_ok"' and .verdict.status == "warning"
		    and ([.findings[].id] | index("cert-self-signed") != null)
		    and ([.phases[] | select(.phase | startswith("gateway-"))
		          | .status] == ["ok", "ok", "ok", "ok"])' ||
		    why+=("$h: $(jq -c -s --arg h $h '.[] | select(.target.host == $h) | [.verdict.status, [.findings[].id]]' "$work/$name.ndjson" 2>/dev/null)")
	done
	for h in refused.rdpsrv.lab 10.201.0.17; do
		gws_line $name $h "$refused_ok" ||
		    why+=("$h: $(jq -c -s --arg h $h '.[] | select(.target.host == $h) | [.verdict.status, [.findings[].id]]' "$work/$name.ndjson" 2>/dev/null)")
	done
	grep -q "at most 2 at once)" "$work/$name.sum" ||
	    why+=("not at most 2 at once: $(head -1 "$work/$name.sum")")
	grep -q "^  gateway    $GWS_GW: 6 hosts, at most 2 at once through it" \
	    "$work/$name.sum" || why+=("no gateway block in the summary")
	grep -q "gateway-channel  ok 4 .*, failed 2" "$work/$name.sum" ||
	    why+=("gateway-channel counts: $(grep gateway-channel "$work/$name.sum")")
	# One sign-in per check: six AUTHENTICATEs, all good.
	[ "$(grep -c 'NTLM AUTHENTICATE' "$work/$name.gwlog")" = 6 ] ||
	    why+=("$(grep -c 'NTLM AUTHENTICATE' "$work/$name.gwlog") sign-ins in the gateway's log")
	# Each waterfall of the page: the gateway's rows, then x224's.
	if ! awk '/<svg class="waterfall"/ {n++; o=""} n && /data-phase="/ {
	        match($0, /data-phase="[a-z0-9-]+"/)
	        o = o " " substr($0, RSTART + 12, RLENGTH - 13) }
	    /<\/svg>/ && o != "" { print o; o="" }' "$work/$name.html" |
	    sort -u >"$work/$name.order" ||
	    ! grep -q . "$work/$name.order" ||
	    grep -v '^ gateway-tls gateway-http gateway-tunnel gateway-channel\( tcp\)\? x224' \
	        "$work/$name.order" | grep -q 'x224'; then
		why+=("waterfall order: $(head -3 "$work/$name.order" | tr '\n' '|')")
	fi
	if [ ${#why[@]} -gt 0 ]; then
		gws_fail $name "${why[*]}"
	else
		gws_ok $name "6 targets in $(cat "$work/$name.ms") ms, 2 at once"
	fi
}

# gws_failed NAME FAULT PW ID PHASE WANT_SIGNINS WANT_REQUESTS: a gateway
# that fails for the first target; the rest not reached.
gws_failed() {
	local name=$1 fault=$2 pw=$3 id=$4 phase=$5 signins=$6 requests=$7
	local why=() first n
	gwc_start "$fault" || { gws_fail "$name" "the lab gateway did not start"; return; }
	gws_scan "$name" "$pw" --gateway "$GWS_GW" --db "$work/$name.db" \
	    tls.rdpsrv.lab shadow.rdpsrv.lab refused.rdpsrv.lab 10.201.0.12 \
	    10.201.0.15
	[ "$(cat "$work/$name.rc")" = 3 ] ||
	    why+=("exit $(cat "$work/$name.rc"), want 3")
	first=$(jq -r -s "[.[] | select(.gateway.not_reached == null)] |
	    if length == 1 then .[0].target.host else \"\(length) checked\" end" \
	    "$work/$name.ndjson" 2>/dev/null)
	gws_line "$name" "$first" '.verdict.status == "critical"
	    and .verdict.failed_phase == "'"$phase"'"
	    and ([.findings[].id] | index("'"$id"'") != null)' ||
	    why+=("first ($first): $(jq -c -s '[.[] | select(.gateway.not_reached == null) | [.target.host, [.findings[].id]]]' "$work/$name.ndjson" 2>/dev/null)")
	n=$(jq -s --arg f "$first:3389" '[.[] | select(.gateway.not_reached.by
	    == $f and .verdict.status == "unknown"
	    and [.findings[].id] == ["gateway-not-reached"])] | length' \
	    "$work/$name.ndjson" 2>/dev/null)
	[ "$n" = 4 ] || why+=("$n lines not reached by $first")
	[ "$(grep -c 'NTLM AUTHENTICATE' "$work/$name.gwlog")" = "$signins" ] ||
	    why+=("$(grep -c 'NTLM AUTHENTICATE' "$work/$name.gwlog") sign-ins, want $signins")
	[ "$(grep -c 'RDG_OUT_DATA' "$work/$name.gwlog")" = "$requests" ] ||
	    why+=("$(grep -c 'RDG_OUT_DATA' "$work/$name.gwlog") requests, want $requests")
	# The history's rows (docs/history.md): the gateway of each, the
	# four not reached with its name, status unknown.
	n=$(sqlite3 "$work/$name.db" "SELECT count(*) FROM latest_results
	    WHERE json_extract(document, '\$.gateway.host') = '$GWS_HOST'
	    AND ((status = 'unknown' AND failed_phase IS NULL AND
	          json_extract(document, '\$.gateway.not_reached.by')
	          = '$first:3389')
	      OR (status = 'critical' AND failed_phase = '$phase'))" 2>&1)
	[ "$n" = 5 ] || why+=("history: $n rows")
	grep -q "failed in $phase for $first:3389 ($id); 4 hosts not reached through it" \
	    "$work/$name.sum" || why+=("summary: $(grep -A1 'failed in' "$work/$name.sum" | head -2)")
	if [ ${#why[@]} -gt 0 ]; then
		gws_fail "$name" "${why[*]}"
	else
		gws_ok "$name" "$id once, 4 not reached, $signins sign-in, $(cat "$work/$name.ms") ms"
	fi
}

gws_rdp_files() {
	local name=gateway-scan-rdp-files why=() d=$work/gateway-scan-rdp
	mkdir -p "$d"
	printf 'full address:s:tls.rdpsrv.lab\r\ngatewayhostname:s:%s\r\ngatewayusagemethod:i:1\r\n' \
	    "$GWS_GW" | iconv -f UTF-8 -t UTF-16LE | { printf '\xff\xfe'; cat; } >"$d/always.rdp"
	printf 'full address:s:shadow.rdpsrv.lab:3389\ngatewayhostname:s:%s\ngatewayusagemethod:i:0\n' \
	    "$GWS_GW" >"$d/never.rdp"
	gwc_start none || { gws_fail $name "the lab gateway did not start"; return; }
	gws_scan $name "$LAB_DIR/gateway/gwuser.pw" "$d/always.rdp" "$d/never.rdp"
	gws_line $name tls.rdpsrv.lab '.gateway.host == "'"$GWS_HOST"'"
	    and .target_given == "'"$d/always.rdp"'"
	    and (.phases[] | select(.phase == "gateway-channel") | .status) == "ok"' ||
	    why+=("always.rdp: $(jq -c -s '.[] | select(.target.host == "tls.rdpsrv.lab") | [.target_given, .gateway.host]' "$work/$name.ndjson" 2>/dev/null)")
	gws_line $name shadow.rdpsrv.lab '.gateway == null
	    and .target_given == "'"$d/never.rdp"'"
	    and (.phases[] | select(.phase == "tls") | .status) == "ok"' ||
	    why+=("never.rdp: $(jq -c -s '.[] | select(.target.host == "shadow.rdpsrv.lab") | [.target_given, .gateway]' "$work/$name.ndjson" 2>/dev/null)")
	# The option wins over both files: the gateway by its address.
	gws_scan $name-option "$LAB_DIR/gateway/gwuser.pw" --gateway "10.201.0.34:$GWS_PORT" \
	    "$d/always.rdp" "$d/never.rdp"
	[ "$(jq -s '[.[] | select(.gateway.host == "10.201.0.34"
	    and (.phases[] | select(.phase == "gateway-tunnel") | .status) == "ok")]
	    | length' "$work/$name-option.ndjson" 2>/dev/null)" = 2 ] ||
	    why+=("--gateway: $(jq -c -s '[.[] | [.target.host, .gateway.host, .verdict.status]]' "$work/$name-option.ndjson" 2>/dev/null)")
	if [ ${#why[@]} -gt 0 ]; then
		gws_fail $name "${why[*]}"
	else
		gws_ok $name "file gateway, direct, option wins"
	fi
}

# gateway_scan_all FILTER: the scenarios whose name matches FILTER.
gateway_scan_all() {
	local filter=$1 name
	for name in gateway-scan-fleet gateway-scan-wrong-password \
	    gateway-scan-http-503 gateway-scan-rdp-files; do
		[ -n "$filter" ] && ! [[ $name =~ $filter ]] && continue
		gws_ran=$((gws_ran + 1))
		case $name in
		*fleet) gws_fleet ;;
		*wrong-password)
			gws_failed $name none "$LAB_DIR/gateway/wrong.pw" \
			    gateway-auth-failed gateway-http 1 2 ;;
		*http-503)
			gws_failed $name http-503 "$LAB_DIR/gateway/gwuser.pw" \
			    gateway-unavailable gateway-http 0 1 ;;
		*rdp-files) gws_rdp_files ;;
		esac
	done
	[ $gws_ran -gt 0 ] && gwc_stop
	return 0
}
