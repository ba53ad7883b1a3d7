// In use now (issue 13, SPEC "Controls"): install({ indicator: true }) shows a small in-page indicator while a camera or
// microphone track the library handed out in this page is live (seed 002's tab strip indicator, inside the page); its
// role="status" region announces each start and stop. The controls panel marks the capability "In use now" meanwhile.
// permissions.indicator(element) puts one inside an element of the site's. Real tracks from the browsers' fake or
// mock devices, real clicks.
import { test, assert, assertEqual, settle, note, engine, describe, finish, outside, sleep, waitFor, freshStorage, load } from './harness.js';
import { CONTROLS, waitHost, waitGone, choose, toPrompt, nativeAllows, stopAll, auditLog } from './prompt-util.js';

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install({ indicator: true }) loads nothing more and shows nothing while nothing is in use', async () => {
    p = await mod.install({ storageKey: 'jp-test-indicator', indicator: true });
    auditLog(p);
    await sleep(300);
    assertEqual(document.querySelectorAll('[data-jit-permissions="indicator"]').length, 0, 'indicator hosts');
    const ui = performance.getEntriesByType('resource').filter((e) => /\/(indicator|tasks)\.js$/.test(e.name));
    assertEqual(ui.length, 0, 'indicator.js or tasks.js fetched before anything was in use');
  });
}

const floating = () => document.querySelector('body > [data-jit-permissions="indicator"]');
const part = (host, name) => host?.shadowRoot.querySelector(`[part~="${name}"]`);

if (p) {
  const panelParent = document.createElement('div');
  panelParent.id = 'panel';
  document.body.append(panelParent);
  const panel = p.controls(panelParent);
  await panel.ready;
  const inUse = () => {
    const row = panelParent.querySelector(CONTROLS).shadowRoot.querySelector('li[data-capability="camera"]');
    return row.hasAttribute('data-in-use') && !row.querySelector('[part~="in-use"]').hidden;
  };
  const own = document.createElement('div');
  own.id = 'own-indicator';
  document.body.append(own);
  const ownHandle = p.indicator(own);
  let stream = null;

  await test('a live camera track: the indicator shows "In use: Camera" and its status region announces it; the panel says "In use now"', async () => {
    note(await nativeAllows('camera'));
    await toPrompt(p, 'camera');
    const call = settle(() => p.getUserMedia({ video: true }));
    await waitHost('pre-prompt');
    await choose('allow-once');
    const r = await call;
    assert(r.ok, `getUserMedia rejected: ${describe(r.error)}`);
    stream = r.value;
    assert(await waitFor(() => floating() && !part(floating(), 'indicator').hidden, 3000), 'no floating indicator shown');
    const host = floating();
    assertEqual(part(host, 'indicator-text').textContent, 'In use: Camera', 'text');
    assertEqual(getComputedStyle(part(host, 'indicator')).position, 'fixed', 'floating');
    const region = host.shadowRoot.querySelector('[role="status"]');
    assert(await waitFor(() => region.textContent === 'In use: Camera', 2000), `announced: ${JSON.stringify(region.textContent)}`);
    assert(await waitFor(inUse, 2000), 'the panel does not mark the camera in use');
    // The site's own indicator, inside its element.
    const mine = own.querySelector('[data-jit-permissions="indicator"]');
    assert(mine && !part(mine, 'indicator').hidden, 'no indicator inside the element');
    assertEqual(getComputedStyle(part(mine, 'indicator')).position, 'static', 'in the flow of the page');
    assertEqual(await ownHandle.ready, true, 'indicator(element).ready');
  }, { timeout: 20000 });

  await test('the track stopped: the indicator hides and announces "No longer in use: Camera"; the panel no longer says in use', async () => {
    stopAll(stream);
    const host = floating();
    assert(await waitFor(() => part(host, 'indicator').hidden, 2000), 'the indicator stayed');
    const region = host.shadowRoot.querySelector('[role="status"]');
    assert(await waitFor(() => region.textContent === 'No longer in use: Camera', 2000), `announced: ${JSON.stringify(region.textContent)}`);
    assert(await waitFor(() => !inUse(), 2000), 'the panel still marks the camera in use');
  });

  await test('revoke() stops a live track: the indicator hides', async () => {
    const s = await p.getUserMedia({ video: true });
    const host = floating();
    assert(await waitFor(() => !part(host, 'indicator').hidden, 2000), 'not shown for the second track');
    await p.revoke({ name: 'camera' });
    assertEqual(s.getVideoTracks()[0].readyState, 'ended', 'track after revoke');
    assert(await waitFor(() => part(host, 'indicator').hidden, 2000), 'the indicator stayed after revoke');
  }, { timeout: 15000 });

  await test('indicator(element) handle: destroy() removes it; indicator("x") is a TypeError', async () => {
    ownHandle.destroy();
    assertEqual(own.querySelector('[data-jit-permissions="indicator"]'), null, 'removed');
    let err = null;
    try { p.indicator('x'); } catch (e) { err = e; }
    assert(err instanceof TypeError, `indicator('x') threw ${describe(err)}`);
  });
  panel.destroy();
  await settle(() => p.reset({ name: 'camera' }));
  if (engine === 'chromium') await settle(() => outside('setPermission', { name: 'camera', state: 'prompt' }));
}

await finish();
