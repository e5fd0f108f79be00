#!/usr/bin/env bash
# fuzz.sh [smoke|long [RUNS]] - build the libFuzzer targets with clang
# (-Dfuzz=true) and run each on its seed corpus.
#   smoke (default, used by make test): a bounded run per target.
#   long RUNS: RUNS executions per target (default 1000000), for the notes.
# Prints "fuzz: N passed, N failed" (one per target).
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-smoke}
runs=${2:-1000000}
dir=build-fuzz
# Undefined behaviour must stop the fuzzer, not scroll past.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if [ ! -f "$dir/build.ninja" ]; then
	CC=clang meson setup "$dir" -Dfuzz=true -Dtests=false \
	    -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dc_args=-fno-sanitize-recover=undefined >/dev/null || exit 1
fi
ninja -C "$dir" >/dev/null || { ninja -C "$dir"; exit 1; }
p=0
f=0
for t in "$dir"/fuzz/fuzz_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=$(basename "$t")
	corpus=fuzz/corpus/${name#fuzz_}
	work=$(mktemp -d)
	[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
	if [ "$mode" = long ]; then
		args=(-runs="$runs")
	else
		args=(-max_total_time=15)
	fi
	if "$t" "${args[@]}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	    "$work" >"$work.log" 2>&1; then
		echo "fuzz $name: ok ($(grep -Eo 'Done [0-9]+ runs' "$work.log" | tail -1))"
		p=$((p + 1))
	else
		echo "fuzz $name: FAILED"
		tail -n 30 "$work.log"
		f=$((f + 1))
	fi
	rm -rf "$work" "$work.log"
done
echo "fuzz: $p passed, $f failed"
[ "$f" -eq 0 ]
