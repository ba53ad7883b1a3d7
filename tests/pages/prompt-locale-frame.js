// One installation of the library in a frame of prompt-locale.test.html (install() is once per page, so each locale
// case gets a frame of its own). Query parameters:
//   langs    comma-separated navigator.languages to present before install() (Object.defineProperty on this
//            frame's navigator: a page cannot change the browser's language)
//   options  JSON of install(options)
//   html     the page's own language, set as <html lang> before install() (the frame's page has none otherwise)
// Shows the pre-prompt for geolocation, reads what it says, and publishes window.__frameResult
// (a promise of { locale, languages, texts, lang } or { error }).
const q = new URLSearchParams(location.search);
if (q.has('langs')) {
  const langs = Object.freeze(q.get('langs').split(','));
  Object.defineProperty(navigator, 'languages', { configurable: true, get: () => langs });
  Object.defineProperty(navigator, 'language', { configurable: true, get: () => langs[0] });
}

if (q.has('html')) document.documentElement.lang = q.get('html');

async function run() {
  const mod = await import('/pkg/index.js');
  const p = await mod.install(JSON.parse(q.get('options') || '{}'));
  await p.revoke({ name: 'geolocation' });
  const pending = p.request({ name: 'geolocation' });
  let host = null;
  for (let i = 0; i < 200 && !host; i++) {
    host = document.querySelector('div[data-jit-permissions="pre-prompt"]');
    if (!host) await new Promise((r) => setTimeout(r, 25));
  }
  if (!host) throw new Error('no pre-prompt in the frame');
  const root = host.shadowRoot;
  const text = (sel) => root.querySelector(sel)?.textContent ?? null;
  const result = {
    locale: p.locale,
    languages: [...navigator.languages],
    lang: root.querySelector('dialog').getAttribute('lang'),
    texts: {
      allowOnce: text('button[data-choice="allow-once"]'),
      allowAlways: text('button[data-choice="allow-always"]'),
      dontAllow: text('button[data-choice="dont-allow"]'),
      title: text('[part~="title"]'),
      close: root.querySelector('button[data-choice="dismiss"]').getAttribute('aria-label'),
    },
  };
  // Only the texts matter here; the choices themselves are clicked for real in the other pages. The dialog stays
  // open (a script click would be ignored: only the person decides) until the parent page removes this frame.
  pending.catch(() => {});
  return result;
}

window.__frameResult = run().catch((e) => ({ error: `${e && e.name}: ${e && e.message}` }));
