#!/usr/bin/env bash
# The forecast bench (10,000 open deals x 10,000 trials, four periods, twelve teams) compiled to
# wasm32-unknown-unknown and timed under node, the browser's engine (V8). Usage:
#   bash scripts/bench-forecast-wasm.sh [RUNS]   (default 5)
# Prints the firm P50 (to compare with the native run) and each run's time, then the median.
# The module is the `forecast_wasm` example of plumbline-pipeline (release profile), loaded with
# plain WebAssembly.instantiate: no glue.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${1:-5}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
cargo build --release --quiet -p plumbline-pipeline --example forecast_wasm --target wasm32-unknown-unknown
WASM="$TARGET_DIR/wasm32-unknown-unknown/release/examples/forecast_wasm.wasm"
echo "module: $WASM ($(stat -c %s "$WASM") bytes), node $(node --version)"
node - "$WASM" "$RUNS" <<'JS'
const fs = require("fs");
const [wasm, runs] = [process.argv[2], Number(process.argv[3])];
WebAssembly.instantiate(fs.readFileSync(wasm), {}).then(({ instance }) => {
  const { forecast_setup, forecast_run } = instance.exports;
  forecast_setup(10000, 10000);
  console.log(`firm P50: ${forecast_run()} (warm-up run)`);
  const times = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    forecast_run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  console.log(`per forecast, ms: ${times.map((t) => t.toFixed(1)).join(" ")}`);
  times.sort((a, b) => a - b);
  console.log(`median: ${times[Math.floor(times.length / 2)].toFixed(1)} ms`);
});
JS
