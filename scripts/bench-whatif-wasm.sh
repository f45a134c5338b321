#!/usr/bin/env bash
# The what-if bench (one rep's year: 10,000 transactions, four components, splits) compiled to
# wasm32-unknown-unknown and timed under node, the browser's engine (V8). Usage:
#   bash scripts/bench-whatif-wasm.sh [BATCHES] [PER_BATCH]   (default 15 batches of 50)
# Prints the statement total (to compare with the native run) and the mean time per statement
# of each batch, then the median batch. The module is the `whatif_wasm` example of
# plumbline-engine (release profile), loaded with plain WebAssembly.instantiate: no glue.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BATCHES="${1:-15}" PER_BATCH="${2:-50}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
cargo build --release --quiet -p plumbline-engine --example whatif_wasm --target wasm32-unknown-unknown
WASM="$TARGET_DIR/wasm32-unknown-unknown/release/examples/whatif_wasm.wasm"
echo "module: $WASM ($(stat -c %s "$WASM") bytes), node $(node --version)"
node - "$WASM" "$BATCHES" "$PER_BATCH" <<'JS'
const fs = require("fs");
const [wasm, batches, perBatch] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
WebAssembly.instantiate(fs.readFileSync(wasm), {}).then(({ instance }) => {
  const { whatif_setup, whatif_run } = instance.exports;
  whatif_setup();
  const total = whatif_run(20); // warm-up: let V8 tier the code up
  console.log(`statement total: ${(Number(total) / 100).toFixed(2)}`);
  const means = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    whatif_run(perBatch);
    means.push(Number(process.hrtime.bigint() - start) / 1e6 / perBatch);
  }
  console.log(`per statement, ms (batches of ${perBatch}): ${means.map((m) => m.toFixed(3)).join(" ")}`);
  means.sort((a, b) => a - b);
  console.log(`median: ${means[Math.floor(means.length / 2)].toFixed(3)} ms`);
});
JS
