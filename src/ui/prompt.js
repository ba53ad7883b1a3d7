// @ts-check
// The pre-prompt of jit-permissions: the dialog that asks before the browser does, and the built-in English strings
// every UI starts from (each other UI adds its own: recovery.js, panel.js, indicator.js). It only renders and reports
// what the person chose; when to ask and what the answer means are the runtime's (src/runtime/dialogs.js calls it).
// It is on the path of every first pre-prompt, so it is loaded with the tasks: in the npm package it is bundled into
// tasks.js with the shared helpers (dom.js); in the Rust API, tasks.js imports it beside itself. The rules it keeps
// are dom.js's.
//
// prePrompt(request) -> Promise<{ choice, declined }>
//   request                  a view (dom.js: lang, strings, headingLevel) and:
//   request.capabilities     [{ name, optional, state, reason }], in the task's order: what the task needs. An entry
//                            whose state is 'prompt' (or absent) is asked; one with 'granted' is listed as already
//                            allowed, one with 'denied' as blocked (its `reason`: browser, system, policy, user,
//                            embargo), neither asked. At least one entry is asked. An asked entry with
//                            `optional: true` gets a switch (on by default) with which the person leaves it out.
//   request.title, .reason   the site's own text (else the built-in text: of the capability, or for several the
//                            combined title and reason naming each)
//   request.image            { src, alt }: a picture of the task (its space is reserved before it loads)
//   choice                   'allow-once', 'allow-always', 'dont-allow' or 'dismiss' (×, Esc, backdrop)
//   declined                 the names of the optional entries the person switched off (whatever the choice)
import { CAPS, Modal, el, fill, icon, list, reasonKey } from './dom.js';

/** @typedef {import('./dom.js').View} View */
/** @typedef {{ name: string, optional?: boolean, state?: string, reason?: string | null }} Entry */
/**
 * @typedef {View & { capabilities: Entry[], title?: string | null, reason?: string | null,
 *   image?: { src?: unknown, alt?: unknown } | null }} PromptRequest
 */
/** @typedef {{ choice: string, declined: string[] }} PromptResult */

/**
 * English, the built-in fallback: the strings of the pre-prompt and those every UI shares (each other UI's own are
 * in its module). Every key can be overridden with install({strings}) and is translated in ./locales/*.js.
 * Multi-line values are one step per line (a step that names `{name}` is repeated for each capability); `{name}` is
 * the capability's name, `{noun}` its name within a sentence, `{names}` several joined ("camera and microphone"),
 * `{time}` a duration or a date, `{choice}` a choice's words, `{h}` and `{m}` hours and minutes.
 */
const en = {
  allowOnce: 'Allow this time',
  allowAlways: 'Allow on every visit',
  dontAllow: 'Don\'t allow',
  close: 'Close',
  cameraTitle: 'Use your camera?',
  cameraReason: 'This site asks to use your camera for what you are doing now. You can change your choice at any time.',
  microphoneTitle: 'Use your microphone?',
  microphoneReason: 'This site asks to use your microphone for what you are doing now. You can change your choice at any time.',
  geolocationTitle: 'Use your location?',
  geolocationReason: 'This site asks to know your location for what you are doing now. You can change your choice at any time.',
  notificationsTitle: 'Show notifications?',
  notificationsReason: 'This site asks to send you notifications. You can change your choice at any time.',
  manyTitle: 'Use your {names}?',
  manyReason: 'This site asks to use your {names} for what you are doing now. You can change your choice at any time.',
  cameraName: 'Camera',
  microphoneName: 'Microphone',
  geolocationName: 'Location',
  notificationsName: 'Notifications',
  cameraNoun: 'camera',
  microphoneNoun: 'microphone',
  geolocationNoun: 'location',
  notificationsNoun: 'notifications',
  optional: 'Optional',
  alreadyAllowed: 'Already allowed',
  stateDenied: 'Blocked',
  reasonBrowser: 'In your browser’s settings',
  reasonUser: 'You chose Don\'t allow',
  reasonEmbargo: 'Paused after repeated dismissals',
  reasonSystem: 'By your device’s privacy settings',
  reasonPolicy: 'Not allowed in this part of the page',
  reset: 'Reset',
};
export { en };

/** The pre-prompt's own styles (dom.js has the dialog's). */
const CSS = `.jp-image{display:block;box-sizing:border-box;width:100%;height:clamp(3rem,28vh,14rem);object-fit:contain;border-radius:calc(var(--_radius)/2)}
.jp-caps{margin:0;padding:0;list-style:none}
.jp-cap{display:flex;align-items:center;gap:.75rem;min-height:44px;border-top:1px solid var(--_border)}
.jp-cap:first-child{border-top:0}
.jp-cap .jp-icon{width:1.5rem;height:1.5rem}
.jp-switch{flex:none;position:relative;margin-inline-start:auto;width:3.25rem;height:44px;padding:0;border:0;background:none;cursor:pointer}
.jp-switch::before{content:"";position:absolute;inset:10px 0;border:2px solid var(--_border);border-radius:999px;background:var(--_bg)}
.jp-switch::after{content:"";position:absolute;top:16px;inset-inline-start:6px;width:12px;height:12px;border-radius:50%;background:var(--_muted)}
.jp-switch[aria-checked=true]::before{border-color:var(--_accent);background:var(--_accent)}
.jp-switch[aria-checked=true]::after{inset-inline-start:calc(100% - 18px);background:var(--_accent-fg)}
@media (forced-colors:active){.jp-switch{forced-color-adjust:none}.jp-switch::before{border-color:ButtonText;background:Canvas}.jp-switch::after{background:ButtonText}
.jp-switch[aria-checked=true]::before{border-color:Highlight;background:Highlight}.jp-switch[aria-checked=true]::after{background:HighlightText}}`;

/**
 * Given text, unless missing or blank.
 * @param {unknown} s
 */
const given = (s) => (typeof s === 'string' && s.trim() ? s : null);

/**
 * Shows the pre-prompt (see the top of this file). DOM:
 *   <div data-jit-permissions="pre-prompt">  #shadow-root (open)
 *     <dialog part="dialog" data-capability="camera microphone" lang dir aria-labelledby="jp-title"
 *         aria-describedby="jp-reason">
 *       <div part="body"> <div part="icons"> <svg part="icon">...   (one task with nothing to list)
 *         <h2 id="jp-title" part="title"> <p id="jp-reason" part="reason">
 *         <ul part="capabilities">                (optional entries, or entries not asked: one row each)
 *           <li part="capability" data-capability data-state data-reason> <svg part="icon"> <span part="name">
 *             <span part="detail">Optional</span> <button role="switch" aria-checked part="switch" data-toggle>
 *             (or <span part="detail">Already allowed | Blocked: ...</span>)
 *         <img part="image" alt src>              (only with a picture)
 *         <div part="choices"> <button data-choice="allow-once" part="button allow-once"> (allow-always, dont-allow)
 *         <button data-choice="dismiss" part="close" aria-label="Close">×
 * The site's title, reason and alt text carry the page's `lang` and `dir="auto"`.
 * @param {PromptRequest} request
 * @returns {Promise<PromptResult>}
 */
export function prePrompt(request) {
  const { capabilities, title, reason, image, lang, strings: s } = request;
  // In display order, whatever order the call named them in ("camera and microphone").
  const entries = capabilities.map((c) => ({ ...c, asked: !c.state || c.state === 'prompt' }))
    .sort((a, b) => /** @type {readonly string[]} */ (CAPS).indexOf(a.name) - /** @type {readonly string[]} */ (CAPS).indexOf(b.name));
  const asked = entries.filter((c) => c.asked);
  const names = asked.map((c) => c.name);
  const m = new Modal('pre-prompt', names, request, CSS);
  const showList = entries.length > 1 && entries.some((c) => c.optional || !c.asked);
  if (!showList) {
    const icons = el(m.body, 'div', { class: 'jp-icons', part: 'icons' });
    for (const name of names) icon(icons, name);
  }
  const one = names.length === 1;
  const nouns = { names: list(names.map((n) => s[`${n}Noun`]), lang) };
  const [titleEl, reasonEl] = m.heading(
    one ? s[`${names[0]}Title`] : fill(s.manyTitle, nouns),
    one ? s[`${names[0]}Reason`] : fill(s.manyReason, nouns),
  );
  // The dialog speaks the language of the strings; the site's own text is marked with the page's language and
  // its own direction, so that a screen reader pronounces each correctly and punctuation sits where it belongs.
  const pageLang = document.documentElement.getAttribute('lang') || null;
  /** @param {Element} e */
  const mark = (e) => {
    if (pageLang) e.setAttribute('lang', pageLang);
    e.setAttribute('dir', 'auto');
  };
  const ownTitle = given(title);
  const ownReason = given(reason);
  if (ownTitle) { titleEl.textContent = ownTitle; mark(titleEl); }
  if (ownReason) { reasonEl.textContent = ownReason; mark(reasonEl); }
  /** switch -> the capability it leaves out, bound in code. @type {Map<Element, string>} */
  const switches = new Map();
  if (showList) {
    const ul = el(m.body, 'ul', { class: 'jp-caps', part: 'capabilities' });
    for (const c of entries) {
      const li = el(ul, 'li', {
        class: 'jp-cap', part: 'capability', 'data-capability': c.name, 'data-state': c.asked ? 'prompt' : c.state, 'data-reason': c.reason,
      });
      icon(li, c.name, c.state === 'denied');
      const info = el(li, 'span', { class: 'jp-info' });
      el(info, 'span', { class: 'jp-name', part: 'name', id: `jp-name-${c.name}` }, s[`${c.name}Name`]);
      const detail = !c.asked ? (c.state === 'granted' ? s.alreadyAllowed : `${s.stateDenied}: ${(c.reason && s[reasonKey(c.reason)]) || ''}`)
        : c.optional ? s.optional : null;
      if (detail) el(info, 'span', { class: 'jp-detail', part: 'detail', id: `jp-detail-${c.name}` }, detail);
      if (c.asked && c.optional) {
        switches.set(el(li, 'button', {
          type: 'button', role: 'switch', 'aria-checked': 'true', class: 'jp-switch', part: 'switch', 'data-toggle': c.name,
          'aria-labelledby': `jp-name-${c.name}`, 'aria-describedby': `jp-detail-${c.name}`,
        }), c.name);
      }
    }
  }
  const src = image && given(image.src);
  if (image && src) {
    // Its box is reserved before it loads (a fixed height, the picture fitted inside), so that nothing moves
    // when it arrives: focus, placed on the first choice, stays in view even at 400% zoom.
    const img = el(m.body, 'img', { class: 'jp-image', part: 'image' });
    mark(img);
    img.alt = String(image.alt);
    img.src = src;
  }
  const choices = el(m.body, 'div', { class: 'jp-choices', part: 'choices' });
  const [first] = ['allowOnce', 'allowAlways', 'dontAllow'].map((key) => {
    const choice = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return m.button(choices, 'data-choice', choice, s[key]);
  });
  m.bind(el(m.body, 'button', {
    type: 'button', class: 'jp-close', part: 'close', 'data-choice': 'dismiss', 'aria-label': s.close,
  }, '\u00d7'), 'dismiss');
  // A switch turns only under the person's own click or key press; what script sets on the attribute can only
  // leave an entry out (a switch shown off is never asked for), never put one back in.
  /** @type {Set<string>} */
  const off = new Set();
  m.dialog.addEventListener('click', (e) => {
    const sw = e.isTrusted && e.target instanceof Element && e.target.closest('[role=switch]');
    const name = sw && switches.get(sw);
    if (!sw || !name) return;
    const on = off.has(name);
    if (on) off.delete(name);
    else off.add(name);
    sw.setAttribute('aria-checked', String(on));
  });
  return m.show(first).then((choice) => ({
    choice,
    declined: [...switches].filter(([sw, name]) => off.has(name) || sw.getAttribute('aria-checked') !== 'true').map(([, name]) => name),
  }));
}
