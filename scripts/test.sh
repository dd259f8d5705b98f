#!/usr/bin/env bash
# Runs the whole suite twice: on SQLite (embedded default) and on PostgreSQL + Redis.
# pytest's exit code 5 ("no tests collected") is not a failure; any other non-zero code is.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=".venv/bin/pytest"
status=0

run() {
  local label=$1; shift
  echo "==> $label"
  "$@"
  local code=$?
  if [ "$code" -ne 0 ] && [ "$code" -ne 5 ]; then status=$code; fi
}

run "Tests on SQLite (browser tests included)" \
  env -u DATABASE_URL -u REDIS_URL "$PYTEST" -q
run "Tests on PostgreSQL with Redis" \
  env DATABASE_URL="${TEST_DATABASE_URL}" SERVICES_REDIS_URL="${TEST_REDIS_URL}" "$PYTEST" -q -m "not e2e"
exit "$status"
