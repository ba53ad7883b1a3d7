// Expiry accuracy: install() with the one-time options from the URL (?maxLifetime=ms&hiddenTimeout=ms), then
// trials driven by the runner: trial() revokes/requests geolocation (the runner clicks "Allow this time" in the
// pre-prompt), records the one-time grant's expiresAt and the epoch time of the status's `change` to prompt.
import { install } from '/pkg/index.js';

const params = new URLSearchParams(location.search);
const oneTime = {};
for (const key of ['maxLifetime', 'hiddenTimeout']) {
  if (params.has(key)) oneTime[key] = Number(params.get(key));
}
const permissions = await install({ oneTime });
const now = () => performance.timeOrigin + performance.now();
const NAME = 'geolocation';

const state = { trial: null, hiddenAt: null, visibleAt: null };
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') state.hiddenAt = now();
  else state.visibleAt = now();
});

window.bench = {
  state,
  visibility: () => document.visibilityState,
  // Starts a trial: the pre-prompt opens; the runner clicks allow-once.
  async start() {
    const before = await permissions.query({ name: NAME });
    // Granted natively with no record (rule 5) or a leftover grant: take it back so the pre-prompt shows.
    if (before.state === 'granted') await permissions.revoke({ name: NAME });
    const trial = { startedAt: now(), status: null, grantedAt: null, expiresAt: null, grant: null,
      changes: [], error: null, stateAfterRequest: null };
    state.trial = trial;
    permissions.request({ name: NAME }).then((status) => {
      trial.status = status;
      trial.grantedAt = now();
      trial.stateAfterRequest = status.state;
      trial.grant = status.grant;
      trial.expiresAt = status.expiresAt;
      status.addEventListener('change', () => trial.changes.push({ t: now(), date: Date.now(), state: status.state }));
    }, (e) => { trial.error = `${e && e.name}: ${e && e.message}`; });
    return true;
  },
  // What the runner polls; reads no state (a read runs the library's clock check).
  peek() {
    const t = state.trial;
    if (!t) return null;
    return { granted: t.status !== null, grantedAt: t.grantedAt, expiresAt: t.expiresAt, grant: t.grant,
      stateAfterRequest: t.stateAfterRequest, changes: t.changes.slice(), error: t.error,
      hiddenAt: state.hiddenAt, visibility: document.visibilityState };
  },
  // Reads the state (runs the clock check), noting whether `change` had fired before the read.
  read() {
    const t = state.trial;
    const changesBefore = t.changes.length;
    const at = now();
    return { at, changesBefore, state: t.status.state, grant: t.status.grant };
  },
};
window.__ready = true;
