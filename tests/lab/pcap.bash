# pcap.bash - sourced by run-integration.sh: `rdpdoctor pcap` on captures
# of lab scenarios (issue 18). For each scenario, tcpdump in the client
# namespace records one xfreerdp connection to the server (xfreerdp runs
# with tests/lab/keylog.so, which writes its TLS secrets to a key log:
# FreeRDP 2.11 has no option for one); the connection is found in
# `rdpdoctor pcap --json --keylog` by its cookie (xfreerdp sends
# "mstshash=" and the user name, unique per scenario), and its verdict
# (status and failed phase) must equal `rdpdoctor check`'s on the same
# server. Then the capture is mangled with editcap and mergecap (every
# packet twice; every other packet 0.3 ms or 3 ms late, so that
# neighbours swap and an answer can come before its request; cut after
# half its packets; every packet cut to 96 bytes; the first FIN of each
# connection moved behind the FIN that answered it): the verdict must
# stay the same, or turn into an honest "incomplete" (never a made-up
# failure or success).
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
	# --immediate-mode: packets are written as they come; without it they
	# may wait in a kernel block and be lost when tcpdump is stopped.
	ip netns exec rdpcli timeout 60 tcpdump -i any -U --immediate-mode -B 32768 -s 0 \
	    -w "$dir/cap.pcap" "host $addr and port 3389" \
	    >"$dir/tcpdump.log" 2>&1 &
	tpid=$!
	for i in $(seq 1 50); do
		grep -q listening "$dir/tcpdump.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 1 # "listening" comes a moment before the capture does
	LD_PRELOAD=$PCAP_KEYLOG_SO SSLKEYLOGFILE=$dir/keys \
	    lab exec timeout 8 xfreerdp "/v:$addr" "$@" \
	    >"$dir/xf.log" 2>&1 </dev/null
	sleep 1
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

# pcap_verdict JSON: "STATUS PHASE FINDING" of a check or pcap document:
# the verdict, the phase a default client fails in, and the critical
# finding that explains it (findings are sorted, critical first).
pcap_verdict() {
	jq -r '"\(.verdict.status) \(.verdict.failed_phase // "-") \(
	    [.findings[] | select(.severity == "critical") | .id][0] // "-")"' \
	    <<<"$1"
}

# pcap_one NAME ADDR SETUP COOKIE XF_ARGS CHECK_ARGS [EXPECT [WANT]]: one
# scenario, counted as one test (mangled variants included). EXPECT: "-"
# (the default) when pcap's verdict must be check's, else the verdict
# pcap must give ("STATUS PHASE FINDING") where xfreerdp itself gets
# another answer than check. WANT: extra jq tests of the picked
# connection, space-separated FILTER=VALUE.
pcap_one() {
	local name=$1 addr=$2 spec=$3 cookie=$4 xf=$5 chk=$6
	local expect=${7:--} want=${8:-}
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
	# Kept for bench/pcap-vs-tshark.sh (BUILD/lab-captures/NAME.pcap).
	mkdir -p "$BUILD/lab-captures"
	cp "$dir/cap.pcap" "$BUILD/lab-captures/$name.pcap" 2>/dev/null
	cp "$dir/keys" "$BUILD/lab-captures/$name.keys" 2>/dev/null
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
		[ "$expect" = - ] && expect=$cv
		[ "$pv" = "$expect" ] ||
		    problems+=("verdict: check $cv, pcap $pv ($(jq -r .capture.status_words <<<"$conn")), expected $expect")
		for kv in $want; do
			key=${kv%=*}
			val=${kv##*=}
			[[ $key == .* ]] || key=.$key
			got=$(jq -r "$key" <<<"$conn" 2>/dev/null)
			[ "$got" = "$val" ] || problems+=("$key=$val, got $got")
		done
		# Mangled captures: the same verdict, or an honest incomplete.
		for variant in dup reorder reorder-even reorder-3ms half snap finlate; do
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
		if [ "$pv" = "$cv" ]; then
			echo "ok   $name (check and pcap: $pv)"
		else
			echo "ok   $name (pcap: $pv; check: $cv)"
		fi
		passed=$((passed + 1))
	else
		echo "FAIL $name: $(IFS=';'; echo "${problems[*]}")"
		failed=$((failed + 1))
		mkdir -p "$BUILD/lab-failures"
		cp -r "$dir" "$BUILD/lab-failures/$name" 2>/dev/null
	fi
}

# pcap_mangle DIR VARIANT: DIR/VARIANT.pcap from DIR/cap.pcap. Packet
# and frame lists are split into arguments on purpose.
# shellcheck disable=SC2086
pcap_mangle() {
	local dir=$1 in=$1/cap.pcap out=$1/$2.pcap n odd even swap fins
	case $2 in
	dup) # every packet twice, as a span port may deliver them
		mergecap -w "$out" "$in" "$in" ;;
	reorder | reorder-even | reorder-3ms)
		# odd (or even) packets 0.3 ms (or 3 ms) late: neighbours swap
		# places, a request can come after its answer
		n=$(capinfos -c -M "$in" | awk '/Number of packets/ {print $NF}')
		odd=$(seq 1 2 "$n" | tr '\n' ' ')
		even=$(seq 2 2 "$n" | tr '\n' ' ')
		[ "$2" = reorder-even ] && { swap=$odd; odd=$even; even=$swap; }
		editcap -r "$in" "$dir/odd.pcap" $odd >/dev/null &&
		    editcap -t "$([ "$2" = reorder-3ms ] && echo 0.003 ||
		        echo 0.0003)" "$dir/odd.pcap" "$dir/odd-late.pcap" &&
		    editcap -r "$in" "$dir/even.pcap" $even >/dev/null &&
		    mergecap -w "$out" "$dir/odd-late.pcap" "$dir/even.pcap" ;;
	half) # the capture cut short after half its packets
		n=$(capinfos -c -M "$in" | awk '/Number of packets/ {print $NF}')
		editcap -r "$in" "$out" "1-$(((n + 1) / 2))" ;;
	snap) # a snap length of 96 bytes
		editcap -s 96 "$in" "$out" ;;
	finlate) # the first FIN of each connection that both sides closed,
		# moved behind the other side's FIN, which answered it (who closed
		# first is read from what each FIN acknowledges, not the order)
		tshark -r "$in" -Y 'tcp.flags.fin == 1' -T fields -e tcp.stream \
		    -e frame.number -e tcp.srcport -e frame.time_epoch \
		    2>/dev/null |
		    awk '!($1 in first) { first[$1] = $2; src[$1] = $3
		            t[$1] = $4; next }
		        $3 != src[$1] && !($1 in late) { late[$1] = $4 - t[$1] }
		        END { d = 0
		            for (s in late) { print first[s]; if (late[s] > d)
		                d = late[s] }
		            printf "shift %.6f\n", d + 0.001 }' >"$dir/fins"
		fins=$(grep -v shift "$dir/fins" | sort -n | tr '\n' ' ')
		n=$(awk '/shift/ {print $2}' "$dir/fins")
		if [ -z "$fins" ]; then
			cp "$in" "$out"
			return
		fi
		editcap -r "$in" "$dir/fin.pcap" $fins >/dev/null &&
		    editcap -t "$n" "$dir/fin.pcap" "$dir/fin-late.pcap" &&
		    editcap "$in" "$dir/nofin.pcap" $fins >/dev/null &&
		    mergecap -w "$out" "$dir/fin-late.pcap" "$dir/nofin.pcap" ;;
	esac
}

# The scenarios: NAME | ADDR | SETUP | COOKIE | XFREERDP ARGS | CHECK ARGS |
# EXPECT (see pcap_one; "-": check's verdict). xfreerdp's user name is its
# cookie; $ALICE is the shadow server's password, $IALICE the injector's.
pcap_scenarios() {
	cat <<-EOF
	pcap-xrdp-tls | 10.201.0.12 | - | p12 | /u:p12 /sec:tls /cert:ignore | - | -
	pcap-xrdp-nego | 10.201.0.14 | - | p14 | /u:p14 /sec:tls /cert:ignore | - | -
	pcap-xrdp-tls10-cbc | 10.201.0.19 | - | p19 | /u:p19 /sec:tls /cert:ignore /tls-seclevel:0 | - | -
	pcap-xrdp-expired | 10.201.0.13 | - | p13 | /u:p13 /sec:tls /cert:ignore | - | -
	pcap-xrdp-weak | 10.201.0.26 | - | p26 | /u:p26 /sec:tls /cert:ignore | - | -
	pcap-xrdp-nocipher | 10.201.0.27 | - | p27 | /u:p27 /sec:tls /cert:ignore | - | critical tls tls-alert
	pcap-rst-on-clienthello | 10.201.0.21 | - | p21 | /u:p21 /sec:tls /cert:ignore | - | -
	pcap-refused | 10.201.0.17 | - | - | /u:p17 /cert:ignore | - | -
	pcap-shadow-nla | 10.201.0.15 | - | alice | /u:alice /p:\$ALICE /sec:nla /cert:ignore | --user alice --password-file \$LAB_DIR/shadow/alice.pw | -
	pcap-shadow-expired | 10.201.0.22 | - | alice | /u:alice /p:\$ALICE /sec:nla /cert:ignore | --user alice --password-file \$LAB_DIR/shadow/alice.pw | -
	pcap-inject-pass | 10.201.0.31 | inject pass - 60 | pi | /u:pi /sec:tls /cert:ignore | - | -
	pcap-inject-no-license-server | 10.201.0.31 | inject license-error - 60 | pi | /u:pi /sec:tls /cert:ignore | - | -
	pcap-inject-server-denied | 10.201.0.31 | inject error-info - 60 -- --code 7 | pi | /u:pi /sec:tls /cert:ignore | - | -
	pcap-inject-close | 10.201.0.31 | inject close - 60 | pi | /u:pi /sec:tls /cert:ignore | - | -
	pcap-inject-stall-activation | 10.201.0.31 | inject stall-activation - 60 | pi | /u:pi /sec:tls /cert:ignore | - | -
	pcap-inject-nla-logon-failure | 10.201.0.31 | inject credssp-error - 60 -- --nla hybrid_ex --code 0xC000006D | alice | /u:alice /p:\$IALICE /cert:ignore | --user alice --password-file \$LAB_DIR/inject/alice.pw | -
	pcap-inject-nla-credssp-close | 10.201.0.31 | inject credssp-close - 60 -- --nla hybrid_ex | alice | /u:alice /p:\$IALICE /cert:ignore | --user alice --password-file \$LAB_DIR/inject/alice.pw | -
	pcap-xrdp-rdp-xfreerdp-mac | 10.201.0.11 | - | p11 | /u:p11 /sec:rdp /cert:ignore | - | critical licensing session-closed
	pcap-inject-nla-early-auth-no-hybrid-ex | 10.201.0.31 | inject early-auth-denied - 60 -- --nla hybrid_ex | alice | /u:alice /p:\$IALICE /cert:ignore | --user alice --password-file \$LAB_DIR/inject/alice.pw | critical mcs mcs-rejected
	EOF
}
# Where xfreerdp 2.11 is not check: on .27 (anonymous suites only) check's
# handshake completes with an anonymous suite and it predicts the
# handshake_failure a default client gets (tls-no-common-cipher); the
# capture shows xfreerdp getting it (tls-alert). xrdp 0.9.21 refuses xfreerdp's Client
# Info under standard RDP security ("MAC checksum error for non-FIPS PDU"
# in its log) and drops it with a Disconnect Provider Ultimatum, which
# the capture shows (check's own client passes); xfreerdp does not ask
# for HYBRID_EX, so the injector's Early User Authorization denial cannot
# be sent and it closes after the Connect-Initial instead.

# pcap_all: every scenario (those matching FILTER).
pcap_all() {
	local line name addr spec cookie xf chk expect
	local ALICE IALICE
	ALICE=$(head -n1 "$LAB_DIR/shadow/alice.pw" 2>/dev/null)
	IALICE=$(head -n1 "$LAB_DIR/inject/alice.pw" 2>/dev/null)
	[ -x "$PCAP_KEYLOG_SO" ] || [ -f "$PCAP_KEYLOG_SO" ] || {
		echo "skip pcap-*: $PCAP_KEYLOG_SO not built"
		return
	}
	command -v tcpdump >/dev/null && command -v editcap >/dev/null || {
		echo "skip pcap-*: tcpdump or editcap missing (scripts/install-deps.sh)"
		return
	}
	while IFS='|' read -r name addr spec cookie xf chk expect; do
		name=$(echo $name)
		[ -n "$FILTER" ] && ! [[ $name =~ $FILTER ]] && continue
		xf=${xf//\$ALICE/$ALICE}
		xf=${xf//\$IALICE/$IALICE}
		chk=${chk//\$LAB_DIR/$LAB_DIR}
		chk=$(echo $chk)
		[ "$chk" = - ] && chk=
		n=$((n + 1))
		pcap_one "$name" "$(echo $addr)" "$(echo $spec)" \
		    "$(echo $cookie)" "$(echo $xf)" "$chk" "$(echo $expect)"
	done < <(pcap_scenarios)
}
