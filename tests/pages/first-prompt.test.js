// What a page fetches from the package until its first pre-prompt shows (issue 23: at most 32 KiB gzipped, the first
// load included): the first load (index.js, the wasm) and ONE chunk, tasks.js, which holds the gated calls, the
// dialogs, the pre-prompt and the helpers every UI shares. Nothing else: not the native side of the calls (calls.js,
// loaded while the pre-prompt is open), not the other UIs, not the polyfill's calls. The list is
// tests/pages/first-prompt.json, whose gzipped total tests/node/first-prompt.test.mjs checks against the budget.
import { test, assert, assertEqual, finish, settle, waitFor } from './harness.js';
import { installPage, waitHost, waitGone, choose } from './prompt-util.js';

const expected = await (await fetch('./first-prompt.json')).json();
/** The package's files the page requested so far (paths under /pkg/), in order. */
const fetched = () => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)
  .filter((path) => path.startsWith('/pkg/')).map((path) => path.slice('/pkg/'.length));

const { p } = await installPage('jp-test-first-prompt');
if (p) {
  await test('until install() resolves: the first load only (index.js, the wasm)', async () => {
    assertEqual(JSON.stringify(fetched().sort()), JSON.stringify([...expected.firstLoad].sort()), 'fetched from /pkg/');
  });

  await test('until the first pre-prompt shows: the first load and tasks.js, nothing more', async () => {
    const call = settle(() => p.request({ name: 'camera' }));
    const host = await waitHost('pre-prompt');
    const atOpen = fetched();
    assertEqual(JSON.stringify([...atOpen].sort()), JSON.stringify([...expected.files].sort()), 'fetched from /pkg/ when the pre-prompt opened');
    assert(host.shadowRoot.querySelector('button[data-choice="allow-once"]'), 'the pre-prompt has its choices');
    // The native side of the calls loads while the pre-prompt is open, so the answer does not wait for it.
    assert(await waitFor(() => fetched().includes('calls.js'), 5000), `calls.js not fetched while the pre-prompt was open: ${fetched()}`);
    await waitFor(() => host.shadowRoot.querySelector('dialog[data-ready]'), 2000);
    await choose('dismiss');
    await waitGone('pre-prompt');
    const r = await call;
    assert(r.ok, `request() rejected on a dismissal: ${r.error}`);
    assert(!fetched().some((f) => /^(recovery|panel|indicator|chip|patch)\.js$/.test(f)), `another UI or the polyfill's calls fetched: ${fetched()}`);
  });
}
finish();
