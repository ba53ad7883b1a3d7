// The locale picked from the browser's own language: run.mjs runs this page (suffix `.de.test`) in a session of its
// own whose browser language is German (Chromium --lang and intl.accept_languages, Firefox intl.accept_languages,
// WebKit the process locale; see run.mjs). install() without a locale must then speak German.
import { test, skip, assert, assertEqual, note, describe, load, freshStorage, finish, outside, settle } from './harness.js';
import { CONTROLS, waitHost, waitGone, choose, toPrompt } from './prompt-util.js';

freshStorage();
const session = await settle(() => outside('session'));
const german = /^de\b/i.test(navigator.languages[0] || '');
const NAMES = [
  'install() without a locale picks German from navigator.languages',
  'the pre-prompt speaks German: "Dieses Mal zulassen"',
  'the controls panel speaks German',
];

if (!german) {
  const why = session.ok ? (session.value.languageSetup || 'the runner asked for no language') : describe(session.error);
  for (const name of NAMES) skip(name, `the browser's language is ${JSON.stringify(navigator.languages)}, not German (${why})`);
} else {
  const mod = await load();
  let p = null;
  if (mod) {
    await test(NAMES[0], async () => {
      note(`navigator.languages ${JSON.stringify(navigator.languages)}; ${session.ok ? session.value.languageSetup : ''}`);
      p = await mod.install({ storageKey: 'jp-test-locale-de' });
      assertEqual(p.locale, 'de', 'permissions.locale');
    });
  }
  if (p) {
    await test(NAMES[1], async () => {
      await toPrompt(p, 'geolocation');
      const pending = settle(() => p.request({ name: 'geolocation' }));
      const host = await waitHost('pre-prompt');
      const root = host.shadowRoot;
      assertEqual(root.querySelector('button[data-choice="allow-once"]').textContent, 'Dieses Mal zulassen', 'allow-once button');
      assertEqual(root.querySelector('button[data-choice="allow-always"]').textContent, 'Bei jedem Besuch zulassen', 'allow-always button');
      assertEqual(root.querySelector('button[data-choice="dont-allow"]').textContent, 'Nicht zulassen', "don't-allow button");
      assertEqual(root.querySelector('dialog').getAttribute('lang'), 'de', 'dialog lang');
      await choose('dismiss');
      const r = await pending;
      assert(r.ok, `request rejected: ${describe(r.error)}`);
      await waitGone('pre-prompt');
      await p.reset({ name: 'geolocation' });
    });
    await test(NAMES[2], async () => {
      const div = document.createElement('div');
      document.body.append(div);
      const handle = p.controls(div);
      assertEqual(await handle.ready, true, 'handle.ready');
      const host = div.querySelector(CONTROLS);
      assert(host, 'no controls host');
      assertEqual(host.shadowRoot.querySelector('[part~="panel-title"]').textContent, 'Website-Berechtigungen', 'panel title');
      assertEqual(host.shadowRoot.querySelector('li[data-capability="camera"] [part~="name"]').textContent, 'Kamera', 'camera row name');
      handle.destroy();
      div.remove();
    });
  }
}

await finish();
