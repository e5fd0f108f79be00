# rdpfile.bash - sourced by run-integration.sh: `check FILE.rdp` with saved
# connection files that point at the lab's servers (issue 23), written by
# this script in both encodings mstsc's files come in:
#   rdpfile-utf16-xrdp     UTF-16LE with a byte-order mark and CRLF, as
#                          mstsc saves, to tls.rdpsrv.lab (xrdp, TLS), with
#                          a malformed line and an unknown setting: the
#                          check walks to activation, the two lines are
#                          named with their numbers, the exit status and
#                          verdict are those of `check tls.rdpsrv.lab`
#   rdpfile-utf8-xrdp      the same settings in UTF-8 without a mark, the
#                          port from "server port": the same target, notes
#                          and problems as the UTF-16 file
#   rdpfile-credssp-off    enablecredsspsupport:i:0 to shadow.rdpsrv.lab,
#                          which requires NLA: the note
#                          credssp-off-nla-required (critical), exit 2
#   rdpfile-gateway        gatewayusagemethod:i:1 with a gateway: the note
#                          gateway-not-walked (warning) in text and JSON,
#                          the direct walk still reported
#   rdpfile-unusable       no full address, a file that does not exist,
#                          and --nagios (which cannot show the notes yet):
#                          exit 3 with the reason, no connection
#
# Uses from the caller: TOOL, TIMEOUT, work, passed, failed, FILTER.
# shellcheck disable=SC2154 # set by the caller

rdpfile_ran=0

rdpf_ok() {
	echo "ok   $1${2:+ ($2)}"
	passed=$((passed + 1))
}

rdpf_fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
}

# rdpf_utf16 IN OUT: UTF-8 text to UTF-16LE with FF FE (iconv).
rdpf_utf16() {
	{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$1"; } >"$2"
}

# rdpf_check NAME FILE ARGS...: check FILE from rdpcli; stdout, stderr
# and the exit status in $work/NAME.{out,err,rc}.
rdpf_check() {
	local name=$1 file=$2
	shift 2
	ip netns exec rdpcli "$TOOL" check --timeout "$TIMEOUT" --samples 0 \
	    --no-udp "$@" "$file" >"$work/$name.out" 2>"$work/$name.err"
	echo $? >"$work/$name.rc"
}

rdpfile_xrdp() {
	local name=$1 enc=$2 dir=$work/rdpfile rc direct why=()
	mkdir -p "$dir"
	if [ "$enc" = utf16 ]; then
		printf 'screen mode id:i:2\r\nfull address:s:tls.rdpsrv.lab:3389\r\nthis line is broken\r\nfrobnicate:i:1\r\nauthentication level:i:2\r\n' \
		    >"$dir/utf16.txt"
		rdpf_utf16 "$dir/utf16.txt" "$dir/xrdp16.rdp"
		rdpf_check "$name" "$dir/xrdp16.rdp" --json
	else
		printf 'screen mode id:i:2\nfull address:s:tls.rdpsrv.lab\nthis line is broken\nfrobnicate:i:1\nauthentication level:i:2\nserver port:i:3389\n' \
		    >"$dir/xrdp8.rdp"
		rdpf_check "$name" "$dir/xrdp8.rdp" --json
	fi
	rc=$(cat "$work/$name.rc")
	ip netns exec rdpcli "$TOOL" check --timeout "$TIMEOUT" --samples 0 \
	    --no-udp tls.rdpsrv.lab >/dev/null 2>&1
	direct=$?
	jq -e . "$work/$name.out" >/dev/null 2>&1 ||
	    { rdpf_fail "$name" "no JSON (rc $rc): $(head -c 300 "$work/$name.err")"; return; }
	[ "$rc" = "$direct" ] || why+=("exit $rc, direct check $direct")
	jq -e '.rdp_file.target == {host: "tls.rdpsrv.lab", port: 3389,
	    port_from: (if .rdp_file.encoding == "utf-8" then "server port"
	    else "full address" end)}' "$work/$name.out" >/dev/null ||
	    why+=("target $(jq -c .rdp_file.target "$work/$name.out")")
	jq -e --arg e "$([ "$enc" = utf16 ] && echo utf-16le-bom || echo utf-8)" \
	    '.rdp_file.encoding == $e' "$work/$name.out" >/dev/null ||
	    why+=("encoding $(jq -c .rdp_file.encoding "$work/$name.out")")
	jq -e '[.rdp_file.problems[] | [.line, .kind]] ==
	    [[3, "malformed"], [4, "unknown-setting"]]' "$work/$name.out" \
	    >/dev/null || why+=("problems $(jq -c '.rdp_file.problems' "$work/$name.out")")
	jq -e '[.rdp_file.notes[].id] == ["authentication-level"]' \
	    "$work/$name.out" >/dev/null ||
	    why+=("notes $(jq -c '[.rdp_file.notes[].id]' "$work/$name.out")")
	jq -e '.phases[] | select(.phase == "activation") | .status == "ok"' \
	    "$work/$name.out" >/dev/null || why+=("activation not ok")
	jq -e '.target.host == "tls.rdpsrv.lab"' "$work/$name.out" >/dev/null ||
	    why+=("document target $(jq -c .target "$work/$name.out")")
	if [ ${#why[@]} -eq 0 ]; then
		rdpf_ok "$name" "exit $rc, as check tls.rdpsrv.lab"
	else
		rdpf_fail "$name" "${why[*]}"
	fi
}

rdpfile_credssp_off() {
	local name=$1 dir=$work/rdpfile rc why=()
	mkdir -p "$dir"
	printf 'full address:s:shadow.rdpsrv.lab\r\nenablecredsspsupport:i:0\r\n' \
	    >"$dir/shadow.txt"
	rdpf_utf16 "$dir/shadow.txt" "$dir/shadow.rdp"
	rdpf_check "$name" "$dir/shadow.rdp"
	rc=$(cat "$work/$name.rc")
	[ "$rc" = 2 ] || why+=("exit $rc, want 2")
	grep -q '^  !! credssp-off-nla-required (line 2)$' "$work/$name.out" ||
	    why+=("no credssp-off-nla-required note")
	grep -q 'HYBRID_REQUIRED_BY_SERVER' "$work/$name.out" ||
	    why+=("no HYBRID_REQUIRED_BY_SERVER")
	rdpf_check "$name.json" "$dir/shadow.rdp" --json
	jq -e '.rdp_file.exit_code == 2 and (.rdp_file.notes[0] |
	    .id == "credssp-off-nla-required" and .level == "critical")' \
	    "$work/$name.json.out" >/dev/null || why+=("JSON note")
	if [ ${#why[@]} -eq 0 ]; then
		rdpf_ok "$name" "exit 2, mstsc refused: NLA required"
	else
		rdpf_fail "$name" "${why[*]}"
	fi
}

rdpfile_gateway() {
	local name=$1 dir=$work/rdpfile rc why=()
	mkdir -p "$dir"
	printf 'full address:s:tls.rdpsrv.lab\ngatewayhostname:s:rdg.rdpsrv.lab\ngatewayusagemethod:i:1\ngatewayprofileusagemethod:i:1\ngatewaycredentialssource:i:0\n' \
	    >"$dir/gw.rdp"
	rdpf_check "$name" "$dir/gw.rdp"
	rc=$(cat "$work/$name.rc")
	[ "$rc" -ge 1 ] && [ "$rc" -le 2 ] || why+=("exit $rc")
	grep -q '^  !  gateway-not-walked (line 3)$' "$work/$name.out" ||
	    why+=("no gateway-not-walked note")
	grep -q 'cannot walk' "$work/$name.out" || why+=("no 'cannot walk'")
	grep -q '^  activation ok' "$work/$name.out" ||
	    why+=("direct walk not reported")
	rdpf_check "$name.json" "$dir/gw.rdp" --json
	jq -e '(.rdp_file.notes[0] | .id == "gateway-not-walked" and
	    .level == "warning") and .rdp_file.exit_code == 1 and
	    .rdp_file.settings.gatewayhostname.value == "rdg.rdpsrv.lab"' \
	    "$work/$name.json.out" >/dev/null || why+=("JSON note")
	if [ ${#why[@]} -eq 0 ]; then
		rdpf_ok "$name" "exit $rc, gateway said not walked"
	else
		rdpf_fail "$name" "${why[*]}"
	fi
}

rdpfile_unusable() {
	local name=$1 dir=$work/rdpfile why=()
	mkdir -p "$dir"
	printf 'username:s:alice\n' >"$dir/none.rdp"
	rdpf_check "$name" "$dir/none.rdp"
	[ "$(cat "$work/$name.rc")" = 3 ] || why+=("no address: exit $(cat "$work/$name.rc")")
	grep -q 'names no computer' "$work/$name.err" || why+=("no reason")
	printf 'full address:s:tls.rdpsrv.lab\n' >"$dir/ok.rdp"
	rdpf_check "$name.nagios" "$dir/ok.rdp" --nagios
	[ "$(cat "$work/$name.nagios.rc")" = 3 ] || why+=("--nagios: exit $(cat "$work/$name.nagios.rc")")
	grep -q 'do not show' "$work/$name.nagios.err" || why+=("--nagios: no reason")
	rdpf_check "$name.missing" "$dir/missing.rdp"
	[ "$(cat "$work/$name.missing.rc")" = 3 ] || why+=("missing: exit $(cat "$work/$name.missing.rc")")
	grep -q 'cannot read' "$work/$name.missing.err" || why+=("no 'cannot read'")
	if [ ${#why[@]} -eq 0 ]; then
		rdpf_ok "$name" "exit 3 with the reason"
	else
		rdpf_fail "$name" "${why[*]}"
	fi
}

# rdpfile_all FILTER: the cases whose names match FILTER.
rdpfile_all() {
	local name
	for name in rdpfile-utf16-xrdp rdpfile-utf8-xrdp rdpfile-credssp-off \
	    rdpfile-gateway rdpfile-unusable; do
		[ -n "$1" ] && ! [[ $name =~ $1 ]] && continue
		rdpfile_ran=$((rdpfile_ran + 1))
		case $name in
		rdpfile-utf16-xrdp) rdpfile_xrdp "$name" utf16 ;;
		rdpfile-utf8-xrdp) rdpfile_xrdp "$name" utf8 ;;
		rdpfile-credssp-off) rdpfile_credssp_off "$name" ;;
		rdpfile-gateway) rdpfile_gateway "$name" ;;
		rdpfile-unusable) rdpfile_unusable "$name" ;;
		esac
	done
}
