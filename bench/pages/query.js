// Query overhead: the library's query() against the native navigator.permissions.query, interleaved in
// one page: alternating batches of sequential awaited calls (each call also reads `.state`, as a caller
// would), the order of the two swapped every round. Timing per batch, not per call: performance.now()
// is coarsened (100 µs in Chromium, up to 1 ms in Firefox) without cross-origin isolation.
import { install } from '/pkg/index.js';

const permissions = await install();
const native = navigator.permissions;

async function batch(query, descriptor, size) {
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < size; i++) {
    const status = await query(descriptor);
    sink += status.state.length;
  }
  const ms = performance.now() - t0;
  if (sink === 0) throw new Error('no state read');
  return ms / size;
}

const lib = (d) => permissions.query(d);
const nat = (d) => native.query(d);

window.bench = {
  async run({ name = 'camera', rounds = 25, size = 100, warmup = 300 } = {}) {
    const descriptor = { name };
    await batch(lib, descriptor, warmup);
    await batch(nat, descriptor, warmup);
    const out = { lib: [], native: [], size, rounds, name, state: (await nat(descriptor)).state };
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        out.lib.push(await batch(lib, descriptor, size));
        out.native.push(await batch(nat, descriptor, size));
      } else {
        out.native.push(await batch(nat, descriptor, size));
        out.lib.push(await batch(lib, descriptor, size));
      }
    }
    return out;
  },
};
window.__ready = true;
