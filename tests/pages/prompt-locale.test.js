// Localisation of the pre-prompt (SPEC: "English built in plus at least German, French, Spanish and Japanese, picked
// from navigator.languages; every string overridable").
//
// install() is once per page, so each case runs in a frame of its own (prompt-locale-frame.html) with its own
// installation. A page cannot change the browser's language, so these frames present navigator.languages with
// Object.defineProperty before install(); prompt-locale.de.test.html checks the real thing, in a browser session whose
// language is German (run.mjs starts it for the `.de.test` suffix).
import { test, assert, assertEqual, load, finish, freshStorage } from './harness.js';

freshStorage();
const mod = await load(); // the package loads at all (each frame imports it again)

/** Loads a frame with these parameters and resolves with what it reports. */
async function frame(params) {
  const f = document.createElement('iframe');
  f.src = `./prompt-locale-frame.html?${new URLSearchParams(params)}`;
  f.width = '600';
  f.height = '500';
  document.body.append(f);
  try {
    await new Promise((resolve, reject) => {
      f.addEventListener('load', resolve, { once: true });
      setTimeout(() => reject(new Error('the frame did not load within 8 s')), 8000);
    });
    let result;
    for (let i = 0; i < 320 && !result; i++) {
      result = f.contentWindow.__frameResult;
      if (!result) await new Promise((r) => setTimeout(r, 25));
    }
    assert(result, 'the frame published no result');
    const r = await result;
    assert(!r.error, `the frame failed: ${r.error}`);
    return r;
  } finally {
    f.remove();
  }
}

let n = 0;
const key = () => `jp-test-locale-${++n}`;

const BUILT_IN = [
  ['en-US,en', 'en', 'Allow this time', 'Allow on every visit', "Don't allow", 'Use your location?'],
  ['de-DE,de', 'de', 'Dieses Mal zulassen', 'Bei jedem Besuch zulassen', 'Nicht zulassen', 'Ihren Standort verwenden?'],
  ['fr-CA,en', 'fr', 'Autoriser cette fois', 'Autoriser à chaque visite', 'Ne pas autoriser', 'Utiliser votre position\u00a0?'],
  ['xx-YY,es-419,en', 'es', 'Permitir esta vez', 'Permitir en cada visita', 'No permitir', '¿Usar tu ubicación?'],
  ['ja', 'ja', '今回のみ許可', 'アクセスするたびに許可', '許可しない', '現在地を使用しますか？'],
  ['pt-BR,nl', 'en', 'Allow this time', 'Allow on every visit', "Don't allow", 'Use your location?'],
];

if (mod) {
  for (const [langs, locale, allowOnce, allowAlways, dontAllow, title] of BUILT_IN) {
    await test(`navigator.languages ${langs} -> ${locale}: "${allowOnce}" and the other built-in strings`, async () => {
      const r = await frame({ langs, options: JSON.stringify({ storageKey: key() }) });
      assertEqual(r.languages.join(','), langs, 'navigator.languages seen in the frame');
      assertEqual(r.locale, locale, 'permissions.locale');
      assertEqual(r.lang, locale, 'the dialog\'s lang attribute');
      assertEqual(r.texts.allowOnce, allowOnce, 'allow-once button');
      assertEqual(r.texts.allowAlways, allowAlways, 'allow-always button');
      assertEqual(r.texts.dontAllow, dontAllow, "don't-allow button");
      assertEqual(r.texts.title, title, 'built-in title for geolocation');
    });
  }

  await test('the page\'s <html lang="fr-CA"> wins over navigator.languages de: the dialogs follow the page', async () => {
    const r = await frame({ langs: 'de-DE,de', html: 'fr-CA', options: JSON.stringify({ storageKey: key() }) });
    assertEqual(r.locale, 'fr', 'permissions.locale');
    assertEqual(r.lang, 'fr', 'the dialog\'s lang attribute');
    assertEqual(r.texts.allowOnce, 'Autoriser cette fois', 'allow-once button');
  });

  await test('a page in a language with no built-in strings (<html lang="nl">) falls back to navigator.languages (es)', async () => {
    const r = await frame({ langs: 'es-ES', html: 'nl', options: JSON.stringify({ storageKey: key() }) });
    assertEqual(r.locale, 'es', 'permissions.locale');
    assertEqual(r.texts.allowOnce, 'Permitir esta vez', 'allow-once button');
  });

  await test("install({locale: 'nl-BE', strings: Dutch}): the dialog says lang=\"nl-BE\" (any BCP 47 tag), English for what is not translated", async () => {
    const r = await frame({ langs: 'en', options: JSON.stringify({ storageKey: key(), locale: 'nl-BE', strings: { allowOnce: 'Deze keer toestaan', geolocationTitle: 'Uw locatie gebruiken?' } }) });
    assertEqual(r.locale, 'en', 'permissions.locale (the built-in strings under the overrides)');
    assertEqual(r.lang, 'nl-BE', 'the dialog\'s lang attribute');
    assertEqual(r.texts.allowOnce, 'Deze keer toestaan', 'allow-once button');
    assertEqual(r.texts.title, 'Uw locatie gebruiken?', 'title');
  });

  await test("install({locale: 'ja'}) wins over navigator.languages fr", async () => {
    const r = await frame({ langs: 'fr', options: JSON.stringify({ storageKey: key(), locale: 'ja' }) });
    assertEqual(r.locale, 'ja', 'permissions.locale');
    assertEqual(r.texts.allowOnce, '今回のみ許可', 'allow-once button');
  });

  await test("install({strings: {allowOnce: 'Sure, this once'}}) is shown; the other strings stay built in", async () => {
    const r = await frame({ langs: 'en-US', options: JSON.stringify({ storageKey: key(), strings: { allowOnce: 'Sure, this once' } }) });
    assertEqual(r.texts.allowOnce, 'Sure, this once', 'allow-once button');
    assertEqual(r.texts.allowAlways, 'Allow on every visit', 'allow-always button');
  });

  await test("install({locale: 'de', strings: {close: 'Zumachen', geolocationTitle: 'Ort verwenden?'}}) overrides on top of German", async () => {
    const r = await frame({ options: JSON.stringify({ storageKey: key(), locale: 'de', strings: { close: 'Zumachen', geolocationTitle: 'Ort verwenden?' } }) });
    assertEqual(r.locale, 'de', 'permissions.locale');
    assertEqual(r.texts.close, 'Zumachen', 'close button label');
    assertEqual(r.texts.title, 'Ort verwenden?', 'title');
    assertEqual(r.texts.allowOnce, 'Dieses Mal zulassen', 'allow-once button');
  });
}

await finish();
