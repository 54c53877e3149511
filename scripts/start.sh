#!/usr/bin/env bash
# npm start: install what is missing, build, then run the launcher, which
# checks the servers, starts every app, seeds the demo organisation and
# prints where the API is. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_dependencies
say "Building (npm run build)"
npm run --silent build
exec node tools/launcher/dist/main.js
