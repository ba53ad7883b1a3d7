#!/usr/bin/env bash
# Installs everything the build, the demo and the tests need, on a Debian 12 machine that has
# only Rust, Node and apt. Idempotent: each step checks first and is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

# The wasm-bindgen version locked in Cargo.lock (Cargo.toml asks for a caret range); the CLI must match it exactly.
WASM_BINDGEN_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "[setup] no wasm-bindgen in Cargo.lock" >&2; exit 1; }
WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1
CARGO_MACHETE_VERSION=0.9.2

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# 1. Debian packages: browsers, their drivers, a virtual display, and for the page tests' WebKit browser
#    (tests/webkit-browser/browser.py) PyGObject with WebKitGTK's introspection data.
apt_pkgs=(chromium chromium-driver firefox-esr webkit2gtk-driver xvfb xauth gzip locales python3-gi gir1.2-webkit2-4.1)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The WebKit test browser runs on Debian's own Python (other Pythons on PATH have no PyGObject).
if ! /usr/bin/python3 -c "import gi; gi.require_version('Gtk', '3.0'); gi.require_version('WebKit2', '4.1'); from gi.repository import WebKit2" 2>/dev/null; then
  echo "[setup] /usr/bin/python3 cannot load WebKit2 4.1 through PyGObject (packages python3-gi, gir1.2-webkit2-4.1)" >&2
  exit 1
fi

# 2. The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2b. A nightly toolchain with rust-src, only so that scripts/build.sh can rebuild std for the npm package's
# wasm (build-std: smaller, panics abort at once). The build falls back to stable without it.
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  log "rustup toolchain install nightly (minimal, rust-src)"
  rustup toolchain install nightly --profile minimal --component rust-src || log "no nightly: the npm wasm is built with stable"
elif ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  log "rustup component add rust-src --toolchain nightly"
  rustup component add rust-src --toolchain nightly || log "no rust-src: the npm wasm is built with stable"
fi

# 3. Cargo-installed tools, each at a pinned version.
cargo_tool() { # crate version binary
  local crate=$1 version=$2 bin=$3
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q "$version"; then return; fi
  log "cargo install $crate@$version"
  # --locked first, for the versions the tool was released with; the registry mirror here can lag
  # behind a lock file, so fall back to a fresh resolution of the same version.
  cargo install --quiet --locked "$crate" --version "$version" 2>/dev/null \
    || cargo install --quiet "$crate" --version "$version"
}
cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack
cargo_tool geckodriver "$GECKODRIVER_VERSION" geckodriver
# The test command's check for unused dependencies.
cargo_tool cargo-machete "$CARGO_MACHETE_VERSION" cargo-machete

# 4. wasm-pack looks for `safaridriver`; WebKitGTK's driver stands in for it.
mkdir -p target/bin
ln -sf /usr/bin/WebKitWebDriver target/bin/safaridriver

# 5. npm packages: build tools (scripts/), page tests, packaging test and benchmarks (tests/).
for dir in scripts tests tests/e2e bench; do
  [ -f "$dir/package-lock.json" ] || continue
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "npm ci ($dir/)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
log "ready"
