// Keyboard-only operation of the pre-prompt (SPEC: "a modal dialog with a name and description, focus moved in and
// restored after, operable by keyboard alone"). Every key is a real key press sent through WebDriver Actions
// (run.mjs `keys`), so the browser's own handling runs: Enter on the page's button starts the request, a real Esc
// makes the modal <dialog> fire `cancel` natively, Tab moves focus, Enter and Space activate the focused button.
import {
  test, assert, assertEqual, settle, note, engine, describe, finish, sleep, waitFor,
} from './harness.js';
import {
  hosts, waitHost, waitGone, press, auditLog, expectStatus, toPrompt, nativeAllows, restoreNative, installPage,
} from './prompt-util.js';

const { p, audit } = await installPage('jp-test-keyboard');

// The page's own button, as a site would have it: pressing it asks for the camera.
const start = document.createElement('button');
start.id = 'take-photo';
start.textContent = 'Take a photo';
document.body.append(start);
let pending = null;
start.addEventListener('click', () => { pending = settle(() => p.request({ name: 'camera' })); });

/** Focuses the page's button, presses Enter on it (a real key), waits for the dialog. */
async function openByKeyboard() {
  pending = null;
  start.focus();
  assertEqual(document.activeElement, start, 'focus on the page button before the request');
  await press('Enter');
  assert(await waitFor(() => pending !== null, 3000), 'Enter on the focused page button did not click it');
  const host = await waitHost('pre-prompt');
  return host;
}

/** The focused element inside the dialog (via the host's open shadow root). */
const inner = (host) => host.shadowRoot.activeElement;
const label = (el) => (el ? `${el.localName}[${el.getAttribute('data-choice') || el.getAttribute('data-action') || ''}]` : 'nothing');

if (p) {
  await test('setup: camera at prompt, and the browser grants it when asked', async () => {
    await nativeAllows('camera');
    await toPrompt(p, 'camera');
  });

  await test('focus moves into the dialog (allow-once button); it is modal, named by its title, described by the reason', async () => {
    const host = await openByKeyboard();
    assertEqual(document.activeElement, host, 'document.activeElement (the host)');
    assertEqual(label(inner(host)), 'button[allow-once]', 'shadowRoot.activeElement');
    const dialog = host.shadowRoot.querySelector('dialog');
    let modal = null;
    try { modal = dialog.matches(':modal'); } catch { note(':modal is not supported here'); }
    if (modal !== null) assert(modal, 'the dialog is not modal (:modal does not match)');
    const name = host.shadowRoot.getElementById(dialog.getAttribute('aria-labelledby'));
    const desc = host.shadowRoot.getElementById(dialog.getAttribute('aria-describedby'));
    assert(name && name.textContent.trim(), 'aria-labelledby names no element with text');
    assert(desc && desc.textContent.trim(), 'aria-describedby names no element with text');
    // Leave it open for the next test.
  });

  await test('a real Esc press: dismissal (still prompt, decision dismiss audited), focus back on the page button', async () => {
    assertEqual(hosts('pre-prompt').length, 1, 'the dialog of the previous test is open');
    const n = audit.events.length;
    await press('Escape');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'prompt', null, null, 'status after Esc');
    await waitGone('pre-prompt');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['decision:camera:dismiss']), 'audit events');
    assertEqual(document.activeElement, start, 'document.activeElement after the dialog closed');
  });

  await test("Tab moves allow-once -> allow-always -> Don't allow -> close; Shift+Tab back; Space on Don't allow chooses it", async () => {
    const host = await openByKeyboard();
    const order = [label(inner(host))];
    for (let i = 0; i < 3; i++) {
      await press('Tab');
      order.push(label(inner(host)));
    }
    assertEqual(JSON.stringify(order),
      JSON.stringify(['button[allow-once]', 'button[allow-always]', 'button[dont-allow]', 'button[dismiss]']), 'focus order with Tab');
    await press('Shift+Tab');
    assertEqual(label(inner(host)), 'button[dont-allow]', 'focus after Shift+Tab');
    await press('Space');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'denied', null, 'user', "status after Space on Don't allow");
    await waitGone('pre-prompt');
    assertEqual(document.activeElement, start, 'focus restored to the page button');
  });

  await test('Tab then Enter on Allow on every visit chooses it: granted, persistent; focus restored', async () => {
    await p.reset({ name: 'camera' });
    await toPrompt(p, 'camera');
    const host = await openByKeyboard();
    await press('Tab');
    assertEqual(label(inner(host)), 'button[allow-always]', 'focus after Tab');
    await press('Enter');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'granted', 'persistent', null, 'status after Enter on Allow on every visit');
    await waitGone('pre-prompt');
    assertEqual(document.activeElement, start, 'focus restored to the page button');
  });

  await test('Enter on the close button (reached by Tab) is a dismissal; focus restored', async () => {
    await toPrompt(p, 'camera');
    const n = audit.events.length;
    const host = await openByKeyboard();
    await press('Tab', 'Tab', 'Tab');
    assertEqual(label(inner(host)), 'button[dismiss]', 'focus after three Tabs');
    await press('Enter');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'prompt', null, null, 'status after Enter on ×');
    await waitGone('pre-prompt');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['prompt-shown:camera', 'decision:camera:dismiss']), 'audit events');
    assertEqual(document.activeElement, start, 'focus restored to the page button');
  });

  await settle(() => p.reset({ name: 'camera' }));
  if (engine === 'chromium') await restoreNative('camera');
}

await finish();
