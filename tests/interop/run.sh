#!/bin/sh
# Installs the locked packages if needed, generates the types from proto/,
# and runs submit_award.mjs with the arguments given.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund >&2
fi
mkdir -p gen
npm run --silent generate >&2
exec node submit_award.mjs "$@"
