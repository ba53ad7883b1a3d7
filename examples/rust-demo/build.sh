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
echo "[rust-demo] pkg/ ready: $(wc -c < pkg/rust_demo_bg.wasm) bytes of wasm" >&2
