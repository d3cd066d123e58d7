#!/usr/bin/env bash
# bench/team/run at a small scale (docs/BENCHMARKS.md, "Team: N daemons shipping to one
# PostgreSQL"): 5 daemons of this build, each with its own writer login, ship a small corpus and a
# few live lines to one private PostgreSQL; the run fails when a daemon's SQLite and PostgreSQL
# differ (events, tokens, cost, the monthly rollup), nothing was shipped, or a wait exceeds
# CU_TEAM_TIMEOUT. Exit 77 (skipped) without PostgreSQL's server binaries or psql, except under
# CI=true, where scripts/install-deps provides them. Environment: BUILD_DIR, CU_SOURCE_DIR
# (tests/scripts/CMakeLists.txt).
set -euo pipefail

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
require() { if [[ ${CI:-} == true ]]; then fail "$*"; else skip "$*"; fi; }

source_dir=${CU_SOURCE_DIR:?}
build_dir=${BUILD_DIR:?}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $pg_bin && -x $pg_bin/initdb && -x $pg_bin/pg_ctl ]] \
  || require "PostgreSQL server binaries are missing (scripts/install-deps)"
for tool in psql python3; do
  command -v "$tool" >/dev/null || require "$tool is missing (scripts/install-deps)"
done
for program in claude-usaged claude-usagectl cu-gen-logs; do
  [[ -x $build_dir/bin/$program ]] || fail "$build_dir/bin/$program is not built"
done

# The corpora are cached in the build directory (not the benchmarks' /tmp/cu-bench, which a
# benchmark running meanwhile may be writing); they are small.
export BUILD_DIR=$build_dir CU_PREBUILT=1 CU_BENCH_DIR=$build_dir/team-small-corpora
export CU_TEAM_SIZE_MB=${CU_TEAM_SIZE_MB:-1} CU_TEAM_LIVE_ROUNDS=${CU_TEAM_LIVE_ROUNDS:-2}
export CU_TEAM_TIMEOUT=${CU_TEAM_TIMEOUT:-30}
status=0
out=$("$source_dir/bench/team/run" 5) || status=$?
echo "$out"
((status == 0)) || fail "bench/team/run 5 exited with $status (its messages above)"
row=$(grep -E '^\| 5 \|' <<<"$out") || fail "bench/team/run printed no row for 5 daemons"
# | daemons | events | rows shipped | ... | daemons differing |
IFS='|' read -r _ daemons events shipped _ <<<"$row"
differing=$(awk -F'|' '{ gsub(/ /, "", $13); print $13 }' <<<"$row")
[[ ${events// /} =~ ^[0-9,]+$ && ${events//[ ,]/} -gt 0 ]] || fail "no events shipped: $row"
[[ ${shipped//[ ,]/} -gt 0 ]] || fail "no rows shipped: $row"
[[ $differing == 0 ]] || fail "daemons differ: $row"
echo "PASSED: 5 daemons, ${events// /} events, ${shipped// /} rows shipped, none differing"
