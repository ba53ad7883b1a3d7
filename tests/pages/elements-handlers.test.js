// SPEC "Capability elements" (issue 22): the `on…` content attributes of the elements (onpromptaction,
// onpromptdismiss, onvalidationstatuschange, onlocation; onstream, oncancel, onerror) behave as the browser's: the
// browser compiles them under the page's Content-Security-Policy. Two pages run this file:
//   - elements-handlers.test.html, served with the project's strict policy (no 'unsafe-inline'): no attribute's code
//     runs, the handler property stays null, and the browser reports the violation (securitypolicyviolation);
//   - elements-handlers.inline.test.html, served with script-src 'unsafe-inline' (scripts/serve.mjs, *.inline.*):
//     each attribute's code runs with the element as `this` and the event as `event`, a handler that returns false
//     cancels the event, removing the attribute removes the handler, and an attribute parsed with the page counts.
// The events are dispatched by script: a handler runs for any event of its type (what counts as the person's is
// the elements' business, tested in elements-flow and elements-native). Where HTMLElement already has the handler
// (oncancel, onerror everywhere; in Chromium 156 also the permission elements' onpromptaction, onlocation, ...),
// the browser's own runs, once; the test holds either way. `error` is dispatched on a detached element (in the
// document it would reach the harness's window listener for resources that failed to load).
import { assert, assertEqual, finish, sleep, test } from './harness.js';
import { setUp, place, clearStage } from './elements-util.js';

const inline = location.pathname.includes('.inline.');
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective || e.effectiveDirective));

const { p } = await setUp('jp-test-elements-handlers');

/** Dispatches `name` on the element (`error` on a detached one of the same kind with the same attribute). */
function dispatch(el, name) {
  if (name !== 'error') { el.dispatchEvent(new Event(name)); return; }
  const copy = document.createElement(el.localName);
  copy.setAttribute('onerror', el.getAttribute('onerror'));
  copy.dispatchEvent(new Event(name));
}

const CASES = [
  ['jit-geolocation', ['promptaction', 'promptdismiss', 'validationstatuschange', 'location']],
  ['jit-usermedia', ['promptaction', 'promptdismiss', 'validationstatuschange', 'stream', 'cancel', 'error']],
  ['jit-camera', ['stream']],
  ['jit-microphone', ['stream']],
];

if (p && !inline) {
  await test('strict policy: no on… attribute runs, the handler property is null, the browser reports each refusal', async () => {
    clearStage();
    window.__ran = [];
    let attributes = 0;
    for (const [tag, names] of CASES) {
      const el = place(tag);
      for (const name of names) {
        el.setAttribute(`on${name}`, `window.__ran.push('${tag} ${name}')`);
        attributes++;
        assertEqual(el[`on${name}`], null, `${tag}.on${name} after setting the attribute`);
        dispatch(el, name);
      }
    }
    document.getElementById('parsed').dispatchEvent(new Event('promptdismiss'));
    await sleep(100);
    assertEqual(JSON.stringify(window.__ran), '[]', 'handlers that ran');
    assertEqual(window.__parsed, undefined, 'the parsed attribute ran');
    assert(violations.length >= attributes, `securitypolicyviolation events: ${violations.length} for ${attributes} attributes (${violations.slice(0, 3).join(', ')})`);
    assert(violations.every((d) => /^script-src/.test(d)), `violated directives: ${[...new Set(violations)].join(', ')}`);
  });

  await test('strict policy: a handler set as a property still runs (script, not markup)', async () => {
    clearStage();
    const el = place('jit-geolocation');
    let got = null;
    el.onlocation = function (e) { got = [this, e.type]; };
    el.dispatchEvent(new Event('location'));
    assert(got && got[0] === el && got[1] === 'location', 'the property handler ran with the element as this');
  });
}

if (p && inline) {
  await test('\'unsafe-inline\': each on… attribute runs with the element as this and the event as event', async () => {
    clearStage();
    window.__ran = [];
    const want = [];
    for (const [tag, names] of CASES) {
      const el = place(tag);
      for (const name of names) {
        el.setAttribute(`on${name}`, 'window.__ran.push(this.localName + " " + event.type)');
        assertEqual(typeof el[`on${name}`], 'function', `${tag}.on${name} after setting the attribute`);
        dispatch(el, name);
        want.push(`${tag} ${name}`);
      }
    }
    assertEqual(JSON.stringify(window.__ran), JSON.stringify(want), 'handlers that ran');
    assertEqual(violations.length, 0, 'securitypolicyviolation events');
  });

  await test('\'unsafe-inline\': an attribute parsed with the page runs once the element is defined', async () => {
    document.getElementById('parsed').dispatchEvent(new Event('promptdismiss'));
    assertEqual(JSON.stringify(window.__parsed), JSON.stringify(['parsed', 'promptdismiss']), 'what the parsed attribute saw');
  });

  await test('\'unsafe-inline\': returning false cancels; removing the attribute removes the handler; a new value replaces it', async () => {
    clearStage();
    const el = place('jit-geolocation');
    el.setAttribute('onpromptaction', 'return false');
    const e = new Event('promptaction', { cancelable: true });
    el.dispatchEvent(e);
    assert(e.defaultPrevented, 'return false cancelled the event');
    window.__n = 0;
    el.setAttribute('onpromptaction', 'window.__n += 1');
    el.dispatchEvent(new Event('promptaction'));
    assertEqual(window.__n, 1, 'runs of the new value');
    el.removeAttribute('onpromptaction');
    assertEqual(el.onpromptaction, null, 'the property after removing the attribute');
    el.dispatchEvent(new Event('promptaction'));
    assertEqual(window.__n, 1, 'runs after removing the attribute');
  });
}

await finish();
