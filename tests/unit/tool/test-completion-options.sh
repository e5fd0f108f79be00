#!/usr/bin/env bash
# test-completion-options.sh SRC_DIR BASH_COMPLETION ZSH_COMPLETION - every
# command and option in the sources is in both completions, read from the
# sources themselves (not from `rdpdoctor __options`, which the completions
# are generated from): a command missing from main.c's table, or an option
# table the dump does not print, fails here. For each src/cmd_NAME.c: its
# long options ({"name", x_argument), its short options (NAME_shortopts)
# and the values of its fixed-value lists (*_values[]) must appear in the
# part of each completion that completes NAME.
set -u
src=$1
bash_comp=$2
zsh_comp=$3
pass=0
fail=0

# has SECTION_TEXT WORD: WORD stands alone in the text (between quotes,
# spaces, "|", "(", "=", "{" or ",").
has() {
	grep -qE -- "(^|[][ '\"|({,=])$2([][ '\"|)}=,:+]|$)" <<<"$1"
}

verify() {
	local what=$1 text=$2 word=$3
	if has "$text" "$word"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $what completion lacks $word"
	fi
}

ncmd=0
for f in "$src"/cmd_*.c; do
	cmd=$(basename "$f" .c)
	cmd=${cmd#cmd_}
	ncmd=$((ncmd + 1))
	grep -q "^int cmd_$cmd(" "$src/commands.h" || {
		echo "FAIL: $f has no cmd_$cmd in commands.h"
		fail=$((fail + 1))
	}
	# The part of each completion for this command.
	bsec=$(awk -v c="$cmd" '$0 == "\t" c ")" {on = 1} on {print} on && /^\t\t;;$/ {exit}' "$bash_comp")
	zsec=$(awk -v c="$cmd" '$0 == "_rdpdoctor_" c "() {" {on = 1} on {print} on && /^}$/ {exit}' "$zsh_comp")
	[ -n "$bsec" ] || echo "FAIL: no '$cmd)' in $bash_comp"
	[ -n "$zsec" ] || echo "FAIL: no _rdpdoctor_$cmd in $zsh_comp"
	[ -n "$bsec" ] && [ -n "$zsec" ] || {
		fail=$((fail + 1))
		continue
	}
	# The command itself, in the list of commands.
	verify "bash (commands)" "$(grep -m1 "compgen -W 'check" "$bash_comp")" "$cmd"
	verify "zsh (commands)" "$(grep -F "'$cmd:" "$zsh_comp")" "$cmd"

	longs=$(grep -o '{"[a-z0-9-]*", *[a-z_]*_argument' "$f" | sed 's/{"\([^"]*\)".*/\1/')
	shorts=$(sed -n "s/^const char ${cmd}_shortopts\[\] = \"\(.*\)\";/\1/p" "$f" | tr -d ':' | fold -w1)
	values=$(awk '/_values\[\] = \{/ {on = 1} on {print} on && /};/ {on = 0}' "$f" |
		grep -o '"[^"]*"' | tr -d '"')
	[ -n "$longs" ] && [ -n "$shorts" ] || {
		echo "FAIL: found no options in $f"
		fail=$((fail + 1))
	}
	# bash: the list offered for a word starting with "-".
	bopts=$(grep -A1 -F 'if [[ $cur == -* ]]; then' <<<"$bsec" | tail -n 1)
	for o in $longs; do
		verify "bash $cmd" "$bopts" "--$o"
		verify "zsh $cmd" "$zsec" "--$o"
	done
	for o in $shorts; do
		verify "bash $cmd" "$bopts" "-$o"
		verify "zsh $cmd" "$zsec" "-$o"
	done
	for v in $values; do
		verify "bash $cmd" "$bsec" "$v"
		verify "zsh $cmd" "$zsec" "$v"
	done
done
[ "$ncmd" -ge 2 ] || {
	echo "FAIL: found $ncmd src/cmd_*.c"
	fail=$((fail + 1))
}

echo "completion options: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
