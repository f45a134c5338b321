#!/usr/bin/env bash
# Side-by-side benchmark of `plumbline calc` against the comp-batch DuckDB job, in the same run
# on the same files, checking the outputs are byte-identical. Usage:
#   bash scripts/bench-comp-batch.sh [N_TRANSACTIONS] [N_PAYEES] [RUNS]   (default 10000000 5000 5)
# Data is generated once into target/bench/comp-batch-N-P (gen.py is slow: about a minute for 10M).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
N="${1:-10000000}" P="${2:-5000}" RUNS="${3:-5}"
PEERS="$ROOT/../shared/peers/comp-batch"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
DATA="$TARGET_DIR/bench/comp-batch-$N-$P"
[[ -f "$PEERS/duckdb_job.py" ]] || { echo "error: $PEERS is missing" >&2; exit 1; }
python3 -c 'import duckdb' 2>/dev/null || pip install --quiet duckdb
if [[ ! -f "$DATA/transactions.csv" ]]; then
  echo "==> generating $N transactions for $P payees into $DATA"
  python3 "$PEERS/gen.py" "$N" "$P" "$DATA"
fi
cargo build --release --quiet -p plumbline-cli
BIN="$TARGET_DIR/release/plumbline"
cat "$DATA"/*.csv >/dev/null  # warm the page cache for both
python3 - "$RUNS" "$DATA" "$PEERS" "$BIN" "$N" "$P" <<'PY'
import filecmp, os, statistics, subprocess, sys, time
runs, data, peers, binary, n, p = int(sys.argv[1]), *sys.argv[2:]
jobs = {
    "duckdb_job.py": ["python3", f"{peers}/duckdb_job.py", data, f"{data}/duckdb.csv"],
    "plumbline calc": [binary, "calc", "--plan", "examples/comp-batch/plan.json", "--data", data, "--out", f"{data}/plumbline.csv"],
}
times = {name: [] for name in jobs}
for _ in range(runs):  # interleaved, so both see the same machine
    for name, cmd in jobs.items():
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[name].append(time.perf_counter() - start)
if not filecmp.cmp(f"{data}/duckdb.csv", f"{data}/plumbline.csv", shallow=False):
    sys.exit("error: outputs differ")
print(f"comp-batch, {n} transactions, {p} payees, {runs} runs each, {os.cpu_count()} cores; outputs byte-identical")
for name, t in times.items():
    print(f"  {name:15} best {min(t):.3f}s  median {statistics.median(t):.3f}s")
print(f"  speed-up (median): {statistics.median(times['duckdb_job.py']) / statistics.median(times['plumbline calc']):.1f}x")
PY
