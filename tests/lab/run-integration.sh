#!/usr/bin/env bash
# run-integration.sh BUILD_DIR [NAME_REGEX] - rdpdoctor against the lab.
#
# Brings the lab up (if it is not up), runs, for every line of
# tests/lab/scenarios (or those whose name matches NAME_REGEX),
#   ip netns exec rdpcli BUILD_DIR/src/rdpdoctor check --json --timeout 2 TARGET
# and checks its exit status, verdict.failed_phase, findings[].id and the
# scenario's extra JSON fields with jq. One line per scenario:
#   ok   NAME (...)            or    FAIL NAME: expected ..., got ...
# xfail scenarios (known tool gaps) print "xfail" while they fail (not
# counted) and "XPASS" once they pass (counted as passed). Scenarios that
# need impair print "skip" when it was not built (libnetfilter_queue is
# optional). Brings the lab down at the end unless LAB_KEEP=1, and ends
# with exactly the line  lab: N passed, M failed
# Then compares `check --tls-full` with `sslscan --rdp` on four servers
# (vs-sslscan.bash; names vs-sslscan-*), and the other sourced suites,
# among them rdpdoctor.exe under wine against this binary
# (wine-check.bash; names wine-check-*; needs build-win/rdpdoctor.exe).
#
# Environment: LAB_KEEP=1 keeps the lab up; LAB_VERBOSE=1 prints the
# findings of every scenario; LAB_DIR as for tests/lab/lab.
# The JSON of a failed scenario is kept in BUILD_DIR/lab-failures/NAME.json.
set -uo pipefail
set -f # scenario fields hold [ ] and * that must not glob

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${1:?usage: run-integration.sh BUILD_DIR [NAME_REGEX]}
FILTER=${2:-}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
export LAB_BUILD=$BUILD
# The lab's own commands; fd 8 (the suite lock) must not reach its daemons.
lab() { LAB_SUITE_LOCK_HELD=1 "$HERE/lab" "$@" 8>&-; }
TOOL=$BUILD/src/rdpdoctor
TABLE=$HERE/scenarios
# The lab's state (as tests/lab/lab): a target may name files in it as
# $LAB_DIR/... (the lab CA: $LAB_DIR/certs/ca/ca.crt).
LAB_DIR=${LAB_DIR:-/tmp/rdpdoctor-lab}
TIMEOUT=2
# One lab per host, so one suite (or demo) at a time: a second run waits.
SUITE_LOCK=/run/lock/rdpdoctor-lab-suite.lock # the same as tests/lab/lab's
[ -d /run/lock ] || SUITE_LOCK=/tmp/rdpdoctor-lab-suite.lock
have_lock=0

passed=0
failed=0
xfailed=0
skipped=0
interrupted=0
t_start=${EPOCHREALTIME/./}
work=$(mktemp -d /tmp/rdpdoctor-lab-run.XXXXXX)

finish() {
	local rc=$? t_end
	trap - EXIT INT TERM
	if [ "$have_lock" = 1 ]; then
		lab unfault >/dev/null 2>&1
		lab uninject >/dev/null 2>&1
		lab gateway stop >/dev/null 2>&1
		lab unimpair >/dev/null 2>&1
	fi
	if [ "$have_lock" = 1 ] && [ "${LAB_KEEP:-0}" != 1 ]; then
		lab down 2>&1 | tail -1
	fi
	rm -rf "$work"
	if [ "$interrupted" = 1 ]; then
		echo "FAIL suite: interrupted"
		failed=$((failed + 1))
	fi
	t_end=${EPOCHREALTIME/./}
	echo "lab: suite took $(((t_end - t_start) / 1000)) ms" \
	    "($xfailed known tool gaps marked xfail, $skipped skipped)"
	echo "lab: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
}
trap finish EXIT
trap 'interrupted=1; exit 130' INT TERM

fail_all() { # nothing can run: every selected scenario fails
	local why=$1 name
	local line
	for line in "${TABLE_LINES[@]}"; do
		name=$(echo ${line%%|*})
		case $name in '' | '#'*) continue ;; xfail\ *) continue ;; esac
		[ -n "$FILTER" ] && ! [[ $name =~ $FILTER ]] && continue
		echo "FAIL $name: $why"
		failed=$((failed + 1))
	done
	exit 1
}

# The table, read once (it may be edited while the suite runs).
mapfile -t TABLE_LINES <"$TABLE"

[ "$(id -u)" = 0 ] || fail_all "the lab needs root"
command -v jq >/dev/null || fail_all "jq is not installed (scripts/install-deps.sh)"
[ -x "$TOOL" ] || fail_all "$TOOL is not built"

exec 8>"$SUITE_LOCK"
if ! flock -n 8; then
	echo "lab: another lab suite or demo holds $SUITE_LOCK; waiting (at most 15 min)"
	flock -w 900 8 || fail_all "another lab suite or demo held $SUITE_LOCK for 15 min"
fi
have_lock=1

if ! lab status >/dev/null 2>&1; then
	t0=${EPOCHREALTIME/./}
	if ! lab up 2>"$work/up.log"; then
		sed 's/^/  /' "$work/up.log" | tail -5
		fail_all "lab up failed"
	fi
	echo "lab: up in $(((${EPOCHREALTIME/./} - t0) / 1000)) ms"
fi

trim() { echo $*; } # collapse blanks (word splitting; set -f: no globbing)

# setup SPEC: prepare the lab for one scenario.
setup() {
	local spec
	spec=$(trim "$1")
	case $spec in
	- | '') return 0 ;;
	fault\ *) lab $spec >>"$work/setup.log" 2>&1 ;;
	inject\ *) lab $spec >>"$work/setup.log" 2>&1 ;;
	impair\ *) lab $spec >>"$work/setup.log" 2>&1 ;;
	*)
		echo "unknown setup '$spec'" >>"$work/setup.log"
		return 1
		;;
	esac
}

teardown() {
	local spec
	spec=$(trim "$1")
	case $spec in
	fault\ *) lab unfault >/dev/null 2>&1 ;;
	inject\ *) lab uninject >/dev/null 2>&1 ;;
	impair\ *) lab unimpair >/dev/null 2>&1 ;;
	esac
	return 0
}

# one_of VALUE ALTERNATIVES: ALTERNATIVES is a/b/c
one_of() {
	local v=$1 a
	IFS=/ read -ra alts <<<"$2"
	for a in "${alts[@]}"; do
		[ "$v" = "$a" ] && return 0
	done
	return 1
}

run_scenario() {
	local xfail=$1 name=$2 target=$3 spec=$4 want_rc=$5 want_phase=$6
	local want_present=$7 want_absent=$8 want_json=$9
	local out=$work/out.json err=$work/err.txt rc phase ids t0 ms
	local problems=() item kv key val got

	target=${target//\$LAB_DIR/$LAB_DIR}
	# impair is built only when libnetfilter_queue was found (optional).
	if [[ $spec == impair\ * ]] && [ ! -x "$BUILD/tests/lab/impair" ]; then
		echo "skip $name: impair not built (no libnetfilter_queue)"
		skipped=$((skipped + 1))
		return
	fi
	if ! setup "$spec"; then
		problems+=("setup '$spec' failed: $(tail -1 "$work/setup.log")")
	else
		t0=${EPOCHREALTIME/./}
		ip netns exec rdpcli timeout 60 "$TOOL" check --json \
		    --timeout $TIMEOUT $target >"$out" 2>"$err" # options, then TARGET
		rc=$?
		ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
		if ! jq -e . "$out" >/dev/null 2>&1; then
			problems+=("rc $rc and no JSON document ($(head -c 200 "$err" | tr '\n' ' '))")
		else
			phase=$(jq -r '.verdict.failed_phase // "-"' "$out")
			ids=" $(jq -r '[.findings[].id] | join(" ")' "$out") "
			one_of "$rc" "$want_rc" ||
			    problems+=("exit $want_rc, got $rc")
			one_of "$phase" "$want_phase" ||
			    problems+=("failed_phase $want_phase, got $phase")
			IFS=, read -ra items <<<"$want_present"
			for item in "${items[@]}"; do
				item=$(trim "$item")
				[ "$item" = - ] || [ -z "$item" ] && continue
				local ok=0 a
				IFS=/ read -ra alts <<<"$item"
				for a in "${alts[@]}"; do
					[[ $ids == *" $a "* ]] && ok=1
				done
				[ $ok = 1 ] || problems+=("finding $item present")
			done
			IFS=, read -ra items <<<"$want_absent"
			for item in "${items[@]}"; do
				item=$(trim "$item")
				[ "$item" = - ] || [ -z "$item" ] && continue
				[[ $ids == *" $item "* ]] &&
				    problems+=("finding $item absent")
			done
			for kv in $want_json; do
				[ "$kv" = - ] && continue
				key=${kv%=*}
				val=${kv##*=}
				case $key in [a-z]*) key=.$key ;; esac
				got=$(jq -r "$key | if . == null then \"null\" else tostring end" "$out" 2>&1)
				one_of "$got" "$val" ||
				    problems+=("$key=$val, got $got")
			done
			[ ${#problems[@]} -gt 0 ] &&
			    problems+=("findings:$(echo $ids | sed 's/^/ /;s/ $//')")
		fi
	fi
	teardown "$spec"

	if [ ${#problems[@]} -eq 0 ]; then
		if [ "$xfail" = 1 ]; then
			echo "XPASS $name: passes now; drop its xfail marker"
		else
			echo "ok   $name (exit $rc, failed ${phase}, ${ms} ms)"
		fi
		passed=$((passed + 1))
		[ "${LAB_VERBOSE:-0}" = 1 ] && echo "       findings:$ids"
	else
		local msg
		msg=$(printf '%s; ' "${problems[@]}")
		msg=${msg%; }
		if [ "$xfail" = 1 ]; then
			echo "xfail $name: expected $msg"
			xfailed=$((xfailed + 1))
		else
			echo "FAIL $name: expected $msg"
			failed=$((failed + 1))
			# Keep the evidence of a failure.
			mkdir -p "$BUILD/lab-failures"
			cp "$out" "$BUILD/lab-failures/$name.json" 2>/dev/null
		fi
	fi
}

n=0
for line in "${TABLE_LINES[@]}"; do
	IFS='|' read -r f1 f2 f3 f4 f5 f6 f7 f8 <<<"$line"
	f1=$(trim "$f1")
	case $f1 in '' | '#'*) continue ;; esac
	xf=0
	case $f1 in xfail\ *)
		xf=1
		f1=$(trim "${f1#xfail }")
		;;
	esac
	[ -n "$FILTER" ] && ! [[ $f1 =~ $FILTER ]] && continue
	n=$((n + 1))
	run_scenario $xf "$f1" "$(trim "$f2")" "$(trim "$f3")" "$(trim "$f4")" \
	    "$(trim "$f5")" "$(trim "$f6")" "$(trim "$f7")" "$(trim "${f8:-}")"
done

# The enumeration against sslscan --rdp on the same servers (issue 6):
# xrdp's defaults, xrdp with one version, xrdp with a cipher list, and
# FreeRDP's shadow server.
. "$HERE/vs-sslscan.bash"
for pair in default:tls.rdpsrv.lab tls10:tls10.rdpsrv.lab \
    nocipher:nocipher.rdpsrv.lab shadow:shadow.rdpsrv.lab; do
	name=vs-sslscan-${pair%%:*}
	[ -n "$FILTER" ] && ! [[ $name =~ $FILTER ]] && continue
	n=$((n + 1))
	vs_sslscan "$name" "${pair#*:}"
done
# The password of check --user appears nowhere but on the wire.
. "$HERE/secrets.bash"
for spec in "secrets-file:file:" "secrets-stdin:stdin:-v" \
    "secrets-env:env:--json" "secrets-env-verbose-json:env:-v --json"; do
	name=${spec%%:*}
	[ -n "$FILTER" ] && ! [[ $name =~ $FILTER ]] && continue
	n=$((n + 1))
	how=${spec#*:}
	extra=${how#*:}
	# shellcheck disable=SC2086 # EXTRA is options, split on purpose
	secrets_one "$name" "${how%%:*}" $extra shadow.rdpsrv.lab
done
# --user and --logon against xrdp-logon, judged by the server's own logs.
. "$HERE/logon.bash"
for spec in "logon-xrdp-right:rdplab.pw:login successful for user rdplab:yes:--logon" \
    "logon-xrdp-wrong:rdplab.wrong.pw:login failed for user rdplab:no:--logon" \
    "logon-xrdp-not-asked:rdplab.pw:-:no:"; do
	IFS=: read -r name pw line sess opts <<<"$spec"
	[ -n "$FILTER" ] && ! [[ $name =~ $FILTER ]] && continue
	n=$((n + 1))
	# shellcheck disable=SC2086 # OPTS is options, split on purpose
	logon_xrdp "$name" "$LAB_DIR/logon/$pw" "$line" "$sess" $opts
done
# rdpdoctor scan over the lab's fleet (10.202.0.1-76, tests/lab/fleet.bash).
. "$HERE/fleet.bash"
for name in fleet-scan fleet-shards fleet-history fleet-policy-drift \
    fleet-scale-docs; do
	[ -n "$FILTER" ] && ! [[ $name =~ $FILTER ]] && continue
	n=$((n + 1))
	case $name in
	fleet-scan) fleet_scan ;;
	fleet-shards) fleet_shards ;;
	fleet-history) fleet_history ;;
	fleet-policy-drift) fleet_policy_drift ;;
	fleet-scale-docs) fleet_scale_docs ;;
	esac
done
# The HTML report in Chromium, watch on an impaired path, the Nagios line.
. "$HERE/html.bash"
html_all "$FILTER"
n=$((n + html_ran))
# The kerberos phase against an MIT KDC in namespaces of its own.
. "$HERE/kerberos.bash"
kerberos_all "$FILTER"
n=$((n + krb_ran))
# check FILE.rdp: saved connection files (UTF-16LE and UTF-8) to the lab.
. "$HERE/rdpfile.bash"
rdpfile_all "$FILTER"
n=$((n + rdpfile_ran))
# The lab RD Gateway (gwsrv, .34:443) against xfreerdp 2.11: healthy and
# per fault switch, as tests/lab/gateway-scenarios.md records.
. "$HERE/gateway-xfreerdp.bash"
gateway_xfreerdp_all "$FILTER"
n=$((n + gwx_ran))
# rdpdoctor.exe (the Windows build) under wine in rdpcli, against Linux's.
. "$HERE/wine-check.bash"
wine_check_all "$FILTER"
n=$((n + wine_ran))
# check --gateway through the lab's RD Gateway (gwsrv), every fault switch.
. "$HERE/gateway-check.bash"
gateway_check_all "$FILTER"
n=$((n + gwc_ran))
# scan --gateway: a fleet through the lab's RD Gateway, a wrong password
# and a failing gateway tried once, .rdp targets with their own gateway.
. "$HERE/gateway-scan.bash"
gateway_scan_all "$FILTER"
n=$((n + gws_ran))
# rdpdoctor pcap on captures of lab scenarios: the verdict against check's.
. "$HERE/pcap.bash"
pcap_all
[ $n -gt 0 ] || echo "lab: no scenario matches '$FILTER'"
exit 0
