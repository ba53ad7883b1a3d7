// Page B of busy-page.test.html (not a test page itself): another page of the origin, opened fresh (a noopener popup,
// or a frame) while page A holds a one-time grant, so that B must confirm that A is alive. B installs jit-permissions
// under ?key=, waits until its liveness checks are over, then reports on the BroadcastChannel 'jp-test-busy-report'
// what it found: its camera status, the stored record, whether its gated call showed a pre-prompt, and the times its
// own 20 ms timer ran (so that A can tell whether B really ran while A was busy). A popup (?close=1) closes itself.
const params = new URLSearchParams(location.search);
const key = params.get('key');
const run = params.get('run');
const ticks = [];
const ticker = setInterval(() => ticks.push(Date.now()), 20);
const report = new BroadcastChannel('jp-test-busy-report');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const describe = (e) => (e && e.name ? `${e.name}: ${e.message}` : String(e));
const out = { run, from: 'B', startedAt: Date.now() };
try {
  const { install } = await import('/pkg/index.js');
  out.installStartedAt = Date.now();
  const p = await install({ storageKey: key });
  out.installedAt = Date.now();
  // The liveness checks of an arriving page take at most two rounds (300 ms, then 1200 ms).
  await sleep(2000);
  const cam = await p.query({ name: 'camera' });
  out.camera = cam.toJSON();
  out.record = localStorage.getItem(key);
  // The gated call: a grant that stands goes to the browser without a pre-prompt.
  const call = p.getUserMedia({ video: true }).then(
    (s) => { s.getTracks().forEach((t) => t.stop()); return 'resolved'; },
    (e) => `rejected ${describe(e)}`,
  );
  const shown = (async () => {
    for (let i = 0; i < 60; i++) {
      if (document.querySelector('div[data-jit-permissions="pre-prompt"]')) return 'pre-prompt shown';
      await sleep(25);
    }
    return null;
  })();
  out.gum = await Promise.race([call, shown]);
  out.cameraAfter = cam.toJSON();
} catch (e) {
  out.error = describe(e);
}
clearInterval(ticker);
out.ticks = ticks;
report.postMessage(out);
if (params.get('close') === '1') {
  await sleep(200);
  window.close();
}
