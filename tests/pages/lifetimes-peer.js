// Page B of lifetimes.test.html (not a test page itself): a second page of the origin, opened by page A with
// window.open. It installs jit-permissions and exposes, as window.__peer, its controller, its camera and microphone
// status objects and the change events they got (state and Date.now() of each; A and B share no time origin).
const { install } = await import('/pkg/index.js');
const p = await install();
const peer = { p, statuses: {}, seen: {}, audits: [], ready: false };
for (const name of ['camera', 'microphone']) {
  const status = await p.query({ name });
  const seen = [];
  seen.at = [];
  status.addEventListener('change', () => { seen.at.push(Date.now()); seen.push(status.state); });
  peer.statuses[name] = status;
  peer.seen[name] = seen;
}
p.addEventListener('audit', (e) => peer.audits.push(e.detail));
peer.ready = true;
window.__peer = peer;
