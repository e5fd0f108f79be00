#!/usr/bin/env bash
# test-completion-bash.sh COMPLETION - the generated bash completion
# (completions/meson.build) in a plain bash, without the bash-completion
# package: COMP_WORDS and COMP_CWORD are set as bash sets them for a line,
# _rdpdoctor runs, and COMPREPLY must hold exactly the expected words.
set -u
# shellcheck source=/dev/null
source "$1" || exit 1

pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect "WORD ... (the line, split as bash splits it, the cursor on the
# last word)" "EXPECTED REPLIES (sorted, space-separated)"
expect() {
	local line=$1 want=$2 got
	# bash splits "--opt=value" at "=" (COMP_WORDBREAKS): so do we.
	read -r -a COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_rdpdoctor rdpdoctor "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]:-}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	got=${got% }
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: '$line<TAB>': got '$got', want '$want'"
	fi
}

# The commands and the options before one.
expect "rdpdoctor ch" "check"
expect "rdpdoctor " "check diff explain help host pcap report scan version watch"
expect "rdpdoctor -" "--help --version -V -h"
expect "rdpdoctor --v" "--version"
# The options of check, from its getopt table.
expect "rdpdoctor check --st" "--stop-after"
expect "rdpdoctor check --no" "--no-color --no-udp"
expect "rdpdoctor check --tls" "--tls-full --tls-parallel"
expect "rdpdoctor check --json --c" "--ca-file --channels --client-error --cookie"
# The values of an option that takes only a few.
expect "rdpdoctor check --stop-after " "activation licensing mcs"
expect "rdpdoctor check --stop-after l" "licensing"
expect "rdpdoctor check --licensing " "full stop"
expect "rdpdoctor check -j --licensing f" "full"
# --option=value, split at "=" (bash's default COMP_WORDBREAKS) ...
expect "rdpdoctor check --stop-after =" "activation licensing mcs"
expect "rdpdoctor check --stop-after = a" "activation"
# ... and whole (COMP_WORDBREAKS without "="): the reply keeps the option.
expect "rdpdoctor check --licensing=f" "--licensing=full"
# A value nothing can guess: no options, no hosts.
expect "rdpdoctor check --port " ""
expect "rdpdoctor check -t " ""
expect "rdpdoctor check --json=" ""
# A file.
mkdir "$tmp/d"
touch "$tmp/d/ca-lab.pem" "$tmp/d/other.txt"
expect "rdpdoctor check --ca-file $tmp/d/ca" "$tmp/d/ca-lab.pem"
# The host, from HOSTFILE (bash's hostname completion), also after an
# option's value and a short option; none once the host is given.
printf '192.0.2.10 rdp1.example.test\n192.0.2.11 rdp2.example.test\n' \
	>"$tmp/hosts"
export HOSTFILE=$tmp/hosts
expect "rdpdoctor check rdp1" "rdp1.example.test"
expect "rdpdoctor check -p 3390 --stop-after mcs rdp" \
	"rdp1.example.test rdp2.example.test"
expect "rdpdoctor check --port = 3390 -4 rdp2" "rdp2.example.test"
expect "rdpdoctor check rdp1.example.test rdp" ""
# explain: its options, the names of the codes it knows, nothing for
# EXTENDED.
expect "rdpdoctor explain --j" "--json"
expect "rdpdoctor explain ERRINFO_SERVER_DENIED_C" \
	"ERRINFO_SERVER_DENIED_CONNECTION"
expect "rdpdoctor explain -v STATUS_LOGON_F" "STATUS_LOGON_FAILURE"
expect "rdpdoctor explain 0x904 " ""
expect "rdpdoctor explain -2146893054 ERRINFO_SERVER_DENIED_C" ""
# help COMMAND, version takes nothing.
expect "rdpdoctor help ex" "explain"
expect "rdpdoctor version " ""

if complete -p rdpdoctor | grep -q -- '-F _rdpdoctor rdpdoctor$'; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: complete -p rdpdoctor: $(complete -p rdpdoctor 2>&1)"
fi

echo "bash completion: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
