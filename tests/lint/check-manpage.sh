#!/usr/bin/env bash
# check-manpage.sh SRC_DIR MANPAGE - every long option of the tool appears in
# the man page (as "Fl -NAME"), so the two cannot drift apart.
set -u
src=$1
man=$2
missing=0
for opt in $(grep -ho '{"[a-z0-9-]*", *[a-z_]*_argument' "$src"/*.c | sed 's/{"\([^"]*\)".*/\1/' | sort -u); do
	if ! grep -q -- "Fl -$opt" "$man"; then
		echo "man page lacks --$opt" >&2
		missing=$((missing + 1))
	fi
done
[ "$missing" -eq 0 ] && echo "man page lists every long option"
exit "$missing"
