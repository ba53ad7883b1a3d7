// Framed by policy.frames.test.html from another origin (localhost), with or without allow="camera; microphone".
// Installs the library, records what it reports and what a gated call does, and posts it to the parent.
const warnings = [];
const warn = console.warn;
console.warn = (...args) => { warnings.push(args.map(String).join(' ')); return warn.apply(console, args); };
const out = { policyApi: typeof document.featurePolicy === 'object' || typeof document.permissionsPolicy === 'object' };
try {
  const { install } = await import('/pkg/index.js');
  const p = await install();
  const camera = await p.query({ name: 'camera' });
  out.before = camera.toJSON();
  let prePrompts = 0;
  new MutationObserver(() => { if (document.querySelector('div[data-jit-permissions]')) prePrompts++; })
    .observe(document.body, { childList: true, subtree: true });
  const started = performance.now();
  if (new URLSearchParams(location.search).get('call') !== '1') throw new Error('no call asked');
  try {
    const stream = await Promise.race([
      p.getUserMedia({ video: true }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the call did not settle within 4 s')), 4000)),
    ]);
    stream.getTracks().forEach((t) => t.stop());
    out.call = { ok: true };
  } catch (e) {
    out.call = { ok: false, name: e && e.name, reason: e && e.reason, message: e && e.message };
  }
  out.callMs = Math.round(performance.now() - started);
  out.dialogs = prePrompts + document.querySelectorAll('div[data-jit-permissions]').length;
  out.after = camera.toJSON();
  out.warnings = warnings.filter((w) => w.includes('jit-permissions'));
} catch (e) {
  if (e && e.message !== 'no call asked') out.error = `${e && e.name}: ${e && e.message}`;
}
out.warnings = warnings.filter((w) => w.includes('jit-permissions'));
parent.postMessage({ policyProbe: out }, '*');
