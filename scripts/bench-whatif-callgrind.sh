#!/usr/bin/env bash
# Instructions per what-if statement (docs/benchmarks.md): the criterion bench `whatif` run
# under valgrind's callgrind, counting only inside `statement_for_period`, divided by the
# statements computed. Unlike wall-clock time this does not move with the machine's load.
# Usage: bash scripts/bench-whatif-callgrind.sh [SECONDS]   (criterion's --profile-time, default 2)
# Prints the count and leaves the profile in target/whatif.callgrind for callgrind_annotate.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_RUN="${1:-2}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# Line tables only: the same optimised code, with source lines for `callgrind_annotate --auto=yes`.
CONFIG='profile.bench.package.plumbline-engine.debug="line-tables-only"'
BIN="$(cargo bench -p plumbline-engine --bench whatif --no-run --config "$CONFIG" 2>&1 |
  grep -o 'target/release/deps/whatif-[0-9a-f]*' | tail -1)"
OUT="$TARGET_DIR/whatif.callgrind"
valgrind --tool=callgrind --callgrind-out-file="$OUT" \
  --toggle-collect='plumbline_engine::calc::statement_for_period*' \
  "$ROOT/$BIN" --bench --profile-time "$SECONDS_RUN" >/dev/null 2>&1
SUMMARY="$(callgrind_annotate "$OUT" 2>/dev/null)"
CALLERS="$(callgrind_annotate --tree=caller "$OUT" 2>/dev/null)"
TOTAL="$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' <<<"$SUMMARY")"
# Each statement calls `statement_in_year` once.
STATEMENTS="$(grep -o -m1 'calc::statement_in_year ([0-9,]*x)' <<<"$CALLERS" | grep -o '[0-9,]*' | tr -d ,)"
echo "statements: $STATEMENTS, instructions: $TOTAL"
awk -v t="$TOTAL" -v s="$STATEMENTS" 'BEGIN { printf "instructions per statement: %.2f million\n", t / s / 1e6 }'
