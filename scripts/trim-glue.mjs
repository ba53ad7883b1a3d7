// Drops from the wasm-bindgen glue (pkg/jit_permissions.js, bundled into index.js: part of every page's first load)
// what the npm package never runs:
//
//   node scripts/trim-glue.mjs pkg/jit_permissions.js
//
// - passStringToWasm0's branch for a call without `realloc`: the glue passes one to every call;
// - initSync's check of its argument's shape and its warning about the old one: index.js passes `{ module }`;
// - the engine's `free()`, `Symbol.dispose` and the FinalizationRegistry that frees it once collected: the runtime
//   makes one engine per page and keeps it as long as the page lives, and nothing frees it.
// 0.24 KB gzipped less. Each cut names the text it expects, whitespace aside; where the glue of another wasm-bindgen
// lacks one, the build fails, so that what is cut is looked at again.
import { readFileSync, writeFileSync } from 'node:fs';

const CUTS = [
  ['the call without realloc', `
    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }`, ''],
  ["initSync's argument check", `
    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for \`initSync()\`; pass a single object instead')
        }
    }`, '\n    ({module} = module);'],
  ['free()', `
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        JitPermissionsEngineFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_jitpermissionsengine_free(ptr, 0);
    }`, ''],
  ['the registration', `
        JitPermissionsEngineFinalization.register(this, this.__wbg_ptr, this);`, ''],
  ['Symbol.dispose', `
if (Symbol.dispose) JitPermissionsEngine.prototype[Symbol.dispose] = JitPermissionsEngine.prototype.free;`, ''],
  ['the FinalizationRegistry', `
const JitPermissionsEngineFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_jitpermissionsengine_free(ptr, 1));`, ''],
];

const [file] = process.argv.slice(2);
let glue = readFileSync(file, 'utf8');
for (const [what, text, by] of CUTS) {
  const pattern = new RegExp(text.trim().split(/\s+/).map((w) => w.replace(/[$.*+?^()[\]{}|\\]/g, '\\$&')).join('\\s*'));
  const before = glue;
  glue = glue.replace(pattern, () => by.trim());
  if (glue === before) throw new Error(`[trim-glue] ${file}: not found: ${what}; check this wasm-bindgen's glue`);
}
if (/Finalization|__destroy_into_raw/.test(glue)) throw new Error(`[trim-glue] ${file}: the engine's free() is still referred to`);
writeFileSync(file, glue);
console.error(`[trim-glue] ${CUTS.length} cuts in ${file}`);
