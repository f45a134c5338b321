#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and integration tests, the WASM builds, and the
# end-to-end journeys in headless Chromium against a real `plumbline serve`.
# Installs what it needs when absent (wasm target, wasm-bindgen-cli, wasm-opt, Chromium,
# Playwright's test runner). Ends with one line: "N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LOGS="$TARGET_DIR/test-logs"
mkdir -p "$LOGS"
step() { printf '\n==> %s\n' "$*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

step "format"
cargo fmt --all -- --check

step "wasm32 target and app tools"
# build-app.sh installs the target, wasm-bindgen-cli and wasm-opt, then builds dist/.
bash scripts/build-app.sh

step "lints"
# The app is in the workspace, so this lints it too. A second clippy of the app for wasm32
# checked its whole dependency graph again for that target and found nothing this one does not:
# the app has no target-specific code (no cfg on target_arch), and the app build above compiles
# it, and the shared crates it links, for wasm32.
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "AWS template (cfn-lint, offline; its security properties are tested by plumbline-infra)"
command -v cfn-lint >/dev/null 2>&1 || python3 -m pip install --quiet cfn-lint
cfn-lint infra/template.yaml

# Cleanup on any exit: the local DynamoDB server (started below) and the e2e data directory.
E2E_DATA=""
cleanup() {
  bash "$ROOT/scripts/dynamodb-local.sh" stop || true
  if [[ -n "$E2E_DATA" ]]; then rm -rf "$E2E_DATA"; fi
}
trap cleanup EXIT

step "local DynamoDB (moto) for the DynamoDB store's tests"
dynamodb_env="$(bash scripts/dynamodb-local.sh start)" # prints export PLUMBLINE_DYNAMODB_ENDPOINT=...
eval "$dynamodb_env"

step "unit and integration tests"
cargo test --workspace 2>&1 | tee "$LOGS/cargo-test.log"
rust_passed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i) ~ /^passed;?$/) s += $(i-1) } END { print s + 0 }' "$LOGS/cargo-test.log")
rust_failed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i) ~ /^failed;?$/) s += $(i-1) } END { print s + 0 }' "$LOGS/cargo-test.log")

step "end-to-end in headless Chromium"
if [[ ! -x /usr/bin/chromium ]]; then
  echo "installing Debian's chromium"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [[ ! -x e2e/node_modules/.bin/playwright ]]; then
  npm ci --prefix e2e --no-audit --no-fund --silent
fi
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
