#!/usr/bin/env bash
# Builds the npm package into pkg/ from the crate, js/ and pkg-template/. Nothing built is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${PROFILE:-release}

# The release wasm: with a nightly toolchain that has rust-src (setup.sh installs one), std is rebuilt with the
# package's own size settings and a panic aborts at once instead of formatting a message nobody can read (a
# panic kills the module either way): 5.4 KB gzipped less. Without it, or if that build fails, the stable build.
# NIGHTLY=0 forces the stable build. Crate users are unaffected: this is only how pkg/ is built.
OUT=$PROFILE; [ "$PROFILE" = dev ] && OUT=debug
WASM_IN="target/wasm32-unknown-unknown/$OUT/jit_permissions.wasm"
if [ "$PROFILE" = release ] && [ "${NIGHTLY:-1}" != 0 ] && rustup run nightly rustc --version >/dev/null 2>&1 \
  && [ -d "$(rustup run nightly rustc --print sysroot)/lib/rustlib/src/rust/library" ] \
  && RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
    cargo +nightly build --quiet --lib --release --features allocator --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort \
    --target-dir target/build-std; then
  WASM_IN=target/build-std/wasm32-unknown-unknown/release/jit_permissions.wasm
  echo "[build] std rebuilt with $(rustup run nightly rustc --version) (build-std, immediate-abort panics)" >&2
else
  [ "$PROFILE" = release ] && [ "${NIGHTLY:-1}" != 0 ] && echo "[build] no nightly with rust-src: the stable build" >&2
  cargo build --quiet --lib --features allocator --target wasm32-unknown-unknown --profile "$PROFILE"
fi
# The wasm pkg/ was made from, for the benchmark's twiggy report.
cp "$WASM_IN" target/jit_permissions.pkg.wasm
rm -rf pkg && mkdir -p pkg
# --encode-into always: TextEncoder#encodeInto without the glue's fallback for browsers that lack it (every browser
# the package runs in has it: Safari since 14.1, before Object.hasOwn and the other ES2022 the package needs).
wasm-bindgen --target web --encode-into always --out-dir pkg --out-name jit_permissions "$WASM_IN"
# What the package never runs leaves the glue (scripts/trim-glue.mjs).
node scripts/trim-glue.mjs pkg/jit_permissions.js

# The crate's own snippets (the Rust API's runtime, UI and locales) are not the npm package's: dropped below.
# wasm-opt from the npm package binaryen (a current release; Debian's 108 cannot parse the
# reference-types instructions wasm-bindgen emits for today's rustc). The passes: flatten and rereloop give -Oz
# simpler control flow to shrink, run twice to a fixed point; low-memory-unused lets it fold constant addresses
# (rustc puts the stack first, from 1 MiB down, so the low 1 KiB is never used). 0.3 KB gzipped less than -Oz alone.
# The engine's free() is not in the glue (scripts/trim-glue.mjs): its export goes too, and the code only it reached.
WASM_OPT=scripts/node_modules/binaryen/bin/wasm-opt
node "$WASM_OPT" --remove-exports --pass-arg=remove-exports@__wbg_jitpermissionsengine_free --low-memory-unused --flatten --rereloop -Oz -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-reference-types \
  --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int --enable-multivalue \
  pkg/jit_permissions_bg.wasm -o pkg/jit_permissions_bg.opt.wasm
mv pkg/jit_permissions_bg.opt.wasm pkg/jit_permissions_bg.wasm
# Short import and export names in the wasm, and the same in the glue (scripts/minify-names.mjs).
node "$WASM_OPT" --minify-imports-and-exports-and-modules --enable-bulk-memory --enable-reference-types \
  --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int --enable-multivalue \
  pkg/jit_permissions_bg.wasm -o pkg/jit_permissions_bg.opt.wasm > pkg/names.json
mv pkg/jit_permissions_bg.opt.wasm pkg/jit_permissions_bg.wasm
node scripts/minify-names.mjs pkg/names.json pkg/jit_permissions.js pkg/jit_permissions_bg.wasm
rm pkg/names.json

cp js/index.js js/index.d.ts js/elements.d.ts pkg/
# The browser layer (src/runtime/runtime.js, with core.js, options.js, browser.js, codes.js and status.js), which index.js
# imports: bundled into index.js below, so that a page's first load is the entry, the glue and the wasm.
cp src/runtime/runtime.js src/runtime/core.js src/runtime/options.js src/runtime/browser.js src/runtime/codes.js src/runtime/status.js pkg/
# The whole-page polyfill (install({ patch })): its wrappers bundled into index.js, its calls into their own chunk
# (below).
cp src/runtime/patch.js pkg/patch.js
# The chip a polyfilled call without user activation shows instead of a modal, loaded on first need.
cp src/ui/chip.js pkg/chip.js
# jit-permissions/testing: helpers for sites' own end-to-end tests (never loaded by index.js).
cp js/testing.js js/testing.d.ts pkg/
# The locales, loaded by index.js with import() on first need (the UIs are bundled below). wasm-bindgen also copies
# the UI under snippets/ for the Rust API's imports, which the npm glue must not use: check, then drop.
mkdir -p pkg/locales && cp src/ui/locales/*.js pkg/locales/
if grep -q "snippets/" pkg/jit_permissions.js; then
  echo "[build] pkg/jit_permissions.js imports a snippet: the UI must reach the npm glue only through import()" >&2
  exit 1
fi
rm -rf pkg/snippets

# The shipped JavaScript, minified (the readable sources are js/, src/ui/ and the glue wasm-bindgen writes).
ESBUILD=scripts/node_modules/.bin/esbuild
minify() { # file [esbuild options...]
  local f=$1; shift
  "$ESBUILD" "$f" --minify --charset=utf8 --legal-comments=none --format=esm --target=es2022 \
    --log-level=warning --allow-overwrite --outfile="$f" "$@"
}
# index.js bundles the browser layer and the glue (one request and one gzip stream less: 0.4 KB gzipped less than
# the glue as a file of its own).
minify pkg/index.js --bundle '--mangle-props=^_[a-z]' --external:./tasks.js --external:./elements.js --external:./chip.js \
  --external:./recovery.js --external:./panel.js --external:./indicator.js '--external:./locales/*'
# What a page fetches until its first pre-prompt shows is the first load and ONE chunk: tasks.js, the gated calls
# (src/runtime/tasks.js) with the dialogs and the error mapping, the pre-prompt (src/ui/prompt.js) and the helpers and
# styles every UI shares (src/ui/dom.js, exported for the other UIs). The few names it takes from runtime.js come
# along into it (the runtime itself stays out); the polyfill's calls stay out (./patch.js, loaded on patch mode's
# first call). The properties only its own code reads get short names (--mangle-props).
echo "export * from './src/runtime/tasks.js'; export * from './src/ui/dom.js';" \
  | "$ESBUILD" --bundle --minify --charset=utf8 --legal-comments=none --format=esm --target=es2022 --log-level=warning \
    --sourcefile=tasks.js --external:./patch.js --external:./calls.js --outfile=pkg/tasks.js \
    '--mangle-props=^(enqueue|pending|queue|loading|tag|loadingCalls|calls|native|refused|prePrompt|shown|css|settled|choices|restore|listening)$'
# The polyfill's calls (patch.js `polyfill`; its wrappers are in index.js).
echo "export { polyfill } from './src/runtime/patch.js';" \
  | "$ESBUILD" --bundle --minify --charset=utf8 --legal-comments=none --format=esm --target=es2022 --log-level=warning \
    --sourcefile=patch.js --outfile=pkg/patch.js
# The other UIs, each a chunk of its own loaded when first shown; the shared helpers (./dom.js) they take from
# tasks.js, which is always loaded before them (the tasks show them).
# The native side of the gated calls (src/runtime/calls.js), loaded while the first pre-prompt is open.
"$ESBUILD" src/runtime/calls.js --bundle --minify --charset=utf8 --legal-comments=none --format=esm --target=es2022 \
  --log-level=warning --outfile=pkg/calls.js
# Each other UI is its view (src/ui/recovery.js, panel.js, indicator.js) with its side of the tasks
# (src/runtime/help.js, controls.js, inuse.js).
for ui in recovery panel indicator; do
  entry=src/ui/$ui.js; [ "$ui" = recovery ] && entry=src/runtime/help.js; [ "$ui" = panel ] && entry=src/runtime/controls.js
  [ "$ui" = indicator ] && entry=src/runtime/inuse.js
  "$ESBUILD" "$entry" --bundle --minify --charset=utf8 --legal-comments=none --format=esm --target=es2022 \
    --log-level=warning --external:./dom.js --outfile="pkg/$ui.js"
  sed -i 's#"\./dom\.js"#"./tasks.js"#' "pkg/$ui.js"
  if grep -q 'dom\.js' "pkg/$ui.js"; then echo "[build] pkg/$ui.js still imports dom.js" >&2; exit 1; fi
done
# The names tasks.js exports for them, shortened in it and in them (scripts/short-exports.mjs).
node scripts/short-exports.mjs pkg/tasks.js Tasks,polyfill pkg/recovery.js pkg/panel.js pkg/indicator.js
# The capability elements, the entry `jit-permissions/elements`: js/elements.js with src/elements/*.js and the
# few names it takes from runtime.js bundled in; it imports the page's controller from ./index.js (not bundled).
"$ESBUILD" js/elements.js --bundle --minify --charset=utf8 --legal-comments=none --format=esm --target=es2022 \
  --log-level=warning --external:./index.js --outfile=pkg/elements.js
# The whole-page polyfill, the entry `jit-permissions/polyfill`: installs with patch from the page's JSON options.
cp js/polyfill.d.ts pkg/
"$ESBUILD" js/polyfill.js --bundle --minify --charset=utf8 --legal-comments=none --format=esm --target=es2022 \
  --log-level=warning --external:./index.js --outfile=pkg/polyfill.js
rm pkg/status.js pkg/runtime.js pkg/core.js pkg/options.js pkg/browser.js pkg/codes.js pkg/jit_permissions.js
# The public types are index.d.ts; the generated glue's own declarations (JsValue as `any`) stay out.
# They are kept in target/types/ for the type check of the JavaScript (tsconfig.json).
mkdir -p target/types && cp pkg/jit_permissions.d.ts target/types/
rm -f pkg/jit_permissions.d.ts pkg/jit_permissions_bg.wasm.d.ts
cp README.md LICENSE pkg/
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
sed "s/@VERSION@/$version/" pkg-template/package.json > pkg/package.json
echo "[build] pkg/ ready: $(wc -c < pkg/jit_permissions_bg.wasm) bytes of wasm" >&2
