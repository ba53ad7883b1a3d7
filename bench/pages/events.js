// Event latency: one library status and one native PermissionStatus of the same name; a change set from
// outside (CDP Browser.setPermission or WebDriver's permissions endpoint) fires both. Each listener records
// the epoch time (performance.timeOrigin + performance.now()) and the state it sees.
import { install } from '/pkg/index.js';

const name = new URLSearchParams(location.search).get('name') || 'camera';
const permissions = await install();
const lib = await permissions.query({ name });
const native = await navigator.permissions.query({ name });
const now = () => performance.timeOrigin + performance.now();

const events = { lib: [], native: [] };
lib.addEventListener('change', () => events.lib.push({ t: now(), state: lib.state }));
native.addEventListener('change', () => events.native.push({ t: now(), state: native.state }));

window.bench = {
  events,
  counts: () => ({ lib: events.lib.length, native: events.native.length }),
  states: () => ({ lib: lib.state, native: native.state }),
};
window.__ready = true;
