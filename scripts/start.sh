#!/usr/bin/env bash
# npm start: install what is missing, start the local servers when they are
# down, build, then run the launcher, which
# checks the servers, starts every app, seeds the demo organisation and
# prints where the API is. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_dependencies
# The demo organisation is synced from the local directory server (slapd).
ensure_servers
say "Building (npm run build)"
npm run --silent build
exec node tools/launcher/dist/main.js
