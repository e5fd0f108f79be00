# wine-check.bash - sourced by run-integration.sh: rdpdoctor.exe, the
# Windows build (scripts/build-win.sh, `make win`), under wine inside the
# lab's client namespace (wine's Winsock over the namespace's network and
# its hosts file), against the Linux binary on the same server:
#   wine-check-tls        tls.rdpsrv.lab (xrdp, TLS; the lab CA in no
#                         store): exit 1, nla-not-required, cert-untrusted
#   wine-check-tls-ca     the same with --ca-file (a Linux path, which wine
#                         opens as Z:): the chain trusted, no cert-untrusted
#   wine-check-refused    refused.rdpsrv.lab: failed phase tcp, tcp-refused,
#                         exit 2
#   wine-check-expired    expired.rdpsrv.lab: failed phase tls,
#                         cert-expired, exit 2
#   wine-check-rdp        rdp.rdpsrv.lab (Standard RDP Security):
#                         rdp-security-allowed, exit 1
#   wine-check-shadow     shadow.rdpsrv.lab (FreeRDP shadow, NLA):
#                         nego-hybrid-required, exit 1
#   wine-check-explain    `explain --json 0x904 0x7` and --version: the
#                         same document and version line as Linux's
#   wine-check-host-state `host --from-state FIXTURE --json` for six
#                         fixtures of tests/unit/diag/host (healthy, many
#                         faults, nothing readable, ...; all 44 would take
#                         minutes under wine): the same document and exit
#                         status as Linux's
#   wine-check-host-live  `rdpdoctor.exe host --json` with no file reads
#                         the (wine) machine it runs on: the same
#                         document, but for the reader's name, as
#                         rdpdoctor-host.exe's state diagnosed by Linux's
#                         `host --from-state`, and the same exit status
# Each check case runs `check --json --samples 0` with both binaries and
# compares the exit status, verdict.failed_phase and the sorted finding
# ids (path-quality net-* ids aside: they measure timing, and wine's
# sockets are slower), and the expected values above, so that both cannot
# be wrong the same way. Wine's first start in the throwaway WINEPREFIX
# takes tens of seconds (printed). The exe is not built here (its
# libraries take many minutes): a missing exe fails every case.
#
# Wine makes a program's sockets in wineserver, not in the program: the
# prefix's wineserver is started inside rdpcli before anything else, and
# every wine command of this file runs there too, so no packet to a lab
# address leaves from the root namespace (where it is not the lab).
#
# Uses from the caller: TOOL, work, passed, failed, LAB_DIR.
# shellcheck disable=SC2154 # set by the caller

wine_ran=0
WIN_EXE=${LAB_WIN_EXE:-$(cd "$HERE/../.." && pwd)/build-win/rdpdoctor.exe}
wine_ready=""

wine_ok() {
	echo "ok   $1${2:+ ($2)}"
	passed=$((passed + 1))
}

wine_fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
}

# wine_boot: the throwaway prefix, once; sets wine_ready to "" or why not.
wine_boot() {
	local t0
	[ -n "$wine_ready" ] && return
	export WINEPREFIX=$work/wine WINEDEBUG=-all
	export WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono or Gecko prompts
	if ! command -v wine >/dev/null; then
		wine_ready="wine not installed (scripts/install-deps.sh)"
	elif [ ! -f "$WIN_EXE" ]; then
		wine_ready="no $WIN_EXE (make win)"
	else
		t0=$(date +%s)
		mkdir -p "$WINEPREFIX"
		if (cd "$work" && ip netns exec rdpcli wineserver -p &&
			timeout 240 ip netns exec rdpcli wine wineboot -i \
				>"$work/wineboot.log" 2>&1); then
			wine_ready=ok
			echo "     wine: prefix ready in $(($(date +%s) - t0)) s"
		else
			wine_ready="wineboot failed: $(tail -2 "$work/wineboot.log" | tr '\n' ' ')"
		fi
	fi
}

# wine_sum FILE: "EXIT PHASE ID,ID..." of a check document.
wine_sum() {
	jq -r '"\(.verdict.exit_code) \(.verdict.failed_phase // "-") " +
	    ([.findings[].id | select(startswith("net-") | not)] | sort |
	     join(","))' "$1" 2>/dev/null
}

# wine_check NAME EXIT PHASE ID [JQ-TEST] -- CHECK-ARGS...: both binaries,
# compared with each other and with EXIT, PHASE (- for none), a finding ID
# that must be there (- for none), and a jq test on the exe's document.
wine_check() {
	local name=$1 want_rc=$2 want_phase=$3 want_id=$4 test=$5
	local lin=$work/$name.linux.json win=$work/$name.wine.json
	local lrc wrc ls ws why=()
	shift 6
	wine_boot
	if [ "$wine_ready" != ok ]; then
		wine_fail "$name" "$wine_ready"
		return
	fi
	ip netns exec rdpcli timeout 120 "$TOOL" check --json --samples 0 \
		"$@" >"$lin" 2>"$lin.err"
	lrc=$?
	(cd "$work" && ip netns exec rdpcli timeout 120 wine "$WIN_EXE" check \
		--json --samples 0 "$@" >"$win" 2>"$win.err")
	wrc=$?
	ls=$(wine_sum "$lin")
	ws=$(wine_sum "$win")
	[ "$wrc" = "$want_rc" ] || why+=("exe exit $wrc, expected $want_rc ($(head -c 200 "$win.err"))")
	[ "$lrc" = "$want_rc" ] || why+=("linux exit $lrc, expected $want_rc")
	[ "$ws" = "$ls" ] || why+=("exe '$ws' != linux '$ls'")
	[ "$(echo "$ws" | cut -d' ' -f2)" = "$want_phase" ] ||
		why+=("failed phase '$(echo "$ws" | cut -d' ' -f2)', expected $want_phase")
	if [ "$want_id" != - ] && ! [[ ",$(echo "$ws" | cut -d' ' -f3)," == *",$want_id,"* ]]; then
		why+=("no $want_id in '$ws'")
	fi
	if [ -n "$test" ] && ! jq -e "$test" "$win" >/dev/null 2>&1; then
		why+=("not true of the exe's document: $test")
	fi
	if [ ${#why[@]} -eq 0 ]; then
		wine_ok "$name" "exit $wrc, $ws"
	else
		wine_fail "$name" "${why[*]}"
		[ -n "$BUILD" ] && mkdir -p "$BUILD/lab-failures" &&
			cp "$win" "$BUILD/lab-failures/$name.json" 2>/dev/null
	fi
}

# explain and --version: nothing on the network, the same output.
wine_explain() {
	local name=$1 lv wv why=()
	wine_boot
	if [ "$wine_ready" != ok ]; then
		wine_fail "$name" "$wine_ready"
		return
	fi
	"$TOOL" explain --json 0x904 0x7 >"$work/explain.linux.json" 2>&1
	# Windows' stdout is in text mode: CRLF line ends.
	(cd "$work" && timeout 60 ip netns exec rdpcli wine "$WIN_EXE" explain --json 0x904 0x7 \
		>"$work/explain.wine.crlf" 2>&1) || why+=("explain exit $?")
	tr -d '\r' <"$work/explain.wine.crlf" >"$work/explain.wine.json"
	cmp -s "$work/explain.linux.json" "$work/explain.wine.json" ||
		why+=("explain --json differs: $(diff "$work/explain.linux.json" "$work/explain.wine.json" | head -4 | tr '\n' ' ')")
	lv=$("$TOOL" --version | head -1)
	wv=$(cd "$work" && timeout 60 ip netns exec rdpcli wine "$WIN_EXE" --version | head -1 | tr -d '\r')
	[ "$lv" = "$wv" ] || why+=("version '$wv' != '$lv'")
	if [ ${#why[@]} -eq 0 ]; then
		wine_ok "$name" "$wv, explain --json identical"
	else
		wine_fail "$name" "${why[*]}"
	fi
}

# host --from-state: a server's saved state diagnosed the same anywhere.
wine_host_state() {
	local name=$1 f lrc wrc n=0 why=()
	local root
	root=$(cd "$HERE/../.." && pwd)
	wine_boot
	if [ "$wine_ready" != ok ]; then
		wine_fail "$name" "$wine_ready"
		return
	fi
	for f in healthy many-faults nothing-readable cert-key-missing \
	    securitylayer-policy-wins tls12-server-disabled; do
		f=$root/tests/unit/diag/host/$f.json
		[ -f "$f" ] || { why+=("no $f"); continue; }
		"$TOOL" host --from-state "$f" --json >"$work/host.linux.json" 2>&1
		lrc=$?
		(cd "$work" && timeout 60 ip netns exec rdpcli wine "$WIN_EXE" host \
			--from-state "$f" --json >"$work/host.wine.crlf" 2>&1)
		wrc=$?
		tr -d '\r' <"$work/host.wine.crlf" >"$work/host.wine.json"
		n=$((n + 1))
		[ "$lrc" = "$wrc" ] || why+=("$(basename "$f"): exit $wrc, linux $lrc")
		cmp -s "$work/host.linux.json" "$work/host.wine.json" ||
			why+=("$(basename "$f"): the documents differ")
	done
	if [ ${#why[@]} -eq 0 ]; then
		wine_ok "$name" "$n states, identical documents and exit status"
	else
		wine_fail "$name" "${why[*]:-no fixtures}"
	fi
}

# host without --from-state: the exe reads the machine it runs on.
wine_host_live() {
	local name=$1 root hrc lrc wrc why=()
	root=$(cd "$HERE/../.." && pwd)
	wine_boot
	if [ "$wine_ready" != ok ]; then
		wine_fail "$name" "$wine_ready"
		return
	fi
	if ! "$root/scripts/build-win-host.sh" "$work/rdpdoctor-host.exe" >/dev/null 2>&1; then
		wine_fail "$name" "scripts/build-win-host.sh failed"
		return
	fi
	(cd "$work" && timeout 60 ip netns exec rdpcli wine "$work/rdpdoctor-host.exe" \
		>"$work/live.state.crlf" 2>&1)
	hrc=$?
	tr -d '\r' <"$work/live.state.crlf" >"$work/live.state.json"
	"$TOOL" host --from-state "$work/live.state.json" --json >"$work/live.linux.json" 2>&1
	lrc=$?
	(cd "$work" && timeout 60 ip netns exec rdpcli wine "$WIN_EXE" host --json \
		>"$work/live.wine.crlf" 2>&1)
	wrc=$?
	tr -d '\r' <"$work/live.wine.crlf" >"$work/live.wine.json"
	[ "$hrc" = 0 ] || why+=("rdpdoctor-host.exe exit $hrc")
	[ "$wrc" = "$lrc" ] || why+=("exe exit $wrc, linux $lrc")
	[ "$(jq -r .state.reader "$work/live.wine.json" 2>/dev/null)" = \
		"rdpdoctor $("$TOOL" --version | head -1 | cut -d' ' -f2)" ] ||
		why+=("the exe's state does not name rdpdoctor as its reader")
	# One second may pass between the two reads.
	local strip='walk(if type == "object" then del(.collected_at, .reader) else . end)'
	cmp -s <(jq -S "$strip" "$work/live.linux.json") \
		<(jq -S "$strip" "$work/live.wine.json") ||
		why+=("the documents differ")
	if [ ${#why[@]} -eq 0 ]; then
		wine_ok "$name" "exit $wrc, $(jq -c '[.findings[].id]' "$work/live.wine.json")"
	else
		wine_fail "$name" "${why[*]}"
	fi
}

# wine_check_all FILTER: the cases whose names match FILTER; then wine's
# server stopped (the prefix goes with the caller's work directory).
wine_check_all() {
	local name ca=$LAB_DIR/certs/ca/ca.crt
	for name in wine-check-tls wine-check-tls-ca wine-check-refused \
	    wine-check-expired wine-check-rdp wine-check-shadow \
	    wine-check-explain wine-check-host-state wine-check-host-live; do
		[ -n "$1" ] && ! [[ $name =~ $1 ]] && continue
		wine_ran=$((wine_ran + 1))
		case $name in
		wine-check-tls)
			wine_check "$name" 1 - nla-not-required \
				'[.findings[].id] | index("cert-untrusted") != null' \
				-- tls.rdpsrv.lab ;;
		wine-check-tls-ca)
			wine_check "$name" 1 - nla-not-required \
				'.tls.certificate.trusted == true and ([.findings[].id] | index("cert-untrusted") == null)' \
				-- --ca-file "$ca" tls.rdpsrv.lab ;;
		wine-check-refused)
			wine_check "$name" 2 tcp tcp-refused '' -- refused.rdpsrv.lab ;;
		wine-check-expired)
			wine_check "$name" 2 tls cert-expired '' -- expired.rdpsrv.lab ;;
		wine-check-rdp)
			wine_check "$name" 1 - rdp-security-allowed '' -- rdp.rdpsrv.lab ;;
		wine-check-shadow)
			wine_check "$name" 1 - nego-hybrid-required '' -- shadow.rdpsrv.lab ;;
		wine-check-explain) wine_explain "$name" ;;
		wine-check-host-state) wine_host_state "$name" ;;
		wine-check-host-live) wine_host_live "$name" ;;
		esac
	done
	if [ -n "$wine_ready" ] && [ -d "$work/wine" ]; then
		timeout 20 ip netns exec rdpcli wineserver -k >/dev/null 2>&1
	fi
}
