// The slice of the solc command line that forge uses: `--version`, and standard JSON on stdin
// with imports resolved against --base-path and each --include-path.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const solc = require('solc');

const args = process.argv.slice(2);

if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}

const roots = [];
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  if (flag === '--base-path' || flag === '--include-path') roots.push(args[++i]);
  else if (flag.startsWith('--base-path=') || flag.startsWith('--include-path=')) roots.push(flag.split('=')[1]);
}
if (roots.length === 0) roots.push(process.cwd());

function findImport(importPath) {
  const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.resolve(r, importPath));
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImport }));
