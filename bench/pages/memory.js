// Memory: cycles of query({name:'camera'}), add a change listener, remove it, drop the status. Reports the
// wasm linear memory (init() of the wasm-bindgen glue returns the instance's exports once the entry has
// loaded it, its memory among them); the runner reads the JS heap itself (CDP, after a forced GC).
import { install } from '/pkg/index.js';
import init from '/pkg/jit_permissions.js';

const permissions = await install();
const wasm = await init({ module_or_path: new URL('/pkg/jit_permissions_bg.wasm', location.href) });

window.bench = {
  // The memory export, whatever its (minified) name.
  wasmBytes: () => Object.values(wasm || {}).find((v) => v instanceof WebAssembly.Memory)?.buffer.byteLength ?? null,
  async cycles(n) {
    for (let i = 0; i < n; i++) {
      const status = await permissions.query({ name: 'camera' });
      const listener = () => {};
      status.addEventListener('change', listener);
      status.removeEventListener('change', listener);
    }
    return n;
  },
};
window.__ready = true;
