#!/usr/bin/env bash
# check-format.sh ROOT - every C file the project tracks is clang-formatted.
set -u
cd "$1" || exit 1
command -v clang-format >/dev/null || { echo "clang-format missing" >&2; exit 1; }
files=$(git ls-files '*.c' '*.h' 2>/dev/null)
[ -n "$files" ] || files=$(find lib src include tests fuzz docs -name '*.[ch]')
bad=0
for f in $files; do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not clang-formatted: $f (run: make format)" >&2
		bad=$((bad + 1))
	fi
done
[ "$bad" -eq 0 ] && echo "all C files are clang-formatted"
exit "$bad"
