// Memory: cycles of query({name:'camera'}), add a change listener, remove it, drop the status. Reports the
// wasm linear memory; the runner reads the JS heap itself (CDP, after a forced GC). The glue is bundled into
// index.js, so the bench sees the instance by wrapping WebAssembly.instantiate (bench instrumentation only: the
// wrapper passes everything through) before the package is imported.
const instantiate = WebAssembly.instantiate;
let wasm = null;
WebAssembly.instantiate = async function (...args) {
  const result = await instantiate.apply(this, args);
  wasm = (result instanceof WebAssembly.Instance ? result : result.instance).exports;
  return result;
};
const { install } = await import('/pkg/index.js');
const permissions = await install();

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
