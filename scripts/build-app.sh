#!/usr/bin/env bash
# Builds the single-page app (app/ + public/) into dist/ with Trunk, release mode.
#
# Idempotent: installs only what is missing or at the wrong version —
#   the wasm32 target, trunk 0.21.14, wasm-bindgen-cli equal to the wasm-bindgen in Cargo.lock,
#   and wasm-opt from npm `binaryen` (app/package-lock.json). Debian's wasm-opt is never used.
# Quiet unless something fails; prints the size of what the browser downloads.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command quietly; shows its output only if it fails.
quiet() {
  local log
  log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "failed: $*"
  fi
  rm -f "$log"
}

# 1. The wasm32 target.
if ! rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  say "adding rust target wasm32-unknown-unknown"
  quiet rustup target add wasm32-unknown-unknown
fi

# 2. Trunk, exactly $TRUNK_VERSION (0.22 needs a newer rustc).
if [[ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]]; then
  say "installing trunk $TRUNK_VERSION (takes a few minutes)"
  quiet cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# 3. wasm-bindgen-cli equal to the wasm-bindgen crate in Cargo.lock.
BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[[ -n "$BINDGEN_VERSION" ]] || die "no wasm-bindgen in Cargo.lock"
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $BINDGEN_VERSION" ]]; then
  say "installing wasm-bindgen-cli $BINDGEN_VERSION (takes a few minutes)"
  # Not --locked: its lockfile pins a crate version the registry lacks.
  quiet cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION"
fi
if ! grep -q "^wasm_bindgen = \"$BINDGEN_VERSION\"" Trunk.toml; then
  die "Trunk.toml [tools] wasm_bindgen must be \"$BINDGEN_VERSION\" (the version in Cargo.lock)"
fi

# 4. wasm-opt from npm binaryen (pinned in app/package-lock.json).
if [[ ! -x app/node_modules/.bin/wasm-opt ]]; then
  say "installing wasm-opt (npm binaryen) into app/node_modules"
  quiet npm ci --prefix app --no-audit --no-fund
fi
export PATH="$ROOT/app/node_modules/.bin:$PATH"

# 5. Build. Trunk.toml sets offline mode and the exact tool versions.
say "building the app with trunk (release)"
quiet trunk build --release

[[ -f dist/index.html ]] || die "dist/index.html is missing after the build"

# 6. Report what the browser downloads.
shopt -s nullglob
files=(dist/*.wasm dist/*.js dist/*.css)
[[ ${#files[@]} -gt 0 ]] || die "no wasm/js/css in dist/"
raw=0
packed=0
if command -v brotli >/dev/null 2>&1; then
  method="brotli"
  compress() { brotli -c -q 11 -- "$1" | wc -c; }
else
  method="gzip -9"
  compress() { gzip -c -9 -- "$1" | wc -c; }
fi
for f in "${files[@]}"; do
  r=$(wc -c <"$f")
  p=$(compress "$f")
  raw=$((raw + r))
  packed=$((packed + p))
  printf '    %-48s %9d B  %8d B %s\n' "${f#dist/}" "$r" "$p" "$method"
done
printf '==> dist/ (wasm+js+css): %d KB raw, %d KB %s\n' $(((raw + 1023) / 1024)) $(((packed + 1023) / 1024)) "$method"
