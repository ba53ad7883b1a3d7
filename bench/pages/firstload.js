// First load and first prompt: import -> install() -> query({name: 'camera'}) (window.__firstLoad, in ms since the
// navigation started), then a button that asks for the camera, for the runner to click as a person would (with user
// activation): window.__shown says when the pre-prompt was open after the click, and whether the click's user
// activation was still active then. ?locale= is passed to install().
const locale = new URLSearchParams(location.search).get('locale');
const { install } = await import('/pkg/index.js');
const permissions = await install(locale ? { locale } : undefined);
const installedAt = performance.now();
await permissions.query({ name: 'camera' });
window.__firstLoad = { installedAt, queriedAt: performance.now() };
window.__permissions = permissions;

const PRE = 'div[data-jit-permissions="pre-prompt"]';
document.getElementById('ask').addEventListener('click', () => {
  window.__clickAt = performance.now();
  permissions.request({ name: 'camera' }).then((s) => { window.__answered = s.state; }, () => {});
});
new MutationObserver(() => {
  const dialog = document.querySelector(PRE)?.shadowRoot?.querySelector('dialog');
  if (dialog && dialog.open && window.__clickAt && !window.__shown) {
    const ua = navigator.userActivation;
    window.__shown = { afterClick: performance.now() - window.__clickAt, active: ua ? ua.isActive : null };
  }
}).observe(document.body, { childList: true });
window.__ready = true;
