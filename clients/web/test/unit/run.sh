#!/bin/sh
# The web app's unit tests, as ctest runs them: installs the locked packages
# on the first run and generates the protobuf types from proto/ first.
set -eu
cd "$(dirname "$0")/../.."
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund >&2
fi
npm run --silent generate >&2
exec npx vitest run
