#!/usr/bin/env bash
# Builds the Rust example into pkg/ (wasm-bindgen --target web). Then serve the repository root,
# for instance `node scripts/serve.mjs . 8080`, and open http://127.0.0.1:8080/examples/rust-demo/
set -euo pipefail
cd "$(dirname "$0")"
PROFILE=${PROFILE:-release}
TARGET_DIR=../../target/examples
OUT=$PROFILE; [ "$PROFILE" = dev ] && OUT=debug

cargo build --quiet --target wasm32-unknown-unknown --profile "$PROFILE" --target-dir "$TARGET_DIR"
rm -rf pkg
wasm-bindgen --target web --no-typescript --out-dir pkg --out-name rust_demo \
  "$TARGET_DIR/wasm32-unknown-unknown/$OUT/rust_demo.wasm"
# The wasm optimised for size, where binaryen's wasm-opt is at hand (the repository's scripts/node_modules has it).
WASM_OPT=../../scripts/node_modules/binaryen/bin/wasm-opt
if [ "$PROFILE" = release ] && [ -f "$WASM_OPT" ]; then
  node "$WASM_OPT" -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-reference-types --enable-sign-ext \
    --enable-mutable-globals --enable-nontrapping-float-to-int --enable-multivalue \
    pkg/rust_demo_bg.wasm -o pkg/rust_demo_bg.opt.wasm
  mv pkg/rust_demo_bg.opt.wasm pkg/rust_demo_bg.wasm
fi
# The JavaScript minified, as the npm package ships it: the glue and the library's snippets (its runtime, and the
# tasks, UI and locales it imports on first need), each file on its own so that the lazy imports stay lazy. Any
# minifier does; this one is the repository's (scripts/node_modules, installed by scripts/setup.sh). Without it the
# page works the same, only heavier.
ESBUILD=../../scripts/node_modules/.bin/esbuild
if [ -x "$ESBUILD" ]; then
  find pkg -name '*.js' -print0 | while IFS= read -r -d '' f; do
    "$ESBUILD" "$f" --minify --charset=utf8 --legal-comments=none --format=esm --target=es2022 \
      --log-level=warning --allow-overwrite --outfile="$f"
  done
else
  echo "[rust-demo] no esbuild in scripts/node_modules (bash scripts/setup.sh): the JavaScript is left unminified" >&2
fi
echo "[rust-demo] pkg/ ready: $(wc -c < pkg/rust_demo_bg.wasm) bytes of wasm" >&2
