#!/usr/bin/env bash
# Builds what is needed and runs Plumbline locally on the embedded store, seeded with the demo
# firm on first start: http://127.0.0.1:8080/ . Extra arguments go to `plumbline serve`
# (e.g. --port 9000, --data-dir DIR). Installs its own tools when absent (scripts/build-app.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

bash scripts/build-app.sh
echo "==> building the plumbline server (release)" >&2
cargo build --release --quiet -p plumbline-cli
# `run.sh -- --port 9000` works as well as `run.sh --port 9000`: clap would read a literal `--`
# as the end of the options and refuse what follows.
if [[ "${1:-}" == "--" ]]; then shift; fi
exec "$TARGET_DIR/release/plumbline" serve --app-dir "$ROOT/dist" "$@"
