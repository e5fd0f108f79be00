# logon.bash - sourced by run-integration.sh: check --user and --logon
# against xrdp-logon (.33), a server without NLA whose sesman really logs
# the local account rdplab on (tests/lab/xrdp-logon.md). xrdp never sends a
# logon notification, so the client cannot confirm a logon there; the
# server's own logs can, and this test reads them:
#   logon-xrdp-right      --logon, the right password: xrdp logs "login
#                         successful", sesman creates a session for the
#                         check's connection; the report says the logon
#                         was not confirmed (logon-unverified) and leaves
#                         possibly a session
#   logon-xrdp-wrong      --logon, a wrong password: xrdp logs "login
#                         failed"; the report is the same (xrdp says
#                         nothing to the client)
#   logon-xrdp-not-asked  --user without --logon: the password is not
#                         tried, sesman gets no request, no session
#
# Uses from the caller: TOOL, work, passed, failed, LAB_DIR.
# shellcheck disable=SC2154 # set by the caller

LOGON_XRDP_LOG=$LAB_DIR/log/xrdp-logon.log
LOGON_SESMAN_LOG=$LAB_DIR/log/sesman-logon.log

# logon_xrdp NAME PWFILE EXPECT_XRDP_LINE|- SESSION(yes|no) OPTIONS...
logon_xrdp() {
	local name=$1 pwfile=$2 want_line=$3 want_session=$4 dir=$work/$1
	local xl sl rc problems=() new_x new_s out
	shift 4
	mkdir -p "$dir"
	out=$dir/out.json
	if [ ! -f "$pwfile" ] || [ ! -f "$LOGON_XRDP_LOG" ]; then
		echo "FAIL $name: xrdp-logon is not up ($pwfile, $LOGON_XRDP_LOG)"
		failed=$((failed + 1))
		return
	fi
	xl=$(wc -l <"$LOGON_XRDP_LOG")
	sl=$(wc -l <"$LOGON_SESMAN_LOG" 2>/dev/null || echo 0)
	ip netns exec rdpcli timeout 60 "$TOOL" check --json --timeout 5 \
	    --samples 0 --no-udp --user rdplab --password-file "$pwfile" \
	    "$@" logon.rdpsrv.lab >"$out" 2>"$dir/err"
	rc=$?
	# xrdp logs the outcome up to 3 s after the Client Info (PAM's
	# delay); --logon waits 10 s, so it is there. Without --logon give
	# it the same chance to show a request that must not exist.
	[ "$want_session" = no ] && sleep 3
	new_x=$(tail -n +"$((xl + 1))" "$LOGON_XRDP_LOG")
	new_s=$(tail -n +"$((sl + 1))" "$LOGON_SESMAN_LOG" 2>/dev/null)
	[ $rc = 1 ] || problems+=("exit $rc, want 1")
	jq -e '.findings | map(.id) | index("logon-unverified")' "$out" \
	    >/dev/null 2>&1 || problems+=("no logon-unverified")
	jq -e '.findings | map(.id) | index("logon-failed") | not' "$out" \
	    >/dev/null 2>&1 || problems+=("logon-failed reported")
	if [ "$want_line" != - ]; then
		grep -q "$want_line" <<<"$new_x" ||
		    problems+=("xrdp did not log '$want_line'")
		jq -e '.session.logon.outcome == "none"' "$out" >/dev/null 2>&1 ||
		    problems+=("session.logon.outcome is not none")
	else
		grep -Eq "login (successful|failed)" <<<"$new_x" &&
		    problems+=("xrdp logged a logon: $(grep -E 'login (successful|failed)' <<<"$new_x" | head -1)")
		jq -e '.session.logon == null' "$out" >/dev/null 2>&1 ||
		    problems+=("session.logon is not null")
	fi
	if [ "$want_session" = yes ]; then
		grep -q "created session.*username rdplab" <<<"$new_s" ||
		    problems+=("sesman created no session")
	else
		grep -q "created session" <<<"$new_s" &&
		    problems+=("sesman created a session")
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok   $name (exit $rc; xrdp: ${want_line//\\/}, session: $want_session)"
		passed=$((passed + 1))
	else
		echo "FAIL $name: ${problems[*]}"
		mkdir -p "$BUILD/lab-failures"
		cp "$out" "$BUILD/lab-failures/$name.json" 2>/dev/null
		failed=$((failed + 1))
	fi
}
