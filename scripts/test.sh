#!/usr/bin/env bash
# npm test: install what is missing, start the local servers when they are
# down, build, check the generated gRPC code is fresh, lint, then run the unit,
# integration and end-to-end tests. Every stage runs even when one before it
# failed (except install and build), and the exit status is non-zero when
# any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_dependencies || exit 1
ensure_servers
say "Building (npm run build)"
npm run --silent build || { say "Build failed"; exit 1; }

failed=()
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

say "Checking generated gRPC code (npm run proto:check)"
npm run --silent proto:check || failed+=("proto:check")

say "Linting (npm run lint)"
npm run --silent lint || failed+=("lint")

run_jest() {
  local name=$1 output status
  shift
  say "Running $name tests"
  output=$(mktemp)
  npx jest --selectProjects "$name" "$@" 2>&1 | tee "$output"
  status=${PIPESTATUS[0]}
  { echo "$name:"; grep -E '^(Test Suites|Tests|Time):' "$output" | sed 's/^/  /'; } >>"$summary"
  rm -f "$output"
  [ "$status" -eq 0 ] || failed+=("$name")
}

run_jest unit
run_jest integration --runInBand
run_jest e2e --runInBand

echo
say "Summary"
cat "$summary"
# One plain closing line over every stage, for readers that do not know Jest.
awk '/^  Tests:/ {
    for (i = 2; i <= NF; i++) {
      if ($(i + 1) ~ /^passed/) passed += $i
      if ($(i + 1) ~ /^failed/) failed += $i
      if ($(i + 1) ~ /^skipped/) skipped += $i
    }
  }
  END { printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$summary"
if [ ${#failed[@]} -gt 0 ]; then
  say "FAILED: ${failed[*]}"
  exit 1
fi
say "All tests passed"
