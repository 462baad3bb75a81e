# Run by scripts/pack-check.sh inside a folder where only the @dc/* tarballs of the dc command were
# npm-installed (with their npm dependencies). `npx dc --help` must list the commands, and
# `npx dc inspect --json` must read the shipped LeNet-5 file; the last line of stdout is a JSON
# summary for the test.
set -euo pipefail
npx --no-install dc --help >help.txt
npx --no-install dc inspect "$ROOT/apps/demo/compressed/lenet-5.dcm" --json >inspect.json
node -e '
const fs = require("fs");
const help = fs.readFileSync("help.txt", "utf8");
const inspect = JSON.parse(fs.readFileSync("inspect.json", "utf8"));
const dc = fs.readdirSync("node_modules/@dc").sort();
console.log(JSON.stringify({ help, dc, fileBytes: inspect.fileBytes, nodes: inspect.nodes.map((n) => n.name) }));
'
