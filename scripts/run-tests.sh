#!/usr/bin/env bash
# run-tests.sh - every test of the project, in order:
#   1. build (warnings are errors under CI=true) and the unit suite
#   1b. install: the build installed into a temporary DESTDIR and used from
#      there (tests/install/run.sh); in CI also the Debian packages built,
#      installed and used (tests/install/deb.sh)
#   2. an ASan+UBSan build running the same unit suite
#   3. format check and generated-docs check (meson tests of suite "lint")
#   4. fuzz smoke: each libFuzzer target on its corpus for a bounded time
#   4b. host-wine: rdpdoctor-host.exe cross-built with mingw-w64 and run
#      under wine against registry fixtures, its state diagnosed by
#      `rdpdoctor host --from-state` (tests/host-wine/run.sh, about a minute)
#   4c. win: rdpdoctor.exe cross-built with mingw-w64 (scripts/build-win.sh;
#      its libraries from Debian's sources, once: tens of minutes)
#   4d. host --check under wine: that exe's `host --from-state --check`
#      against fleetsrv in a namespace of its own (tests/host-wine/check.sh,
#      about 15 s)
#   5. the lab: rdpdoctor against real servers and faults in network
#      namespaces (needs root; otherwise says why it is skipped)
# Ends with one line "N passed, N failed" summing every stage.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
stage_failed=0

# meson test prints "Ok: N" and "Fail: N" (plus Expected/Unexpected/Timeout).
count_meson() {
	local log=$1 ok fail to xp
	ok=$(awk '/^Ok:/{print $2}' "$log" | tail -1)
	fail=$(awk '/^Fail:/{print $2}' "$log" | tail -1)
	to=$(awk '/^Timeout:/{print $2}' "$log" | tail -1)
	xp=$(awk '/^Unexpected Pass:/{print $3}' "$log" | tail -1)
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${fail:-0} + ${to:-0} + ${xp:-0}))
	if [ -z "$ok" ]; then
		echo "run-tests: no test summary in $log" >&2
		failed=$((failed + 1))
	fi
}

run_unit() {
	local dir=$1
	shift
	echo "== unit tests ($dir) =="
	if ! scripts/build.sh "$dir" "$@"; then
		echo "run-tests: build of $dir failed" >&2
		failed=$((failed + 1))
		return
	fi
	meson test -C "$dir" --print-errorlogs --no-rebuild >"$dir/test.log" 2>&1
	tail -n 12 "$dir/test.log"
	grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT|ERROR)' "$dir/test.log" || true
	count_meson "$dir/test.log"
}

# A sanitizer report must fail the test, not only print.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1

run_unit build

echo "== install =="
out=$(tests/install/run.sh build 2>&1)
echo "$out" | tail -n 40
ipass=$(echo "$out" | awk '/^install: [0-9]+ passed, [0-9]+ failed/{print $2}' | tail -1)
ifail=$(echo "$out" | awk '/^install: [0-9]+ passed, [0-9]+ failed/{print $4}' | tail -1)
if [ -z "$ipass" ]; then
	echo "run-tests: the install test printed no summary" >&2
	failed=$((failed + 1))
else
	passed=$((passed + ipass))
	failed=$((failed + ifail))
fi

# The Debian packages: built, installed with dpkg -i, used, purged. It
# changes the system, so only in CI (CI=true, a fresh machine) unless
# asked for (make deb-test).
echo "== debian package =="
if [ "${CI:-}" != true ]; then
	echo "deb: SKIPPED - installs packages system-wide; runs in CI (CI=true) or with make deb-test"
else
	out=$(tests/install/deb.sh 2>&1)
	echo "$out" | tail -n 40
	dpass=$(echo "$out" | awk '/^deb: [0-9]+ passed, [0-9]+ failed/{print $2}' | tail -1)
	dfail=$(echo "$out" | awk '/^deb: [0-9]+ passed, [0-9]+ failed/{print $4}' | tail -1)
	if [ -n "$dpass" ]; then
		passed=$((passed + dpass))
		failed=$((failed + dfail))
	elif ! echo "$out" | grep -q '^deb: SKIPPED'; then
		echo "run-tests: the debian package test printed no summary" >&2
		failed=$((failed + 1))
	fi
fi

run_unit build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=undefined \
	-Dc_link_args=-fno-sanitize-recover=undefined

echo "== fuzz smoke =="
if out=$(scripts/fuzz.sh smoke 2>&1); then
	echo "$out" | tail -n 20
else
	echo "$out" | tail -n 40
fi
fp=$(echo "$out" | awk '/^fuzz: [0-9]+ passed, [0-9]+ failed/{print $2}' | tail -1)
ff=$(echo "$out" | awk '/^fuzz: [0-9]+ passed, [0-9]+ failed/{print $4}' | tail -1)
if [ -z "$fp" ]; then
	failed=$((failed + 1))
else
	passed=$((passed + fp))
	failed=$((failed + ff))
fi

echo "== host under wine =="
out=$(tests/host-wine/run.sh build 2>&1)
echo "$out" | tail -n 40
hp=$(echo "$out" | awk '/^host-wine: [0-9]+ passed, [0-9]+ failed/{print $2}' | tail -1)
hf=$(echo "$out" | awk '/^host-wine: [0-9]+ passed, [0-9]+ failed/{print $4}' | tail -1)
if [ -n "$hp" ]; then
	passed=$((passed + hp))
	failed=$((failed + hf))
elif ! echo "$out" | grep -q '^host-wine: SKIPPED'; then
	echo "run-tests: the host-wine suite printed no summary" >&2
	failed=$((failed + 1))
fi

# rdpdoctor.exe, the Windows build (scripts/build-win.sh): its libraries
# cross-built from Debian's sources the first time (build-win/deps: about
# 20-25 minutes on two busy cores, OpenSSL most of it; skipped once
# built), then the exe (about 85 s from scratch). The lab's wine-check-* cases run
# it under wine.
echo "== windows build =="
t_win=$(date +%s)
if out=$(scripts/build-win.sh 2>&1); then
	echo "$out" | tail -n 8
	echo "win: 1 passed, 0 failed ($(($(date +%s) - t_win)) s)"
	passed=$((passed + 1))
else
	echo "$out" | tail -n 40
	echo "win: 0 passed, 1 failed ($(($(date +%s) - t_win)) s)"
	failed=$((failed + 1))
fi

echo "== host --check under wine =="
out=$(tests/host-wine/check.sh build 2>&1)
echo "$out" | tail -n 20
hp=$(echo "$out" | awk '/^host-wine-check: [0-9]+ passed, [0-9]+ failed/{print $2}' | tail -1)
hf=$(echo "$out" | awk '/^host-wine-check: [0-9]+ passed, [0-9]+ failed/{print $4}' | tail -1)
if [ -n "$hp" ]; then
	passed=$((passed + hp))
	failed=$((failed + hf))
elif ! echo "$out" | grep -q '^host-wine-check: SKIPPED'; then
	echo "run-tests: the host-wine-check suite printed no summary" >&2
	failed=$((failed + 1))
fi

echo "== lab integration =="
if [ "$(id -u)" != 0 ]; then
	echo "lab: SKIPPED - the lab needs root for network namespaces (run make test as root)"
elif ! ip netns list >/dev/null 2>&1; then
	echo "lab: SKIPPED - this kernel or container does not allow network namespaces"
else
	out=$(tests/lab/run-integration.sh build 2>&1)
	echo "$out" | grep -v '^\[lab\]' | tail -n 80
	lp=$(echo "$out" | awk '/^lab: [0-9]+ passed, [0-9]+ failed/{print $2}' | tail -1)
	lf=$(echo "$out" | awk '/^lab: [0-9]+ passed, [0-9]+ failed/{print $4}' | tail -1)
	if [ -z "$lp" ]; then
		echo "run-tests: the lab suite printed no summary" >&2
		failed=$((failed + 1))
	else
		passed=$((passed + lp))
		failed=$((failed + lf))
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
