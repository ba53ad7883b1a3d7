#!/usr/bin/env node
// Gives the names tasks.js exports for the other UIs' chunks (the helpers of src/ui/dom.js) one- or two-letter names,
// in tasks.js and in the chunks that import them: tasks.js is on the path of every first pre-prompt, and esbuild keeps
// export names as written. The names the runtime uses (`keep`) stay.
//
//   node scripts/short-exports.mjs pkg/tasks.js Tasks,polyfill pkg/recovery.js pkg/panel.js pkg/indicator.js
import { readFileSync, writeFileSync } from 'node:fs';

const [entry, keepList, ...importers] = process.argv.slice(2);
const keep = new Set(keepList.split(','));
const fail = (m) => { console.error(`[short-exports] ${m}`); process.exit(1); };
let code = readFileSync(entry, 'utf8');
const found = [...code.matchAll(/export\{([^}]*)\}/g)];
if (found.length !== 1) fail(`${entry}: expected one export statement, found ${found.length}`);
const names = new Map();
const short = (n) => (n < 26 ? String.fromCharCode(97 + n) : short(Math.floor(n / 26) - 1) + String.fromCharCode(97 + (n % 26)));
const list = found[0][1].split(',').map((spec) => {
  const [local, name = local] = spec.split(' as ');
  if (keep.has(name)) return spec;
  const to = short(names.size);
  names.set(name, to);
  return local === to ? local : `${local} as ${to}`;
});
code = code.replace(found[0][0], `export{${list.join(',')}}`);
writeFileSync(entry, code);
const from = entry.replace(/^.*\//, './');
for (const file of importers) {
  let text = readFileSync(file, 'utf8');
  let seen = 0;
  text = text.replace(/import\{([^}]*)\}from"([^"]*)"/g, (all, specs, path) => {
    if (path !== from) return all;
    seen++;
    return `import{${specs.split(',').map((spec) => {
      const [name, local = name] = spec.split(' as ');
      const to = names.get(name);
      if (!to) fail(`${file} imports ${name}, which ${entry} does not export under a short name`);
      return local === to ? to : `${to} as ${local}`;
    }).join(',')}}from"${path}"`;
  });
  if (!seen) fail(`${file} does not import from ${from}`);
  writeFileSync(file, text);
}
console.error(`[short-exports] ${names.size} names of ${entry} shortened in it and ${importers.length} chunks`);
