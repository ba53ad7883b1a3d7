#!/usr/bin/env node
// The budget of what a page fetches until its first pre-prompt shows (issue 23): the files tests/pages/first-prompt.json
// names (which tests/pages/first-prompt.test.js checks are exactly what the browsers fetch), gzip -9 each as a server
// compressing each response would send it, at most 32 KiB together; of them the first load at most 25,000 B.
//
//   node tests/node/first-prompt.test.mjs [pkg-dir]      (default: pkg/, built by scripts/build.sh)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = resolve(process.argv[2] || join(root, 'pkg'));
const spec = JSON.parse(readFileSync(join(root, 'tests', 'pages', 'first-prompt.json'), 'utf8'));
let failed = 0;
const gz = (f) => gzipSync(readFileSync(join(pkg, f)), { level: 9 }).length;
function check(files, budget, what) {
  const missing = files.filter((f) => !existsSync(join(pkg, f)));
  if (missing.length) { failed++; console.log(`FAIL ${what}: ${missing.join(', ')} not in ${pkg} (run \`bash scripts/build.sh\`)`); return; }
  const sizes = files.map((f) => [f, gz(f)]);
  const total = sizes.reduce((n, [, b]) => n + b, 0);
  const line = `${what}: ${total} B gzipped (${sizes.map(([f, b]) => `${f} ${b}`).join(' + ')}), budget ${budget} B`;
  if (total > budget) { failed++; console.log(`FAIL ${line}: over by ${total - budget} B`); } else console.log(`ok   ${line}`);
}
check(spec.firstLoad, spec.firstLoadBudget, 'the first load');
check(spec.files, spec.budget, 'until the first pre-prompt shows');
process.exit(failed ? 1 : 0);
