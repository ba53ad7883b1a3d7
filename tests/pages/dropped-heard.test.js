// Pages that come back (issue 20, item 6): a page that misses two liveness answers (a long task) is dropped by the
// page that asked; when its answer comes late, it is listed again, for good. Page A (this page) holds its answers to
// liveness questions back for 2.5 s (its BroadcastChannel's postMessage delays its 'pong', a stand-in for a long
// task that the page's tests cannot run without blocking their own frame); page B (a same-origin frame with the
// library) starts, asks the listed pages, hears nothing from A within its two rounds (1.5 s) and drops it. A's late
// answer then reaches B: B lists A again, and the stored record keeps listing both pages from then on.
import { test, assert, finish, freshStorage, load, sleep, waitFor, describe } from './harness.js';
import { addPeerFrame } from './truth-util.js';

const KEY = 'jp-test-dropped-heard';
freshStorage();
const post = BroadcastChannel.prototype.postMessage;
let late = 0;
let delivered = 0;
BroadcastChannel.prototype.postMessage = function postMessage(data) {
  if (data && data.t === 'pong') { late++; setTimeout(() => { post.call(this, data); delivered++; }, 2500); return; }
  return post.call(this, data);
};
const pagesIn = () => (String(localStorage.getItem(KEY) || '').match(/\|p\d+/g) || []);

const mod = await load();
if (mod) {
  await test('a page dropped for answering late is listed again when its answer comes, and stays listed', async () => {
    const p = await mod.install({ storageKey: KEY });
    assert(p, 'install');
    assert(await waitFor(() => pagesIn().length === 1, 3000), `this page listed alone first: ${localStorage.getItem(KEY)}`);
    const mine = pagesIn()[0];
    const b = await addPeerFrame('b', KEY);
    // B's two rounds end after 1.5 s without A's answer: A is dropped.
    assert(await waitFor(() => late > 0, 3000), 'B never asked this page');
    const dropped = await waitFor(() => !pagesIn().includes(mine), 2500);
    // A's answers arrive 2.5 s after the questions: A is listed again. (Before they do, A's own writes list it and
    // B's drop it again, back and forth.)
    assert(await waitFor(() => delivered === late, 6000), 'the late answers were not sent');
    await sleep(500);
    assert(pagesIn().includes(mine) && pagesIn().length === 2, `after the late answers: ${localStorage.getItem(KEY)} (dropped before: ${dropped})`);
    // And stays listed: every record written over the next 3 s lists both pages.
    const seen = [];
    for (let i = 0; i < 12; i++) { await sleep(250); seen.push(pagesIn().length); }
    assert(seen.every((n) => n === 2), `pages listed over 3 s: ${JSON.stringify(seen)} (last record ${localStorage.getItem(KEY)})`);
    b.frame.remove();
  }, { timeout: 25000 });
}
await finish();
