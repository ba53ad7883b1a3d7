// The pages of tests/e2e/bfcache.test.mjs: served as *.bfcache.html, without `Cache-Control: no-store`
// (scripts/serve.mjs), so the browser may keep them in its back/forward cache. `watch.bfcache.html` holds a
// location watch of the library; `away.bfcache.html` is another page of the site, which revokes the location grant
// when its URL says `?revoke`.
import { install } from '/pkg/index.js';

const p = await install();
const root = document.documentElement;
window.jit = p;
if (root.dataset.role === 'away') {
  if (new URLSearchParams(location.search).has('revoke')) await p.revoke({ name: 'geolocation' });
} else {
  window.shows = [];
  window.positions = [];
  addEventListener('pageshow', (e) => window.shows.push(e.persisted));
  document.getElementById('ask').addEventListener('click', async () => {
    const status = await p.request({ name: 'geolocation' });
    root.dataset.geolocation = status.state;
  });
  window.startWatch = () => p.watchPosition(
    (position) => window.positions.push(`${position.coords.latitude},${position.coords.longitude}`),
    (error) => window.positions.push(`error ${error.code}`),
  );
}
root.dataset.ready = 'true';
