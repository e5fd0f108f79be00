# secrets.bash - sourced by run-integration.sh: the password of check
# --user appears nowhere but on the wire (issue 16). Each way of giving it
# (a file, standard input, the environment) is run against the lab's NLA
# server with every output form (text, -v trace, --json), and the password
# is looked for in stdout, stderr and the JSON, and, while the check runs,
# in the process's argv (/proc/PID/cmdline) and environment
# (/proc/PID/environ, where RDPDOCTOR_PASSWORD must have been wiped).
#
# Uses from the caller: TOOL, TIMEOUT, work, passed, failed, LAB_DIR.
# shellcheck disable=SC2154 # set by the caller

# secrets_one NAME HOW ARGS...: one run, counted as one test. HOW is
# file, stdin or env; the password is LAB_DIR/shadow/alice.pw's.
secrets_one() {
	local name=$1 how=$2 dir=$work/$1 pw pid i leaks=() tool_exe
	shift 2
	mkdir -p "$dir"
	pw=$(head -n1 "$LAB_DIR/shadow/alice.pw")
	tool_exe=$(readlink -f "$TOOL")
	case $how in
	file)
		ip netns exec rdpcli "$TOOL" check --timeout "$TIMEOUT" \
		    --samples 0 --no-udp --user alice \
		    --password-file "$LAB_DIR/shadow/alice.pw" "$@" \
		    >"$dir/out" 2>"$dir/err" &
		;;
	stdin)
		ip netns exec rdpcli "$TOOL" check --timeout "$TIMEOUT" \
		    --samples 0 --no-udp --user alice --password-file - "$@" \
		    <"$LAB_DIR/shadow/alice.pw" >"$dir/out" 2>"$dir/err" &
		;;
	env)
		RDPDOCTOR_PASSWORD=$pw ip netns exec rdpcli "$TOOL" check \
		    --timeout "$TIMEOUT" --samples 0 --no-udp --user alice \
		    "$@" >"$dir/out" 2>"$dir/err" </dev/null &
		;;
	esac
	pid=$!
	# `ip netns exec` execs the tool: PID is the tool. Its argv and
	# environment are read once it has a socket open, which it opens only
	# after it has read the password (bounded: 400 x 5 ms).
	for i in $(seq 1 400); do
		[ -d "/proc/$pid" ] || break
		# Before its exec the PID is `ip`, which has a netlink socket
		# and the caller's environment: only the tool's own count.
		[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$tool_exe" ] ||
		    { sleep 0.002; continue; }
		if ls -l "/proc/$pid/fd" 2>/dev/null | grep -q 'socket:'; then
			{ tr '\0' '\n' <"/proc/$pid/cmdline"; } >>"$dir/cmdline" 2>/dev/null
			{ tr '\0' '\n' <"/proc/$pid/environ"; } >>"$dir/environ" 2>/dev/null
		fi
		sleep 0.005
	done
	wait "$pid"
	echo "rc=$?" >"$dir/rc"
	for f in out err cmdline environ; do
		[ -f "$dir/$f" ] && grep -qF -- "$pw" "$dir/$f" && leaks+=("$f")
	done
	# The samples were taken (else the test proves nothing).
	[ -s "$dir/cmdline" ] || leaks+=("(no sample of argv was taken)")
	# The check logged on: the password was used, and is still unseen.
	if ! grep -qiE 'logon|"outcome": *"ok"' "$dir/out"; then
		echo "FAIL $name: no logon in the output ($(cat "$dir/rc"))"
		failed=$((failed + 1))
	elif [ ${#leaks[@]} -gt 0 ]; then
		echo "FAIL $name: the password appears in ${leaks[*]}"
		failed=$((failed + 1))
	else
		echo "ok   $name (password in none of stdout, stderr, argv, environment)"
		passed=$((passed + 1))
	fi
}
