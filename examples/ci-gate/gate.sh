#!/usr/bin/env bash
# CI gate: run the doctor once in strict mode (warnings fail too), print the
# readable report in the CI log, write the SARIF report for code scanning from
# the same run, and exit with the doctor's code (0 pass, 1 fail, 2 usage or
# input error) so the CI step fails when the checklist does.
#
#   examples/ci-gate/gate.sh [project-dir] [sarif-file]
set -uo pipefail
dir="${1:-.}"
sarif="${2:-secrets-doctor.sarif}"
secrets="${SECRETS_BIN:-npx --no-install secrets}"

# No colours in CI logs; one run gives both the table (stdout) and the SARIF file.
NO_COLOR=1 $secrets doctor "$dir" --strict --sarif-file "$sarif"
code=$?
echo "secrets doctor --strict exited $code; SARIF written to $sarif"
exit "$code"
