#!/usr/bin/env bash
# The demo command: set up, build the npm package into pkg/, serve demo/ on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
PORT=${PORT:-8080}
echo "demo: http://127.0.0.1:$PORT/demo/"
exec node scripts/serve.mjs . "$PORT"
