#!/usr/bin/env bash
# Installs gitleaks, pinned, into .tools/bin for the scan benchmark
# (bench/scan.bench.ts). Built from source with `go install` through the Go
# module proxy, because no release download site is reachable here.
set -euo pipefail
VERSION="${GITLEAKS_VERSION:-v8.30.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/.tools/bin"
mkdir -p "$BIN"
if [[ -x "$BIN/gitleaks" ]] && "$BIN/gitleaks" version 2>/dev/null | grep -q "${VERSION#v}"; then
  echo "gitleaks ${VERSION} already in $BIN"
  exit 0
fi
command -v go >/dev/null || { echo "install-gitleaks: 'go' is not on PATH (needed to build gitleaks ${VERSION})" >&2; exit 1; }
GOBIN="$BIN" go install -ldflags "-X github.com/zricethezav/gitleaks/v8/version.Version=${VERSION#v}" \
  "github.com/zricethezav/gitleaks/v8@${VERSION}"
"$BIN/gitleaks" version
