#!/usr/bin/env bash
# Installs NestJS 10 into test/_fixtures/nest10/node_modules (from its package-lock.json),
# for the Nest 10 cases of test/adapters/nest.test.ts. The test runs this itself when the
# fixture's node_modules is missing; run it by hand to refresh it.
set -euo pipefail
cd "$(dirname "$0")/../_fixtures/nest10"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
