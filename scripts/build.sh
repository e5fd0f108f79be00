#!/usr/bin/env bash
# build.sh DIR [meson options...] - configure (once) and build into DIR.
# In CI (CI=true) warnings are errors.
set -euo pipefail
dir=${1:-build}
shift || true
extra=()
[ "${CI:-}" = true ] && extra+=(-Dwerror=true)
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" "${extra[@]}" "$@" >/dev/null
fi
ninja -C "$dir" >/dev/null || ninja -C "$dir"
