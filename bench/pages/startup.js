// Start-up in one fresh page load: the browser's own query of the four gated names, and the library's import ->
// install() -> the same four queries, one after the other in the same load (?order=native-first or lib-first; the
// runner alternates, so that neither always warms the browser's permission service for the other). The library's
// phases come from its User Timing marks (jit-permissions:compiled, instantiated, started). The runner reads
// window.__result.
const order = new URLSearchParams(location.search).get('order') || 'native-first';
const NAMES = ['camera', 'microphone', 'geolocation', 'notifications'];

async function native() {
  const t = performance.now();
  // Each name on its own: a name this browser cannot query must not hide the time of the others.
  await Promise.all(NAMES.map((name) => navigator.permissions.query({ name }).catch(() => null)));
  return performance.now() - t;
}

async function library() {
  const t0 = performance.now();
  const { install } = await import('/pkg/index.js');
  const imported = performance.now();
  const p = await install();
  const installed = performance.now();
  await Promise.all(NAMES.map((name) => p.query({ name })));
  const done = performance.now();
  const mark = (name) => performance.getEntriesByName(`jit-permissions:${name}`)[0]?.startTime ?? NaN;
  const compiled = mark('compiled');
  const instantiated = mark('instantiated');
  const started = mark('started');
  return {
    ms: done - t0,
    phases: {
      // fetch and evaluate index.js, the glue bundled in (the wasm download and compile start meanwhile)
      import: imported - t0,
      // the rest of the wasm download and compile, once the entry waits for it
      compile: compiled - imported,
      instantiate: instantiated - compiled,
      // the runtime's start: read the stored record, the browser's four queries, register the page
      start: started - instantiated,
      // the four queries through the library
      queries: done - installed,
    },
  };
}

try {
  const result = { order };
  if (order === 'lib-first') {
    result.lib = await library();
    result.native = await native();
  } else {
    result.native = await native();
    result.lib = await library();
  }
  window.__result = result;
} catch (e) {
  window.__result = { error: `${e && e.name}: ${e && e.message}` };
}
