#!/usr/bin/env bash
# "Install only what you need": builds the given workspace packages, packs them with pnpm, checks
# the tarballs (no test files, `engines` declared), npm-installs only those tarballs into an empty
# folder and runs a check app there against the public API. Exit status 0 on success. The packed
# packages come from local tarballs; their own small runtime dependencies (fflate for @dc/core)
# come from npm's cache or the npm registry.
#
# Usage: scripts/pack-check.sh <app> <package dir>...
#   <app>   a .mjs file (copied as check.mjs and run with node), or a folder whose files are copied
#           into the app folder and whose check.sh is run there (bash) with $ROOT set to the
#           repository root.
#   e.g.    scripts/pack-check.sh packages/prune/scripts/pack-check-app.mjs packages/core packages/prune
#           KEEP=1 scripts/pack-check.sh ...      (keep the temp folder for inspection)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
app="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
work="$(mktemp -d "${TMPDIR:-/tmp}/dc-pack-check.XXXXXX")"
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "pack-check: keeping $work"; fi

cd "$ROOT"
# The builds write the packages' own dist/ folders, which another pack check (the slow tests run
# in parallel) may be packing: one pack check at a time per checkout.
exec 9>"$ROOT/node_modules/.dc-pack-check.lock"
flock 9
# In the order given: a package's workspace dependencies come before it.
for dir in "$@"; do (cd "$dir" && pnpm build) >>"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }; done
for dir in "$@"; do (cd "$dir" && pnpm pack --pack-destination "$work" >/dev/null); done

# What ships: no tests or test support, and an engines field.
for tgz in "$work"/*.tgz; do
  if tar tzf "$tgz" | grep -E '\.test\.|\.test-d\.|\.test-support\.|/test-utils\.|^package/(src|dist)/test/|/webgpu/testing/'; then
    echo "pack-check: $(basename "$tgz") ships the test files above" >&2
    exit 1
  fi
  tar xzf "$tgz" -O package/package.json | node -e 'const p = JSON.parse(require("fs").readFileSync(0, "utf8")); if (!p.engines?.node) { console.error(`pack-check: ${p.name} has no engines.node`); process.exit(1); }'
done

mkdir "$work/app"
if [ -d "$app" ]; then cp -r "$app"/. "$work/app"; else cp "$app" "$work/app/check.mjs"; fi
cd "$work/app"
[ -f package.json ] || printf '{ "name": "dc-pack-check", "private": true, "type": "module" }\n' >package.json
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$work"/*.tgz
if [ -f check.sh ]; then bash check.sh; else node check.mjs; fi
