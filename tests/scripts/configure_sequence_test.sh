#!/usr/bin/env bash
# The commands README.md shows, in sequence in one fresh clone of this checkout, each stopping after
# its configure step (CU_CONFIGURE_ONLY=1): in whatever order they run, each configures its build
# directory, build/ shared by scripts/run, scripts/test, scripts/soak, scripts/package and bench/,
# build-asan/, build-tsan/ and build-fuzz/ their own. (scripts/soak after scripts/test and
# scripts/run once failed here: the test folder list named soak twice.) Environment: CU_SOURCE_DIR.
set -euo pipefail

source_dir=${CU_SOURCE_DIR:?}
fail() { echo "FAILED: $*" >&2; exit 1; }
if ! git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1; then
  echo "SKIPPED: $source_dir is not a git checkout"
  exit 77
fi
# Every build directory is the clone's own, whatever the caller's environment names.
unset BUILD_DIR BUILD_TYPE BUILD_TARGETS FUZZ_BUILD_DIR

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The checkout's tracked files as they are on disk, committed or not: `git stash create` makes a
# commit of them without touching the checkout (nothing when it is clean); --shared lets the clone
# see that commit.
snapshot=$(git -C "$source_dir" stash create)
snapshot=${snapshot:-$(git -C "$source_dir" rev-parse HEAD)}
clone=$work/claude-usaged
git clone -q --shared --no-checkout "$source_dir" "$clone"
git -C "$clone" checkout -q --detach "$snapshot"

steps=()
step() {
  local started=$SECONDS
  if ! (cd "$clone" && CU_CONFIGURE_ONLY=1 "$@") >"$work/step.log" 2>&1; then
    cat "$work/step.log" >&2
    fail "$* failed to configure after: ${steps[*]:-nothing}"
  fi
  steps+=("$*;")
  echo "$* ($((SECONDS - started)) s)"
}

step scripts/test
step scripts/run
step scripts/soak --duration 180
step scripts/package
step bench/scale/run
step scripts/run
step scripts/soak
step scripts/test
step scripts/test --tsan
step env BUILD_DIR=build-tsan scripts/soak
step scripts/test --asan
step scripts/fuzz 60
step bench/backfill/run
step scripts/package
step scripts/test

cache=$clone/build/CMakeCache.txt
grep -q '^CU_BUILD_TESTS:BOOL=ON' "$cache" || fail "scripts/test left build/ without its tests"
grep -q '^CU_TEST_FOLDERS:STRING=$' "$cache" || fail "scripts/test left build/ with a folder list: $(grep '^CU_TEST_FOLDERS' "$cache")"
