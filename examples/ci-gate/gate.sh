#!/usr/bin/env bash
# CI gate: run the doctor in strict mode (warnings fail too), keep the SARIF
# report for code scanning, and exit with the doctor's code (0 pass, 1 fail,
# 2 usage error) so the CI step fails when the checklist does.
#
#   examples/ci-gate/gate.sh [project-dir] [sarif-file]
set -uo pipefail
dir="${1:-.}"
sarif="${2:-secrets-doctor.sarif}"
secrets="${SECRETS_BIN:-npx --no-install secrets}"

$secrets doctor "$dir" --strict --sarif >"$sarif"
code=$?
# The human-readable report for the CI log (same checks; no colours in CI logs).
NO_COLOR=1 $secrets doctor "$dir" --strict --offline || true
echo "secrets doctor --strict exited $code; SARIF written to $sarif"
exit "$code"
