#!/usr/bin/env node
// Package hygiene of the built npm package (pkg/): what `npm pack` would publish is exactly what package.json
// `files` names (directories expanded, plus the package.json npm always adds), every `files` entry matches something,
// and every `exports` entry names shipped files with its `types` condition first. Also that the `strings` keys of
// index.d.ts are exactly the keys of the built-in English strings (the `en` of src/ui/prompt.js, recovery.js, panel.js and indicator.js) and of the runtime's check
// (src/runtime/options.js `KEYS`, which runtime.js re-exports), so the type cannot drift from the UI. That every entry's types compile under
// `tsc --strict` is checked by tests/e2e/package.test.mjs, which installs TypeScript from the registry.
//
//   node tests/node/package-files.test.mjs [pkg-dir]      (default: pkg/, built by scripts/build.sh)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = resolve(process.argv[2] || join(root, 'pkg'));
if (!existsSync(join(pkg, 'package.json'))) {
  console.log(`FAIL no npm package in ${pkg}; run \`bash scripts/build.sh\` first`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
let failed = 0;
function check(name, problems) {
  if (problems.length) { failed++; console.log(`FAIL ${name}:\n  ${problems.join('\n  ')}`); } else console.log(`ok   ${name}`);
}

// 1. npm pack --dry-run against `files`.
const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error', pkg], { encoding: 'utf8', cwd: pkg }))[0];
const shipped = packed.files.map((f) => f.path).sort();
const walk = (rel) => {
  const abs = join(pkg, rel);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs).flatMap((f) => walk(`${rel}/${f}`));
};
const problems = [];
const expected = new Set(['package.json']);
for (const entry of manifest.files) {
  const found = walk(entry.replace(/\/$/, ''));
  if (!found.length) problems.push(`the files entry '${entry}' matches nothing in ${pkg}`);
  for (const f of found) expected.add(f);
}
const want = [...expected].sort();
for (const f of shipped) if (!expected.has(f)) problems.push(`npm pack ships ${f}, which files does not name`);
for (const f of want) if (!shipped.includes(f)) problems.push(`files names ${f}, which npm pack leaves out`);
check(`npm pack ships exactly what files says (${shipped.length} files: ${shipped.join(', ')})`, problems);

// 2. The exports map (and main/module/types) names shipped files; `types` comes first in each entry.
const exportProblems = [];
const shippedSet = new Set(shipped);
for (const field of ['main', 'module', 'types']) {
  const target = manifest[field]?.replace(/^\.\//, '');
  if (target && !shippedSet.has(target)) exportProblems.push(`${field} names ${target}, which is not shipped`);
}
for (const [subpath, target] of Object.entries(manifest.exports)) {
  const conditions = typeof target === 'string' ? { default: target } : target;
  const keys = Object.keys(conditions);
  if (subpath !== './package.json' && keys[0] !== 'types') exportProblems.push(`exports['${subpath}'] does not list types first (${keys.join(', ')})`);
  for (const [condition, file] of Object.entries(conditions)) {
    if (!shippedSet.has(file.replace(/^\.\//, ''))) exportProblems.push(`exports['${subpath}'].${condition} names ${file}, which is not shipped`);
  }
}
for (const f of shipped.filter((f) => f.endsWith('.d.ts'))) {
  const entry = Object.values(manifest.exports).find((t) => typeof t === 'object' && t.types === `./${f}`);
  if (!entry) exportProblems.push(`${f} is shipped but no exports entry uses it as its types`);
}
check(`exports map: ${Object.keys(manifest.exports).join(', ')}; types first, every target shipped`, exportProblems);

// 3. The strings keys: the type, the English strings and the runtime's check agree.
const keyProblems = [];
const dts = readFileSync(join(pkg, 'index.d.ts'), 'utf8');
const block = dts.match(/export interface Strings \{([\s\S]*?)\n\}/);
const typeKeys = block ? [...block[1].matchAll(/^\s+(\w+)\?: string;/gm)].map((m) => m[1]) : [];
if (!typeKeys.length) keyProblems.push('index.d.ts has no `export interface Strings` with `key?: string;` members');
// The English strings are in the module of each UI (the pre-prompt's has those they share).
const enKeys = [];
for (const file of ['prompt.js', 'recovery.js', 'panel.js', 'indicator.js']) {
  const text = readFileSync(join(root, 'src', 'ui', file), 'utf8');
  const en = text.match(/\nconst en = \{([\s\S]*?)\n\};/);
  if (!en) keyProblems.push(`src/ui/${file} has no \`const en = { ... };\``);
  for (const [, key] of en ? en[1].matchAll(/^ {2}(\w+):/gm) : []) {
    if (enKeys.includes(key)) keyProblems.push(`the key ${key} is in more than one English table (src/ui/${file})`);
    enKeys.push(key);
  }
}
// The runtime's own list (what install() accepts), imported: the browser layer loads in Node (it is bundled into
// index.js, which tests/node/server-import.test.mjs imports there).
let rsKeys = [];
try {
  rsKeys = (await import(pathToFileURL(join(root, 'src', 'runtime', 'runtime.js')).href)).KEYS || [];
} catch (e) {
  keyProblems.push(`src/runtime/runtime.js did not import in Node: ${e.message}`);
}
if (!rsKeys.length) keyProblems.push('src/runtime/runtime.js exports no KEYS');
const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const diff = (a, b) => a.filter((k) => !b.includes(k));
if (!same(typeKeys, enKeys)) keyProblems.push(`index.d.ts Strings vs the UIs' en: only in the type ${JSON.stringify(diff(typeKeys, enKeys))}, only in en ${JSON.stringify(diff(enKeys, typeKeys))}`);
if (!same(typeKeys, rsKeys)) keyProblems.push(`index.d.ts Strings vs runtime.js KEYS: only in the type ${JSON.stringify(diff(typeKeys, rsKeys))}, only in KEYS ${JSON.stringify(diff(rsKeys, typeKeys))}`);
check(`the Strings type has exactly the ${typeKeys.length} keys of the UIs' en and runtime.js KEYS`, keyProblems);

process.exit(failed ? 1 : 0);
