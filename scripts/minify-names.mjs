// Renames the wasm's imports and exports in the wasm-bindgen glue to the short names that
// `wasm-opt --minify-imports-and-exports-and-modules` gave them in the wasm.
//
//   node scripts/minify-names.mjs map.json pkg/jit_permissions.js pkg/jit_permissions_bg.wasm
//
// map.json is what that wasm-opt pass prints: {"imports": [[module, name, new], ...], "exports": [[name, new], ...]}.
// Each import carried its module ("./jit_permissions_bg.js") and a hashed name (__wbg_get_7c69...), and the
// glue names each export in full: in the wasm and in the glue those names weigh more than a kilobyte gzipped.
// The glue reads every export as `wasm.<name>` and defines every import as a key of one object per module, so
// the renaming is textual; afterwards the glue must read no export the wasm does not have, or the build fails.
import { readFileSync, writeFileSync } from 'node:fs';

const [mapFile, glueFile, wasmFile] = process.argv.slice(2);
const text = readFileSync(mapFile, 'utf8');
// wasm-opt prints the JSON with trailing commas.
const map = JSON.parse(text.slice(text.indexOf('{')).replace(/,(\s*[\]}])/g, '$1'));
let glue = readFileSync(glueFile, 'utf8');

const escape = (s) => s.replace(/[$.*+?^()[\]{}|\\]/g, '\\$&');
const modules = new Set();
for (const [module, name, short] of map.imports) {
  modules.add(module);
  glue = glue.replace(new RegExp(`(?<![\\w$])${escape(name)}(?=\\s*:)`, 'g'), () => short);
}
if (modules.size !== 1) throw new Error(`expected the imports of one module, got ${[...modules].join(', ')}`);
const [module] = modules;
const renamed = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmFile))).map((i) => i.module));
if (renamed.size !== 1) throw new Error(`expected one import module in ${wasmFile}, got ${[...renamed].join(', ')}`);
if (!glue.includes(`"${module}":`)) throw new Error(`the glue does not name the import module ${module}`);
glue = glue.replaceAll(`"${module}":`, () => `${JSON.stringify([...renamed][0])}:`);

const exported = new Set();
for (const [name, short] of map.exports) {
  exported.add(short);
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(name)}(?![\\w$])`, 'g'), () => `wasm.${short}`);
}
const unknown = [...new Set([...glue.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]))].filter((n) => !exported.has(n));
if (unknown.length) throw new Error(`the glue reads exports the wasm does not have: ${unknown.join(', ')}`);
writeFileSync(glueFile, glue);
console.error(`[minify-names] ${map.imports.length} imports and ${map.exports.length} exports renamed in ${glueFile}`);
