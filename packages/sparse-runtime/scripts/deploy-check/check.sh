# Run by scripts/pack-check.sh inside a folder where only @dc/core, @dc/huffman, @dc/rans and
# @dc/sparse-runtime were npm-installed from their tarballs. Type-checks main.ts as a strict user
# would (skipLibCheck off: every .d.ts of the four packages is checked) with the repository's
# TypeScript, then runs it. $SAMPLE is the prefix of the MNIST sample files the test wrote.
set -euo pipefail
if [ -e node_modules/@tensorflow ]; then echo "deploy-check: TensorFlow.js was installed: $(ls node_modules/@tensorflow)" >&2; exit 1; fi
node "$ROOT/node_modules/typescript/bin/tsc" -p tsconfig.json --typeRoots "$ROOT/node_modules/@types"
node out/main.js "$ROOT/apps/demo/compressed/lenet-300-100.dcm" "$SAMPLE"
