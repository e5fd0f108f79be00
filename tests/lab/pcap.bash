# pcap.bash - sourced by run-integration.sh: `rdpdoctor pcap` on captures
# of lab scenarios (issue 18). For each scenario, tcpdump in the client
# namespace records one xfreerdp connection to the server (xfreerdp runs
# with tests/lab/keylog.so, which writes its TLS secrets to a key log:
# FreeRDP 2.11 has no option for one); the connection is found in
# `rdpdoctor pcap --json --keylog` by its cookie (xfreerdp sends
# "mstshash=" and the user name, unique per scenario), and its verdict
# (status and failed phase) must equal `rdpdoctor check`'s on the same
# server. Then the capture is mangled with editcap and mergecap (every
# packet twice, locally reordered, cut after half its packets, every
# packet cut to 96 bytes): the verdict must stay the same, or turn into
# an honest "incomplete" (never a made-up failure or success).
#
# Uses from the caller: TOOL, BUILD, TIMEOUT, work, passed, failed,
# LAB_DIR, lab (function), setup and teardown (functions).
# shellcheck disable=SC2154 # set by the caller

PCAP_KEYLOG_SO=$BUILD/tests/lab/keylog.so

# pcap_capture DIR ADDR XFREERDP_ARGS...: DIR/cap.pcap and DIR/keys of one
# xfreerdp run (at most 8 s: killed then, which ends a working session).
pcap_capture() {
	local dir=$1 addr=$2 tpid i
	shift 2
	mkdir -p "$dir"
	: >"$dir/keys"
	ip netns exec rdpcli timeout 60 tcpdump -i any -U -s 0 \
	    -w "$dir/cap.pcap" "host $addr and port 3389" \
	    >"$dir/tcpdump.log" 2>&1 &
	tpid=$!
	for i in $(seq 1 50); do
		grep -q listening "$dir/tcpdump.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.3 # "listening" comes a moment before the capture does
	LD_PRELOAD=$PCAP_KEYLOG_SO SSLKEYLOGFILE=$dir/keys \
	    lab exec timeout 8 xfreerdp "/v:$addr" "$@" \
	    >"$dir/xf.log" 2>&1 </dev/null
	sleep 0.5
	kill -INT "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	[ -s "$dir/cap.pcap" ]
}

# pcap_pick FILE.json COOKIE: the connection xfreerdp made (by cookie), or
# with COOKIE "-", the first connection without one (a refused SYN).
pcap_pick() {
	if [ "$2" = - ]; then
		jq -c '[.connections[] | select(.capture.client_facts.cookie ==
		    null)][0] // empty' "$1"
	else
		jq -c --arg c "$2" '[.connections[] |
		    select(.capture.client_facts.cookie == $c)][0] // empty' "$1"
	fi
}

# pcap_verdict JSON: "STATUS PHASE" of a check or pcap document.
pcap_verdict() {
	jq -r '"\(.verdict.status) \(.verdict.failed_phase // "-")"' <<<"$1"
}

# pcap_one NAME ADDR SETUP COOKIE XF_ARGS CHECK_ARGS [WANT]: one scenario,
# counted as one test (mangled variants included). WANT: extra jq tests
# of the picked connection, space-separated FILTER=VALUE.
pcap_one() {
	local name=$1 addr=$2 spec=$3 cookie=$4 xf=$5 chk=$6 want=${7:-}
	local dir=$work/$name problems=() conn check pv cv kv key val got
	local variant vconn vv vst

	if ! setup "$spec"; then
		echo "FAIL $name: setup '$spec' failed"
		failed=$((failed + 1))
		return
	fi
	# shellcheck disable=SC2086 # XF is arguments, split on purpose
	if ! pcap_capture "$dir" "$addr" $xf; then
		problems+=("no capture ($(tail -c 200 "$dir/tcpdump.log" | tr '\n' ' '))")
	fi
	# shellcheck disable=SC2086 # CHK is options, split on purpose
	ip netns exec rdpcli timeout 60 "$TOOL" check --json --timeout "$TIMEOUT" \
	    --samples 0 --no-udp $chk "$addr" >"$dir/check.json" 2>"$dir/check.err"
	teardown "$spec"
	check=$(cat "$dir/check.json")
	"$TOOL" pcap --json --keylog "$dir/keys" "$dir/cap.pcap" \
	    >"$dir/pcap.json" 2>"$dir/pcap.err"
	conn=$(pcap_pick "$dir/pcap.json" "$cookie")
	if [ -z "$conn" ]; then
		problems+=("no connection with cookie $cookie in the capture")
	elif ! jq -e . <<<"$check" >/dev/null 2>&1; then
		problems+=("check gave no JSON")
	else
		pv=$(pcap_verdict "$conn")
		cv=$(pcap_verdict "$check")
		[ "$pv" = "$cv" ] ||
		    problems+=("verdict: check $cv, pcap $pv ($(jq -r .capture.status_words <<<"$conn"))")
		for kv in $want; do
			key=${kv%=*}
			val=${kv##*=}
			[[ $key == .* ]] || key=.$key
			got=$(jq -r "$key" <<<"$conn" 2>/dev/null)
			[ "$got" = "$val" ] || problems+=("$key=$val, got $got")
		done
		# Mangled captures: the same verdict, or an honest incomplete.
		for variant in dup reorder half snap; do
			pcap_mangle "$dir" "$variant" || {
				problems+=("$variant: editcap/mergecap failed")
				continue
			}
			"$TOOL" pcap --json --keylog "$dir/keys" \
			    "$dir/$variant.pcap" >"$dir/$variant.json" 2>/dev/null
			vconn=$(pcap_pick "$dir/$variant.json" "$cookie")
			[ -n "$vconn" ] || {
				# Cut before its first bytes: nothing to read.
				[ "$variant" = half ] || [ "$variant" = snap ] ||
				    problems+=("$variant: connection lost")
				continue
			}
			vv=$(pcap_verdict "$vconn")
			vst=$(jq -r .capture.status <<<"$vconn")
			# An incomplete connection names no failed phase.
			[ "$vv" = "$pv" ] || [ "$vst" = incomplete ] ||
			    problems+=("$variant: verdict $vv ($vst), unmangled $pv")
		done
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok   $name (check and pcap: $pv)"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $(IFS=';'; echo "${problems[*]}")"
		failed=$((failed + 1))
		mkdir -p "$BUILD/lab-failures"
		cp -r "$dir" "$BUILD/lab-failures/$name" 2>/dev/null
	fi
}

# pcap_mangle DIR VARIANT: DIR/VARIANT.pcap from DIR/cap.pcap.
pcap_mangle() {
	local dir=$1 in=$1/cap.pcap out=$1/$2.pcap n odd even
	case $2 in
	dup) # every packet twice, as a span port may deliver them
		mergecap -w "$out" "$in" "$in" ;;
	reorder) # odd packets 0.3 ms late: neighbours swap places
		n=$(capinfos -c -M "$in" | awk '/Number of packets/ {print $NF}')
		odd=$(seq 1 2 "$n" | tr '\n' ' ')
		even=$(seq 2 2 "$n" | tr '\n' ' ')
		# shellcheck disable=SC2086 # packet lists, split on purpose
		editcap -r "$in" "$dir/odd.pcap" $odd >/dev/null &&
		    editcap -t 0.0003 "$dir/odd.pcap" "$dir/odd-late.pcap" &&
		    # shellcheck disable=SC2086
		    editcap -r "$in" "$dir/even.pcap" $even >/dev/null &&
		    mergecap -w "$out" "$dir/odd-late.pcap" "$dir/even.pcap" ;;
	half) # the capture cut short after half its packets
		n=$(capinfos -c -M "$in" | awk '/Number of packets/ {print $NF}')
		editcap -r "$in" "$out" "1-$(((n + 1) / 2))" ;;
	snap) # a snap length of 96 bytes
		editcap -s 96 "$in" "$out" ;;
	esac
}
