#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and integration tests, the WASM builds, and the
# end-to-end journeys in headless Chromium against a real `plumbline serve`.
# Installs what it needs when absent (wasm target, wasm-bindgen-cli, wasm-opt, Chromium,
# Playwright's test runner, cfn-lint, moto). Ends with one line: "N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LOGS="$TARGET_DIR/test-logs"
mkdir -p "$LOGS"
step() { printf '\n==> %s\n' "$*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# Cleanup on any exit: the tool installs (below, in the background), the local DynamoDB server
# they start, and the e2e data directory.
TOOLS_PID=""
E2E_DATA=""
cleanup() {
  if [[ -n "$TOOLS_PID" ]]; then wait "$TOOLS_PID" 2>/dev/null || true; fi
  bash "$ROOT/scripts/dynamodb-local.sh" stop || true
  if [[ -n "$E2E_DATA" ]]; then rm -rf "$E2E_DATA"; fi
}
trap cleanup EXIT

step "format"
cargo fmt --all -- --check

# What the later steps need from outside (cfn-lint; moto, started here as the DynamoDB store's
# test server; Chromium; Playwright's runner) installs in the background while the app builds
# and the lints run: installs wait on the network and the disk, the builds on the CPU.
# `tools_ready` waits for it, before the first step that uses any of it.
install_tools() {
  command -v cfn-lint >/dev/null 2>&1 || python3 -m pip install --quiet cfn-lint
  bash scripts/dynamodb-local.sh start >"$LOGS/dynamodb-env" # export PLUMBLINE_DYNAMODB_ENDPOINT=...
  if [[ ! -x /usr/bin/chromium ]]; then
    echo "installing Debian's chromium"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  if [[ ! -x e2e/node_modules/.bin/playwright ]]; then
    npm ci --prefix e2e --no-audit --no-fund --silent
  fi
}
install_tools >"$LOGS/tools.log" 2>&1 &
TOOLS_PID=$!
tools_ready() {
  local status=0
  wait "$TOOLS_PID" || status=$?
  TOOLS_PID=""
  if ((status != 0)); then
    cat "$LOGS/tools.log" >&2
    echo "installing the test tools failed (exit $status)" >&2
    exit 1
  fi
}

step "wasm32 target and app tools"
# build-app.sh installs the target, wasm-bindgen-cli and wasm-opt, then builds dist/.
bash scripts/build-app.sh

step "lints"
# The app is in the workspace, so this lints it too. A second clippy of the app for wasm32
# checked its whole dependency graph again for that target and found nothing this one does not:
# the app has no target-specific code (no cfg on target_arch), and the app build above compiles
# it, and the shared crates it links, for wasm32.
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "tools (cfn-lint, moto, Chromium, Playwright; installed in the background since the start)"
tools_ready
eval "$(cat "$LOGS/dynamodb-env")"
echo "local DynamoDB (moto) for the DynamoDB store's tests at $PLUMBLINE_DYNAMODB_ENDPOINT"

step "AWS template (cfn-lint, offline; its security properties are tested by plumbline-infra)"
cfn-lint infra/template.yaml

step "unit and integration tests"
# --no-fail-fast: one red test binary does not hide the results of the ones after it.
cargo test --workspace --no-fail-fast 2>&1 | tee "$LOGS/cargo-test.log"
rust_passed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i) ~ /^passed;?$/) s += $(i-1) } END { print s + 0 }' "$LOGS/cargo-test.log")
rust_failed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i) ~ /^failed;?$/) s += $(i-1) } END { print s + 0 }' "$LOGS/cargo-test.log")

step "end-to-end in headless Chromium"
# `cargo test` above built target/debug/plumbline for the CLI's integration tests. A separate
# `cargo build -p plumbline-cli` resolves features without dev-dependencies and compiled much of
# the workspace again (about four minutes of CI), so it runs only when the binary is missing.
[[ -x "$TARGET_DIR/debug/plumbline" ]] || cargo build --quiet -p plumbline-cli
E2E_DATA="$(mktemp -d)"
(cd e2e && PLUMBLINE_BIN="$TARGET_DIR/debug/plumbline" PLUMBLINE_APP_DIR="$ROOT/dist" \
  PLUMBLINE_E2E_DATA="$E2E_DATA" npx --no-install playwright test)
read -r e2e_passed e2e_failed < <(node -e '
  const r = require(process.argv[1]);
  console.log((r.stats.expected ?? 0) + " " + ((r.stats.unexpected ?? 0) + (r.stats.flaky ?? 0)));
' "$ROOT/e2e/test-results/results.json")

echo
echo "rust: $rust_passed passed, $rust_failed failed; e2e: $e2e_passed passed, $e2e_failed failed"
echo "all: $((rust_passed + e2e_passed)) passed, $((rust_failed + e2e_failed)) failed"
