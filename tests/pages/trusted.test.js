// Only the person decides (SPEC "The pre-prompt": a choice counts only from a trusted event). A script on the page
// (the site's own, or a third party's) must not be able to answer the pre-prompt, dismiss it into an embargo, or press
// Revoke and Reset in the controls:
//   - element.click() and dispatchEvent(new MouseEvent('click')) on each choice: nothing is decided, no audit event;
//   - three synthetic `cancel` events (and a synthetic Esc, and dialog.close()): no dismissal, so no embargo;
//   - .click() on the panel's Revoke and Reset: the grant and the block stay;
//   - a real click (WebDriver) still works for each.
import { test, assert, assertEqual, describe, engine, finish, outside, settle, sleep, waitFor } from './harness.js';
import {
  CONTROLS, hosts, waitHost, waitGone, choose, expectStatus, toPrompt, nativeAllows, restoreNative, installPage,
} from './prompt-util.js';

const { p, audit } = await installPage('jp-test-trusted');

/** Checks that the open pre-prompt stays open and undecided (no audit event since `n`). */
async function staysOpen(pending, n, what) {
  await sleep(300);
  const r = await Promise.race([pending.then(() => 'settled'), sleep(0).then(() => 'pending')]);
  assertEqual(r, 'pending', `the request after ${what}`);
  assertEqual(hosts('pre-prompt').length, 1, `pre-prompt hosts after ${what}`);
  assert(hosts('pre-prompt')[0].shadowRoot.querySelector('dialog').open, `the dialog is open after ${what}`);
  assertEqual(JSON.stringify(audit.since(n)), '[]', `audit events after ${what}`);
}

if (p) {
  await test("element.click() and a dispatched click on each choice decide nothing; a real click on Don't allow does", async () => {
    await toPrompt(p, 'geolocation');
    const pending = settle(() => p.request({ name: 'geolocation' }));
    const host = await waitHost('pre-prompt');
    const n = audit.events.length;
    for (const choice of ['allow-once', 'allow-always', 'dont-allow', 'dismiss']) {
      const b = host.shadowRoot.querySelector(`button[data-choice="${choice}"]`);
      b.click();
      b.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
      await staysOpen(pending, n, `script clicks on ${choice}`);
    }
    await choose('dont-allow');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'denied', null, 'user', "status after the real click on Don't allow");
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['decision:geolocation:dont-allow']), 'audit events');
    await waitGone('pre-prompt');
    await p.reset({ name: 'geolocation' });
  });

  await test("a script that sets dataset.choice = 'allow-always' on × cannot turn the person's close into Allow (issue 20)", async () => {
    await toPrompt(p, 'geolocation');
    const pending = settle(() => p.request({ name: 'geolocation' }));
    const host = await waitHost('pre-prompt');
    const n = audit.events.length;
    const close = host.shadowRoot.querySelector('button[part~="close"]');
    close.dataset.choice = 'allow-always';
    for (const b of host.shadowRoot.querySelectorAll('[part~="choices"] button')) b.dataset.choice = 'allow-always';
    await outside('click', { host: 'div[data-jit-permissions="pre-prompt"]', selector: 'button[part~="close"]' });
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'prompt', null, null, 'status after the real click on ×');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['decision:geolocation:dismiss']), 'audit events');
    await waitGone('pre-prompt');
    await p.reset({ name: 'geolocation' });
  });

  await test('Enter pressed again and again on a page button: the presses within 500 ms of the dialog showing answer nothing (issue 20)', async () => {
    await toPrompt(p, 'geolocation');
    const button = document.createElement('button');
    button.textContent = 'Tag my location';
    document.body.append(button);
    let pending = null;
    button.addEventListener('click', (e) => {
      if (!e.isTrusted || pending) return;
      pending = settle(() => p.request({ name: 'geolocation' }));
    });
    // The presses that reach the page while the dialog is open and not yet ready (shown less than 500 ms ago).
    let early = 0;
    let late = 0;
    const count = (e) => {
      const dialog = hosts('pre-prompt')[0]?.shadowRoot?.querySelector('dialog[open]');
      if (e.isTrusted && e.key === 'Enter' && dialog) {
        if (dialog.hasAttribute('data-ready')) late++; else early++;
      }
    };
    window.addEventListener('keydown', count, true);
    button.focus();
    const n = audit.events.length;
    // The first Enter asks; the dialog shows and focus moves to Allow this time; the next ones follow within 500 ms.
    await outside('keys', { keys: ['Enter', 'pause:80', 'Enter', 'pause:80', 'Enter'], raw: true });
    window.removeEventListener('keydown', count, true);
    assert(pending, 'the first Enter did not reach the page button');
    assert(early >= 2 && late === 0, `${early} presses reached the dialog in its first 500 ms and ${late} after (the test shows nothing)`);
    await waitHost('pre-prompt');
    await staysOpen(pending, n + 1, 'Enter pressed within 500 ms of the dialog showing');
    await choose('dismiss');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['prompt-shown:geolocation', 'decision:geolocation:dismiss']), 'audit events');
    await waitGone('pre-prompt');
    button.remove();
    await p.reset({ name: 'geolocation' });
  });

  await test('three synthetic cancel events, a synthetic Esc and dialog.close() start no embargo; a real × is one dismissal', async () => {
    await toPrompt(p, 'camera');
    const n = audit.events.length;
    const pending = settle(() => p.request({ name: 'camera' }));
    const host = await waitHost('pre-prompt');
    const dialog = host.shadowRoot.querySelector('dialog');
    for (let i = 0; i < 3; i++) {
      dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
      await staysOpen(pending, n + 1, `synthetic cancel ${i + 1}`);
    }
    dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await staysOpen(pending, n + 1, 'a synthetic Esc keydown');
    dialog.close();
    await staysOpen(pending, n + 1, 'dialog.close() from script (shown again)');
    assertEqual((await p.query({ name: 'camera' })).state, 'prompt', 'camera state while the dialog is open');
    await choose('dismiss');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'prompt', null, null, 'status after one real dismissal');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['prompt-shown:camera', 'decision:camera:dismiss']), 'audit events');
    await waitGone('pre-prompt');
    await p.reset({ name: 'camera' });
  });

  await test("the page's shared facade (globalThis[Symbol.for('jit-permissions.page')]) cannot silence the library: no hooks to replace, no input, engine or tasks", async () => {
    const facade = /** @type {any} */ (globalThis)[Symbol.for('jit-permissions.page')];
    assert(facade && typeof facade === 'object', 'the facade is on the page');
    for (const k of ['input', 'engine', 'tasks', 'hooks', 'loader']) assert(!(k in facade), `the facade has '${k}'`);
    let threw = false;
    try { facade.hooks = { status() {}, audit() {} }; } catch { threw = true; }
    assert(threw && !('hooks' in facade), 'a script set the facade\'s hooks');
    // The library still hears its own changes: Don't allow (a real click), then Reset.
    await toPrompt(p, 'notifications');
    const pending = settle(() => p.request({ name: 'notifications' }));
    await waitHost('pre-prompt');
    await choose('dont-allow');
    await pending;
    const status = await p.query({ name: 'notifications' });
    assertEqual(status.state, 'denied', 'after Don\'t allow');
    let changes = 0;
    status.addEventListener('change', () => { changes++; });
    await p.reset({ name: 'notifications' });
    assert(await waitFor(() => changes === 1, 2000), `change events after Reset: ${changes}`);
  });

  await test("the panel's Reset and Revoke ignore .click() and a dispatched click; a real click on each works", async () => {
    const parent = document.createElement('div');
    parent.id = 'trusted-panel';
    document.body.append(parent);
    const handle = p.controls(parent);
    await handle.ready;
    assert(await waitFor(() => parent.querySelector(CONTROLS), 3000), 'no panel');
    const root = parent.querySelector(CONTROLS).shadowRoot;
    const button = (action, name) => root.querySelector(`button[data-action="${action}"][data-capability="${name}"]`);
    const scriptClicks = (action, name) => {
      button(action, name).click();
      button(action, name).dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    };
    const realClick = (action, name) => outside('click', {
      host: `#trusted-panel > ${CONTROLS}`, selector: `button[data-action="${action}"][data-capability="${name}"]`,
    });
    const decide = async (name, choice) => {
      await toPrompt(p, name);
      const pending = settle(() => p.request({ name }));
      await waitHost('pre-prompt');
      await choose(choice);
      const r = await pending;
      assert(r.ok, `request(${name}) rejected: ${describe(r.error)}`);
      await waitGone('pre-prompt');
      return r.value;
    };

    expectStatus(await decide('notifications', 'dont-allow'), 'denied', null, 'user', "notifications after Don't allow");
    let n = audit.events.length;
    scriptClicks('reset', 'notifications');
    await sleep(300);
    expectStatus(await p.query({ name: 'notifications' }), 'denied', null, 'user', 'notifications after script clicks on Reset');
    assertEqual(JSON.stringify(audit.since(n)), '[]', 'audit events after script clicks on Reset');
    await realClick('reset', 'notifications');
    assert(await waitFor(() => audit.events.length > n, 3000), 'no audit event after the real click on Reset');
    assertEqual((await p.query({ name: 'notifications' })).reason, null, 'reason after the real click on Reset');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['reset:notifications']), 'audit events after the real click');

    await nativeAllows('camera');
    expectStatus(await decide('camera', 'allow-once'), 'granted', 'one-time', null, 'camera after Allow this time');
    assert(await waitFor(() => button('revoke', 'camera').getAttribute('aria-disabled') === null, 2000), 'Revoke stays disabled');
    n = audit.events.length;
    scriptClicks('revoke', 'camera');
    await sleep(300);
    expectStatus(await p.query({ name: 'camera' }), 'granted', 'one-time', null, 'camera after script clicks on Revoke');
    assertEqual(JSON.stringify(audit.since(n)), '[]', 'audit events after script clicks on Revoke');
    await realClick('revoke', 'camera');
    assert(await waitFor(() => audit.events.length > n, 3000), 'no audit event after the real click on Revoke');
    expectStatus(await p.query({ name: 'camera' }), 'prompt', null, null, 'camera after the real click on Revoke');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['revocation:camera:manual']), 'audit events after the real click');
    handle.destroy();
    parent.remove();
  }, { timeout: 20000 });

  for (const name of ['camera', 'notifications']) await settle(() => p.reset({ name }));
  if (engine === 'chromium') await restoreNative('camera');
}

await finish();
