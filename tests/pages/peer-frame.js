// Another page of the origin, loaded in a same-origin <iframe> by a page test (not a test page itself). It installs
// jit-permissions under the storage key ?key= (unless ?install=0) and exposes, as window.__peer, its controller, its
// four status objects, the `change` events each got and the controller's audit events; the test page drives it
// through that object (same origin) and answers its dialogs by real WebDriver clicks inside this frame.
// ?hide=camera,microphone makes this frame a browser whose Permissions API cannot query those names (as Firefox
// before version 131 for camera and microphone: query() rejects TypeError), a stand-in set up before install().
const params = new URLSearchParams(location.search);
const peer = { p: null, statuses: {}, seen: {}, audits: [], ready: false, error: null };
window.__peer = peer;
try {
  const hidden = (params.get('hide') || '').split(',').filter(Boolean);
  if (hidden.length) {
    const query = Permissions.prototype.query;
    Object.defineProperty(Permissions.prototype, 'query', {
      configurable: true, writable: true, enumerable: true,
      value: { query(descriptor) {
        if (descriptor && hidden.includes(descriptor.name)) {
          return Promise.reject(new TypeError(`'${descriptor.name}' (value of 'name' member of PermissionDescriptor) is not a valid value for enumeration PermissionName.`));
        }
        return query.call(this, descriptor);
      } }.query,
    });
  }
  if (params.get('install') !== '0') {
    const { install } = await import('/pkg/index.js');
    peer.p = await install({ storageKey: params.get('key') || 'jit-permissions' });
    for (const name of ['camera', 'microphone', 'geolocation', 'notifications']) {
      const status = await peer.p.query({ name });
      const seen = [];
      status.addEventListener('change', () => seen.push(status.state));
      peer.statuses[name] = status;
      peer.seen[name] = seen;
    }
    peer.p.addEventListener('audit', (e) => peer.audits.push(e.detail));
  }
  peer.ready = true;
} catch (e) {
  peer.error = e && e.name ? `${e.name}: ${e.message}` : String(e);
}
