#!/usr/bin/env bash
# fuzz.sh [smoke | --long [RUNS] [--max-time SECS] [--jobs N] | minimise]
#         [TARGET...] -
# build the
# libFuzzer targets with clang (-Dfuzz=true) and run each on its corpus.
#   smoke (default, used by make test and CI): 15 s per target, corpora
#     untouched.
#   --long [RUNS] (or: long [RUNS]): RUNS executions per target (default
#     10000000), one target at a time; --max-time SECS stops a target
#     earlier. Prints per target the runs, seconds, exec/s and libFuzzer's
#     final coverage (cov: edges, ft: features) and the CPU seconds it
#     used (on a shared machine the wall time says less), then merges what
#     the run found back into fuzz/corpus/<name>, minimised: the named seeds stay,
#     the files named by their SHA-1 (found by earlier runs) are replaced by
#     the smallest set that keeps the coverage (-merge=1 into a fresh
#     directory). TARGET names (x224, probe, ...) pick targets; default all.
#     Crash inputs are kept in build-fuzz/artifacts/.
#   --jobs N (with --long): N worker processes for each target
#     (libFuzzer's -fork=N), so that one target uses N cores; the runs
#     counted are all workers' together. The coverage printed is then a
#     pass over the minimised corpus (fork mode's own counts are of
#     another kind).
#   minimise: no fuzzing, only that last step, from the corpus itself.
#   FUZZ_TIMEOUT=SECS
#     sets libFuzzer's per-input -timeout (default 10, wall time).
# Prints "fuzz: N passed, N failed" (one per target).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
mode=smoke
runs=10000000
max_time=0
jobs=1
only=()
while [ $# -gt 0 ]; do
	case $1 in
	smoke) mode=smoke ;;
	minimise | minimize) mode=minimise ;;
	long | --long)
		mode=long
		if [[ ${2:-} =~ ^[0-9]+$ ]]; then
			runs=$2
			shift
		fi
		;;
	--max-time)
		max_time=${2:?--max-time needs seconds}
		shift
		;;
	--jobs)
		jobs=${2:?--jobs needs a number}
		if ! [[ $jobs =~ ^[1-9][0-9]*$ ]]; then
			echo "fuzz.sh: --jobs needs a number from 1" >&2
			exit 2
		fi
		shift
		;;
	-*)
		echo "fuzz.sh: unknown option $1" >&2
		exit 2
		;;
	*) only+=("$1") ;;
	esac
	shift
done
dir=build-fuzz
# libFuzzer's -timeout counts wall time: a long run on a loaded machine can
# raise it (FUZZ_TIMEOUT=60) so that waiting for a core is not a "hang".
timeout=${FUZZ_TIMEOUT:-10}
# Undefined behaviour must stop the fuzzer, not scroll past.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# ASan keeps freed memory out of use for 256 MB of frees by default; at
# thousands of inputs a second that turns every allocation into fresh
# pages (page faults, ASan's fill of new blocks), the larger part of some
# targets' time. 32 MB still holds far more than one input frees, so a
# use after free within an input is still caught (fuzz/README.md, Speed).
# A value of the caller's wins.
export ASAN_OPTIONS=quarantine_size_mb=32${ASAN_OPTIONS:+:$ASAN_OPTIONS}
if [ ! -f "$dir/build.ninja" ]; then
	CC=clang meson setup "$dir" -Dfuzz=true -Dtests=false \
	    -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dc_args=-fno-sanitize-recover=undefined >/dev/null || exit 1
fi
ninja -C "$dir" >/dev/null || { ninja -C "$dir"; exit 1; }
# CPU seconds (user + system) used so far by this shell's children, from
# `times` run by the shell itself into FILE: on a shared machine the wall
# time alone says little about a target's speed.
children_cpu() {
	tail -n 1 "$1" | awk '{
		n = split($1 " " $2, a, " "); s = 0
		for (i = 1; i <= n; i++) {
			split(a[i], b, "m"); sub("s", "", b[2]); s += b[1] * 60 + b[2]
		}
		printf "%.2f", s }'
}
# minimise TARGET CORPUS FROM: CORPUS becomes its named seeds and the
# smallest set of FROM's inputs that keeps FROM's coverage (libFuzzer's
# -merge=1 into a fresh directory; a SHA-1-named file is one that a run
# found). Prints the number of files, or "merge failed".
minimise() {
	local t=$1 corpus=$2 from=$3 fresh
	fresh=$(mktemp -d)
	find "$corpus" -maxdepth 1 -type f -regextype posix-extended \
	    ! -regex '.*/[0-9a-f]{40}' -exec cp {} "$fresh"/ \;
	if "$t" -merge=1 -max_len=4096 -timeout="$timeout" -rss_limit_mb=2048 \
	    "$fresh" "$from" >"$fresh.merge" 2>&1; then
		rm -rf "$corpus"
		mkdir -p "$corpus"
		cp "$fresh"/. -r "$corpus"/
		find "$corpus" -type f | wc -l
	else
		echo "merge failed"
		tail -n 20 "$fresh.merge" >&2
	fi
	rm -rf "$fresh" "$fresh.merge"
}
p=0
f=0
for t in "$dir"/fuzz/fuzz_*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
	name=$(basename "$t")
	short=${name#fuzz_}
	if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $short "* ]]; then
		continue
	fi
	corpus=fuzz/corpus/$short
	if [ "$mode" = minimise ]; then
		before=$(find "$corpus" -type f | wc -l)
		work=$(mktemp -d)
		cp -r "$corpus"/. "$work"/
		after=$(minimise "$t" "$corpus" "$work")
		rm -rf "$work"
		echo "fuzz $name: minimised $before -> $after files"
		if [ "$after" = "merge failed" ]; then
			f=$((f + 1))
		else
			p=$((p + 1))
		fi
		continue
	fi
	work=$(mktemp -d)
	[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
	if [ "$mode" = long ]; then
		mkdir -p "$dir/artifacts"
		args=(-runs="$runs" -print_final_stats=1
		    -artifact_prefix="$dir/artifacts/$short-")
		[ "$max_time" -gt 0 ] && args+=(-max_total_time="$max_time")
		[ "$jobs" -gt 1 ] && args+=(-fork="$jobs")
	else
		args=(-max_total_time=15)
	fi
	start=$(date +%s.%N)
	times >"$work.cpu"
	cpu0=$(children_cpu "$work.cpu")
	if "$t" "${args[@]}" -max_len=4096 -timeout="$timeout" -rss_limit_mb=2048 \
	    "$work" >"$work.log" 2>&1; then
		ok=1
	else
		ok=0
	fi
	end=$(date +%s.%N)
	times >"$work.cpu"
	cpu=$(awk -v a="$cpu0" -v b="$(children_cpu "$work.cpu")" \
	    'BEGIN{printf "%.0f", b-a}')
	if [ "$ok" = 1 ] && [ "$mode" = long ]; then
		# The final status line: "#N DONE cov: C ft: F corp: ..."; in
		# fork mode "INFO: fuzzed for N iterations" says the runs.
		done_runs=$(grep -Eo 'Done [0-9]+ runs|fuzzed for [0-9]+ iter' \
		    "$work.log" | tail -1 | grep -Eo '[0-9]+')
		# A fork-mode run stopped by --max-time says neither: its
		# last status line ("#N: cov: ...") counts every worker's runs.
		status=$(grep -E '^#[0-9]+' "$work.log" | tail -1)
		[ -n "$done_runs" ] ||
		    done_runs=$(grep -Eo '^#[0-9]+' <<<"$status" | tr -d '#')
		cov=$(grep -Eo 'cov: [0-9]+' <<<"$status" | grep -Eo '[0-9]+')
		ft=$(grep -Eo 'ft: [0-9]+' <<<"$status" | grep -Eo '[0-9]+')
		secs=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.0f", b-a}')
		rate=$(awk -v r="${done_runs:-0}" -v a="$start" -v b="$end" \
		    'BEGIN{printf "%.0f", r/(b-a)}')
		files=$(minimise "$t" "$corpus" "$work")
		if [ "$jobs" -gt 1 ]; then
			# Fork mode counts coverage its own way: take the
			# target's own over the corpus it leaves ("INITED").
			inited=$("$t" -runs=0 -max_len=4096 -timeout="$timeout" \
			    -rss_limit_mb=2048 "$corpus" 2>&1 | grep INITED)
			cov=$(grep -Eo 'cov: [0-9]+' <<<"$inited" | grep -Eo '[0-9]+')
			ft=$(grep -Eo 'ft: [0-9]+' <<<"$inited" | grep -Eo '[0-9]+')
		fi
		echo "fuzz $name: ok runs=${done_runs:-?} seconds=$secs" \
		    "cpu_seconds=$cpu exec/s=$rate cov=${cov:-?} ft=${ft:-?}" \
		    "corpus=$files"
		p=$((p + 1))
	elif [ "$ok" = 1 ]; then
		echo "fuzz $name: ok ($(grep -Eo 'Done [0-9]+ runs' "$work.log" | tail -1))"
		p=$((p + 1))
	else
		echo "fuzz $name: FAILED"
		tail -n 30 "$work.log"
		f=$((f + 1))
	fi
	rm -rf "$work" "$work.log" "$work.cpu"
done
echo "fuzz: $p passed, $f failed"
[ "$f" -eq 0 ]
