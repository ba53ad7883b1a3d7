// Start-up: the time from a dynamic import of the package's entry to install() resolved, in a fresh
// page load (?mode=lib), against the time of a native navigator.permissions.query of the four gated
// names in a fresh page load (?mode=native). The runner reads window.__result.
const mode = new URLSearchParams(location.search).get('mode');
const NAMES = ['camera', 'microphone', 'geolocation', 'notifications'];

const t0 = performance.now();
try {
  if (mode === 'lib') {
    const { install } = await import('/pkg/index.js');
    await install();
  } else {
    // Each name on its own: a name this browser cannot query must not hide the time of the others.
    await Promise.all(NAMES.map((name) => navigator.permissions.query({ name }).catch(() => null)));
  }
  window.__result = { mode, ms: performance.now() - t0 };
} catch (e) {
  window.__result = { mode, error: `${e && e.name}: ${e && e.message}` };
}
