// A third-party-style widget for the demo's "Store finder" card: written as if it knew nothing of jit-permissions,
// as a map or store-locator vendor ships it. It calls the platform's own navigator.geolocation and handles the
// platform's own errors. The page covers it with the whole-page polyfill (demo.js installs with `patch: true`), and
// the site's own wrapper around it carries data-permission-title/-reason, the words of the pre-prompt.
const STORES = [
  { name: 'Canal Street', lat: 48.8606, lng: 2.3376 },
  { name: 'Market Hall', lat: 52.5200, lng: 13.4050 },
  { name: 'Harbour Front', lat: 51.5072, lng: -0.1276 },
];

function km(a, b) {
  const r = (d) => (d * Math.PI) / 180;
  const h = Math.sin(r(b.lat - a.lat) / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(r(b.lng - a.lng) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

export function storeFinder(root) {
  const button = root.querySelector('[data-widget="find"]');
  const list = root.querySelector('[data-widget="stores"]');
  const out = root.querySelector('[data-widget="status"]');
  button.addEventListener('click', () => {
    out.textContent = 'Finding stores near you…';
    navigator.geolocation.getCurrentPosition((pos) => {
      const here = { lat: pos.coords.latitude, lng: pos.coords.longitude };
      list.replaceChildren(...STORES.map((s) => ({ ...s, d: km(here, s) })).sort((a, b) => a.d - b.d).map((s) => {
        const li = document.createElement('li');
        li.textContent = `${s.name}: ${Math.round(s.d)} km`;
        return li;
      }));
      out.textContent = 'Nearest stores first.';
    }, (err) => {
      out.textContent = err.code === err.PERMISSION_DENIED
        ? 'Location not allowed: search by city instead.'
        : `Could not find your location (${err.message}).`;
    }, { timeout: 10000 });
  });
}
