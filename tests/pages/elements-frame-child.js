// Framed by elements-frame.frames.test.js (this server under another host name, or the same one), with or without
// a frame-ancestors directive in its policy (elements-frame-child.ancestors.html). Places a <jit-geolocation> and
// posts to the parent what it reports once its insertion guard has passed: { valid, reason, reasons } (every
// `invalidReason` its validationstatuschange events told, in order). `?native=1` keeps the browser's own elements
// (Chromium); otherwise they are hidden from feature detection, so the library's own button runs in every engine.
const out = {};
try {
  if (new URLSearchParams(location.search).get('native') !== '1') {
    for (const name of ['HTMLGeolocationElement', 'HTMLUserMediaElement', 'HTMLCameraElement', 'HTMLMicrophoneElement']) delete window[name];
  }
  out.native = typeof window.HTMLGeolocationElement === 'function';
  const { install } = await import('/pkg/index.js');
  await install({ storageKey: 'jp-test-elements-frame' });
  await import('/pkg/elements.js');
  const el = document.createElement('jit-geolocation');
  out.reasons = [];
  el.addEventListener('validationstatuschange', () => out.reasons.push(el.invalidReason));
  document.body.prepend(el);
  // The insertion guard (500 ms) and the policy's read are over well before this.
  await new Promise((r) => setTimeout(r, 1500));
  out.valid = el.isValid;
  out.reason = el.invalidReason;
} catch (e) {
  out.error = `${e && e.name}: ${e && e.message}`;
}
parent.postMessage({ elementsFrame: out }, '*');
