// @ts-check
// The in-use indicator of jit-permissions (install({ indicator }), indicator(element)): shown while a camera or
// microphone track handed out in this page is live; a role="status" region announces each start and stop. Loaded on
// first need, once something is in use (src/runtime/dialogs.js loads it through the runtime's loader); the shared
// helpers come from dom.js (in the npm package, from tasks.js, which holds them).
//
// indicator(parent, view) -> { update(statuses), destroy() }
//   at the end of `parent`, or floating at the top corner of the page when `parent` is null; `statuses` as the
//   panel's (panel.js), of which it reads `inUseHere` (live in this page).
import { attach, dirOf, el, fill, icon, list, pageScheme, setAttr, shadowHost } from './dom.js';

/** The indicator's own English strings (prompt.js has those every UI shares). */
const en = {
  inUse: 'In use: {names}',
  notInUse: 'No longer in use: {names}',
};
export { en };

const CSS = `.jp-ind{display:inline-flex;align-items:center;gap:.5rem;padding:.25rem .875rem .25rem .625rem;border:1px solid var(--_accent-fg);border-radius:999px;
background:var(--_accent);color:var(--_accent-fg);font:600 .875rem/1.5 var(--_font)}
.jp-ind .jp-icon{width:1.5rem;height:1.5rem;color:inherit}
.jp-float{position:fixed;z-index:2147483647;top:.75rem;inset-inline-end:.75rem;box-shadow:0 2px 8px rgb(0 0 0/.3)}`;

/**
 * The in-use indicator (see the top of this file). DOM:
 *   <div data-jit-permissions="indicator">  #shadow-root (open)
 *     <div part="indicator" lang dir aria-hidden="true" hidden?> <svg part="icon">...
 *       <span part="indicator-text">In use: Camera
 *     <div role="status" part="announcement">   (visually hidden: "In use: Camera", "No longer in use: Camera")
 * @param {Element | null} parent
 * @param {import('./dom.js').View} view
 * @returns {import('./panel.js').PanelView}
 */
export function indicator(parent, view) {
  const { lang, strings: s } = view;
  const where = parent || document.body;
  const [hostEl, root] = shadowHost('indicator', where);
  const attrs = { lang, dir: dirOf(lang) };
  // What it shows is what its status region says: the region speaks, the badge is for the eyes.
  const box = el(root, 'div', {
    class: parent ? 'jp-ind' : 'jp-ind jp-float', part: 'indicator', hidden: '', 'aria-hidden': 'true', ...attrs,
  });
  const icons = el(box, 'span', { class: 'jp-icons' });
  const text = el(box, 'span', { part: 'indicator-text' });
  const live = el(root, 'div', { role: 'status', class: 'jp-sr', part: 'announcement', ...attrs });
  /**
   * @param {string} key
   * @param {string[]} caps
   */
  const say = (key, caps) => (caps.length ? fill(s[key], { names: list(caps.map((c) => s[`${c}Name`]), lang) }) : '');
  /** @type {string[]} */
  let on = [];
  /** @type {string[]} */
  let said = [];
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  attach(where, hostEl, CSS);
  return {
    update(statuses) {
      const now = (statuses || []).filter((st) => (st.name === 'camera' || st.name === 'microphone') && st.inUseHere).map((st) => st.name);
      if (now.join() === on.join()) return;
      on = now;
      setAttr(hostEl, 'data-scheme', pageScheme(where));
      box.hidden = !now.length;
      icons.replaceChildren();
      for (const c of now) icon(icons, c);
      text.textContent = say('inUse', now);
      // Announced a moment later, once for changes that come together (a call's two tracks), and so that a region
      // just added to the page is known to assistive technology when its text changes.
      clearTimeout(timer);
      timer = setTimeout(() => {
        const message = [say('inUse', on.filter((c) => !said.includes(c))), say('notInUse', said.filter((c) => !on.includes(c)))]
          .filter(Boolean).join('. ');
        said = on;
        if (message) live.textContent = message;
      }, 150);
    },
    destroy() {
      clearTimeout(timer);
      hostEl.remove();
    },
  };
}
