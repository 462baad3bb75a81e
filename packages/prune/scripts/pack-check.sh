#!/usr/bin/env bash
# "Install only what you need": builds @dc/core and @dc/prune, packs both with pnpm, installs only
# those two tarballs with npm into an empty folder, and runs a prune-only pipeline there through
# the public API (pack-check-app.mjs), asserting masks and exact zeros and that no TensorFlow.js
# was installed. Exit status 0 on success. The two packages come from local tarballs; their own
# small runtime dependencies (fflate for @dc/core) come from npm's cache or the npm registry.
#
# Usage: packages/prune/scripts/pack-check.sh            (from anywhere)
#        KEEP=1 packages/prune/scripts/pack-check.sh     (keep the temp folder for inspection)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dc-pack-check.XXXXXX")"
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "pack-check: keeping $work"; fi

cd "$root"
pnpm --filter @dc/core --filter @dc/prune build >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
(cd packages/core && pnpm pack --pack-destination "$work" >/dev/null)
(cd packages/prune && pnpm pack --pack-destination "$work" >/dev/null)

mkdir "$work/app"
cp "$here/pack-check-app.mjs" "$work/app/check.mjs"
cd "$work/app"
printf '{ "name": "dc-pack-check", "private": true, "type": "module" }\n' >package.json
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$work"/dc-core-*.tgz "$work"/dc-prune-*.tgz
node check.mjs
