#!/usr/bin/env bash
# Builds the single-page app (app/ + public/) into dist/, release mode, in four explicit steps:
# cargo (wasm32, wasm-release profile) -> wasm-bindgen (--target web) -> wasm-opt -Oz ->
# content-hashed file names written into public/index.html's asset marker.
#
# No Trunk: it took six minutes to install on a fresh machine and did nothing these steps don't.
# Idempotent: installs only what is missing or at the wrong version — the wasm32 target,
# wasm-bindgen-cli equal to the wasm-bindgen in Cargo.lock, and wasm-opt from npm `binaryen`
# (app/package-lock.json). Debian's wasm-opt is never used: it silently breaks the module.
# Quiet unless something fails; prints the size of what the browser downloads.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# PLUMBLINE_DIST lets several people in one tree build their own copy without clobbering dist/.
DIST="${PLUMBLINE_DIST:-$ROOT/dist}"

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

# 2. wasm-bindgen-cli equal to the wasm-bindgen crate in Cargo.lock.
BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[[ -n "$BINDGEN_VERSION" ]] || die "no wasm-bindgen in Cargo.lock"
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $BINDGEN_VERSION" ]]; then
  say "installing wasm-bindgen-cli $BINDGEN_VERSION (takes a few minutes)"
  # Not --locked: its lockfile pins a crate version the registry lacks.
  quiet cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION"
fi

# 3. wasm-opt from npm binaryen (pinned in app/package-lock.json).
if [[ ! -x app/node_modules/.bin/wasm-opt ]]; then
  say "installing wasm-opt (npm binaryen) into app/node_modules"
  quiet npm ci --prefix app --no-audit --no-fund
fi
WASM_OPT="$ROOT/app/node_modules/.bin/wasm-opt"

# 4. Compile, bind, optimise.
say "building the app (wasm32, wasm-release profile)"
# erase_components: Leptos type-erases component views, about 70 KB less brotli for the app.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components" \
  quiet cargo build -p plumbline-app --target wasm32-unknown-unknown --profile wasm-release
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
quiet wasm-bindgen --target web --no-typescript --out-dir "$STAGE" --out-name app \
  "$TARGET_DIR/wasm32-unknown-unknown/wasm-release/plumbline-app.wasm"
# --low-memory-unused lets binaryen fold constant offsets into loads and stores (2.7 KB less
# brotli). It holds here: rustc's stack grows down from 1 MB with data above it, so the first
# 1 KB is touched only by a stack within 1 KB of overflowing.
quiet "$WASM_OPT" -Oz --low-memory-unused --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types \
  -o "$STAGE/app_bg.opt.wasm" "$STAGE/app_bg.wasm"
mv "$STAGE/app_bg.opt.wasm" "$STAGE/app_bg.wasm"

# 5. Content-hashed names, so a browser never mixes an old script with a new module.
hash8() { sha256sum -- "$1" | cut -c1-16; }
rm -rf "$DIST"
mkdir -p "$DIST"
wasm_name="app-$(hash8 "$STAGE/app_bg.wasm")_bg.wasm"
cp "$STAGE/app_bg.wasm" "$DIST/$wasm_name"
js_name="app-$(hash8 "$STAGE/app.js").js"
cp "$STAGE/app.js" "$DIST/$js_name"
css_name="styles-$(hash8 public/styles.css).css"
cp public/styles.css "$DIST/$css_name"
cp public/favicon.svg "$DIST/favicon.svg"

assets="<link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\" />
    <link rel=\"stylesheet\" href=\"/$css_name\" />
    <link rel=\"modulepreload\" href=\"/$js_name\" />
    <link rel=\"preload\" href=\"/$wasm_name\" as=\"fetch\" type=\"application/wasm\" crossorigin />
    <script type=\"module\">import init from \"/$js_name\"; init({ module_or_path: \"/$wasm_name\" });</script>"
grep -q '<!-- plumbline:assets -->' public/index.html || die "public/index.html lacks the <!-- plumbline:assets --> marker"
ASSETS="$assets" awk '{ if (index($0, "<!-- plumbline:assets -->")) { sub(/<!-- plumbline:assets -->.*/, ENVIRON["ASSETS"]) } print }' \
  public/index.html >"$DIST/index.html"

# 6. Report what the browser downloads.
raw=0
packed=0
if command -v brotli >/dev/null 2>&1; then
  method="brotli"
  compress() { brotli -c -q 11 -- "$1" | wc -c; }
else
  method="gzip -9"
  compress() { gzip -c -9 -- "$1" | wc -c; }
fi
for f in "$DIST/$wasm_name" "$DIST/$js_name" "$DIST/$css_name"; do
  r=$(wc -c <"$f")
  p=$(compress "$f")
  raw=$((raw + r))
  packed=$((packed + p))
  printf '    %-48s %9d B  %8d B %s\n' "${f#"$DIST"/}" "$r" "$p" "$method"
done
printf '==> dist/ (wasm+js+css): %d KB raw, %d KB %s\n' $(((raw + 1023) / 1024)) $(((packed + 1023) / 1024)) "$method"
