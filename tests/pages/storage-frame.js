// A frame of storage.test.html (not a test page itself): installs jit-permissions over the kind of storage named by
// ?case=, makes a decision through the pre-prompt (the parent has the runner click it), and posts what it saw to its
// parent.
//   bytes      localStorage[key] holds random bytes (lone surrogates, control characters) before install
//   full       Storage.prototype.setItem throws QuotaExceededError (storage full; a stand-in: the quota is not real)
//   sandboxed  loaded as storage-frame.sandboxed.html in <iframe sandbox="allow-scripts">: an opaque origin, where
//              the browser itself makes localStorage throw SecurityError (real)
const kase = new URLSearchParams(location.search).get('case');
const KEY = `jit-permissions-${kase}`;
const report = (data) => parent.postMessage({ from: 'storage-frame', case: kase, ...data }, '*');
// Each stage reached, with the frame's clock (ms since its navigation started), so that a frame that never
// reports says where it stopped.
const stage = (name) => report({ step: 'stage', stage: name, at: Math.round(performance.now()) });
stage('script');
const describe = (e) => (e && e.name ? `${e.name}: ${e.message}` : String(e));

try {
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => { warnings.push(args.map(String).join(' ')); return warn.apply(console, args); };

  let storageProbe;
  try {
    localStorage.getItem(KEY);
    storageProbe = 'readable';
  } catch (e) {
    storageProbe = `localStorage throws ${describe(e)}`;
  }
  if (kase === 'bytes') {
    let junk = '';
    for (let i = 0; i < 300; i++) junk += String.fromCharCode(Math.floor(Math.random() * 0x10000));
    localStorage.setItem(KEY, junk);
  }
  if (kase === 'full') {
    localStorage.removeItem(KEY);
    Storage.prototype.setItem = function setItem() {
      throw new DOMException("Failed to execute 'setItem' on 'Storage': the quota has been exceeded.", 'QuotaExceededError');
    };
  }

  const { install } = await import('/pkg/index.js');
  stage('imported');
  const p = await install({ storageKey: KEY });
  stage('installed');
  const states = {};
  for (const name of ['camera', 'microphone', 'geolocation', 'notifications']) {
    const s = await p.query({ name });
    let native = null;
    try { native = (await navigator.permissions.query({ name })).state; } catch (e) { native = describe(e); }
    states[name] = { state: s.state, grant: s.grant, native };
  }
  const inMemoryAtStart = p.inMemory;

  // A decision through the pre-prompt (Don't allow: no browser prompt involved).
  const mic = await p.query({ name: 'microphone' });
  const changes = [];
  mic.onchange = () => changes.push(mic.state);
  const pending = p.request({ name: 'microphone' });
  let button = null;
  for (let i = 0; i < 200 && !button; i++) {
    await new Promise((r) => setTimeout(r, 25));
    button = document.querySelector('div[data-jit-permissions="pre-prompt"]')?.shadowRoot?.querySelector('button[data-choice="dont-allow"]');
  }
  if (!button) throw new Error('no pre-prompt in the frame');
  stage('pre-prompt shown');
  // The parent has the runner click "Don't allow" in this frame, as a person would.
  report({ step: 'prompt' });
  const decided = await pending;
  stage('decided');
  await new Promise((r) => setTimeout(r, 200));
  let stored = null;
  try { stored = localStorage.getItem(KEY); } catch (e) { stored = `(unreadable: ${describe(e)})`; }
  report({
    ok: true, storageProbe, warnings, states, inMemoryAtStart, inMemory: p.inMemory,
    decided: { state: decided.state, reason: decided.reason }, later: (await p.query({ name: 'microphone' })).state,
    changes, stored,
  });
} catch (e) {
  report({ ok: false, error: describe(e) });
}
