#!/usr/bin/env bash
# The benchmark of jit-permissions (issue 7), separate from the tests: sets up, builds the release npm package
# into pkg/, then measures size, start-up, query overhead, event latency, memory and expiry accuracy in headless
# Chromium and Firefox, and prints one table (also written to test-output/bench/results.md).
#
#   bash bench/run.sh
#
# BENCH_SKIP_SETUP=1 / BENCH_SKIP_BUILD=1 skip those steps; the other knobs (BENCH_ENGINES, BENCH_LOADS, ...) are
# described at the top of bench/bench.mjs. Exit status: 0 when every figure was measured (whether or not its target
# was met), 1 when a section could not be measured.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${BENCH_SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
fi
# setup.sh installs bench/'s npm packages once bench/package-lock.json exists; make sure of it either way.
if [ ! -d bench/node_modules/playwright-core ] || [ ! -d bench/node_modules/selenium-webdriver ]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi
# twiggy, for the size breakdown of the wasm (bench only: the test command does not need it).
if ! command -v twiggy >/dev/null 2>&1 && ! "$HOME/.cargo/bin/twiggy" --version >/dev/null 2>&1; then
  echo "[bench] cargo install twiggy@0.8.0" >&2
  cargo install --quiet --locked twiggy --version 0.8.0 || echo "[bench] no twiggy: the size section says so" >&2
fi
export PATH="$HOME/.cargo/bin:$PATH"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build.sh
  # The Rust example, whose first load the size section sets beside the npm package's.
  bash examples/rust-demo/build.sh
fi

# node ends every browser, driver and server it started (also on SIGINT/SIGTERM); the watchdog bounds the run.
exec timeout --signal=TERM --kill-after=20 "${BENCH_TIMEOUT:-900}" node bench/bench.mjs
