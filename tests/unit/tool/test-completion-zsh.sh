#!/usr/bin/env bash
# test-completion-zsh.sh COMPLETION RDPDOCTOR - the generated zsh completion
# (completions/meson.build): it parses (zsh -n), compinit registers it for
# rdpdoctor, and typing a line and TAB into a real interactive `zsh -f`
# (zsh-complete.zsh, on a pseudo-terminal) offers exactly the expected
# matches; `rdpdoctor check -<TAB>` offers every option of the tables
# RDPDOCTOR prints.
set -u
comp=$1
bin=$2
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v zsh >/dev/null; then
	echo "zsh is not installed (scripts/install-deps.sh installs it)"
	exit 77
fi

pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/fpath"
cp "$comp" "$tmp/fpath/_rdpdoctor"

check() {
	local what=$1 got=$2 want=$3
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $what: got '$got', want '$want'"
	fi
}

# expect LINE EXPECTED [SETUP]: the sorted, distinct matches of LINE<TAB>.
expect() {
	local got
	got=$(cd "$tmp" && timeout 20 zsh -f "$here/zsh-complete.zsh" \
		"$tmp/fpath" "$1" "${3:-}" | sort -u | tr '\n' ' ')
	check "'$1<TAB>'" "${got% }" "$2"
}

if zsh -n "$comp"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: zsh -n $comp"
fi
check "first line" "$(head -n 1 "$comp")" "#compdef rdpdoctor"
check "compinit registers it" "$(zsh -f -c "fpath=($tmp/fpath \$fpath);
	autoload -Uz compinit; compinit -u -D; print -r -- \$_comps[rdpdoctor]")" \
	"_rdpdoctor"

expect "rdpdoctor ch" "check"
expect "rdpdoctor " "check diff explain help host pcap report scan version watch"
expect "rdpdoctor --" "--help --version"
expect "rdpdoctor check --st" "--stop-after"
expect "rdpdoctor check --tls" "--tls-full --tls-parallel"
expect "rdpdoctor check --stop-after " "activation licensing mcs"
expect "rdpdoctor check --stop-after=l" "licensing"
expect "rdpdoctor check -j --licensing=" "full stop"
touch "$tmp/ca-lab.pem" "$tmp/cb.txt"
expect "rdpdoctor check --ca-file ca-" "ca-lab.pem"
expect "rdpdoctor check -p 3390 rdp" "rdp1.example.test rdp2.example.test" \
	"zstyle ':completion:*' hosts rdp1.example.test rdp2.example.test"
expect "rdpdoctor explain ERRINFO_SERVER_DENIED_C" \
	"ERRINFO_SERVER_DENIED_CONNECTION"
expect "rdpdoctor help ex" "explain"

# Every option of check and explain, as the binary's tables list them.
for cmd in check explain scan; do
	want=$("$bin" __options | awk -F '\t' -v c="$cmd" '
		$1 == "option" && $2 == c {
			if ($3 != "-") print $3
			if ($4 != "-") print $4
		}' | sort -u | tr '\n' ' ')
	[ -n "$want" ] || {
		echo "FAIL: $bin __options lists no option of $cmd"
		fail=$((fail + 1))
	}
	expect "rdpdoctor $cmd -" "${want% }"
done

echo "zsh completion: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
