// @ts-check
// The controls panel of jit-permissions (install's controls(element)): each capability with its state, why it is
// blocked, how long a one-time grant lasts, whether it is in use now, the last choice and when, and Revoke, Reset and
// How to unblock. Loaded on first need (src/runtime/dialogs.js loads it through the runtime's loader), after the tasks;
// the shared helpers come from dom.js (in the npm package, from tasks.js, which holds them). The rules it keeps are
// dom.js's; what changes is announced through a role="status" region.
//
// panel(parent, host, view) -> { update(statuses), destroy() }
//   mounts the controls panel at the end of `parent`
//   host                     { revoke(name), reset(name), help(name), now() }: the buttons' actions, and the
//                            runtime's clock (epoch ms; Date.now when absent)
//   statuses                 the four { name, state, grant, expiresAt, reason, lastDecision, decidedAt, inUse } in
//                            CAPS order; inUse: a track or watch of it handed out by the library is live (in any
//                            page of the origin)
import { CAPS, attach, dirOf, el, fill, heading, icon, pageScheme, reasonKey, setAttr, shadowHost } from './dom.js';

/**
 * @typedef {{ name: string, state: string, grant?: string | null, expiresAt?: number | null, reason?: string | null,
 *   lastDecision?: string | null, decidedAt?: number | null, inUse?: boolean, inUseHere?: boolean }} Status
 */
/**
 * @typedef {{ revoke?: (name: string) => void, reset?: (name: string) => void, help?: (name: string) => void,
 *   now?: () => number }} PanelHost
 */
/** @typedef {{ update(statuses: Status[]): void, destroy(): void }} PanelView */

/** The panel's own English strings (prompt.js has those every UI shares). */
const en = {
  panelTitle: 'Site permissions',
  stateGranted: 'Allowed',
  statePrompt: 'Ask',
  grantOneTime: 'This time',
  grantPersistent: 'Every visit',
  revoke: 'Revoke',
  help: 'How to unblock',
  revokeLabel: 'Revoke {name}',
  resetLabel: 'Reset {name}',
  helpLabel: 'How to unblock {name}',
  revokeHint: 'Ends this permission now and stops what uses it. The site asks again next time.',
  resetHint: 'Forgets your choices for it on this site, Don’t allow and pauses included. The site asks again next time.',
  expiresIn: 'Until you leave this site, at most {time}',
  hours: '{h} h {m} min',
  minutes: '{m} min',
  inUseNow: 'In use now',
  lastChoice: 'Last choice: {choice}, {time}',
  dismissed: 'Closed without choosing',
  notAsked: 'Not asked yet',
};
export { en };

const CSS = `.jp-panel{box-sizing:border-box;padding:1rem 1.25rem;border:1px solid var(--_border);border-radius:var(--_radius);
background:var(--_bg);color:var(--_fg);font:400 1rem/1.5 var(--_font)}
.jp-panel-title{margin:0 0 .25rem;font-size:1.125rem;font-weight:600}
.jp-list{margin:0;padding:0;list-style:none}
.jp-row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.75rem 0;border-top:1px solid var(--_border)}
.jp-row:first-child{border-top:0}
.jp-row .jp-icon{width:1.5rem;height:1.5rem}
.jp-state,.jp-time{color:var(--_muted);font-size:.875rem}
.jp-live{align-self:start;padding:0 .5rem;border-radius:999px;background:var(--_accent);color:var(--_accent-fg);font-size:.875rem;font-weight:600}
.jp-actions{display:flex;flex-wrap:wrap;gap:.5rem}
.jp-actions .jp-btn{padding:.5rem 1rem}
.jp-btn[aria-disabled=true]{color:var(--_muted);border-style:dashed;background:var(--_bg);cursor:not-allowed}
@media (forced-colors:active){.jp-btn[aria-disabled=true]{color:GrayText;border-color:GrayText}}`;

/**
 * Sets text only when it differs (no needless mutation, no flicker).
 * @param {Element} e
 * @param {string} text
 */
function setText(e, text) {
  if (e.textContent !== text) e.textContent = text;
}

/**
 * A duration in whole minutes, rounded up: [text, ISO 8601 duration] (57 540 000 ms -> "15 h 59 min").
 * @param {number} ms
 * @param {import('./dom.js').Strings} s
 * @returns {[string, string]}
 */
function duration(ms, s) {
  const all = Math.max(1, Math.ceil(ms / 60000));
  const h = Math.floor(all / 60);
  const m = all % 60;
  return [fill(h ? s.hours : s.minutes, { h, m }), `PT${h}H${m}M`];
}

/** @param {Status} st */
const oneTimeExpiry = (st) => (st.state === 'granted' && st.grant === 'one-time' && st.expiresAt != null ? st.expiresAt : null);

/**
 * Mounts the controls panel (see the top of this file): each capability with its state, why it is blocked,
 * how long a one-time grant lasts ("until you leave this site, at most 15 h 59 min"), whether it is in use now, the
 * last choice and when, and Revoke, Reset (each with an accessible description of what it does) and How to unblock.
 * Until the first update every capability shows `prompt`.
 *
 * DOM:
 *   <div data-jit-permissions="controls">  #shadow-root (open)
 *     <section part="panel" lang dir aria-labelledby="jp-panel-title"> <h2 id="jp-panel-title" part="panel-title">
 *       <ul part="list" aria-labelledby="jp-panel-title">
 *         <li part="row" data-capability="camera" data-state="granted" data-grant="one-time" data-reason data-in-use>
 *           <svg part="icon"> <span part="name"> <span part="state"> <span part="detail">
 *           <time part="time-left" datetime="PT15H59M"> <span part="in-use"> <span part="history">
 *           <button data-action="revoke" data-capability="camera" aria-label="Revoke Camera"
 *               aria-describedby="jp-revoke-hint" part="button revoke"> (reset, help)
 *       <div role="status" part="announcement">   (visually hidden: "Camera: Ask" when a state changes)
 * A button that does not apply has aria-disabled="true" (it stays focusable, so focus is never lost while the
 * panel updates) and does nothing; the help button shows while something outside the site blocks the capability
 * (the browser, the device, the frame).
 * @param {Element} parent
 * @param {PanelHost} host
 * @param {import('./dom.js').View} view
 * @returns {PanelView}
 */
export function panel(parent, host, view) {
  const { lang, strings: s } = view;
  const [hostEl, root] = shadowHost('controls', parent);
  const section = el(root, 'section', { class: 'jp-panel', part: 'panel', lang, dir: dirOf(lang), 'aria-labelledby': 'jp-panel-title' });
  el(section, heading(view), { id: 'jp-panel-title', class: 'jp-panel-title', part: 'panel-title' }, s.panelTitle);
  const list = el(section, 'ul', { class: 'jp-list', part: 'list', 'aria-labelledby': 'jp-panel-title' });
  for (const a of ['revoke', 'reset']) el(section, 'p', { id: `jp-${a}-hint`, hidden: '' }, s[`${a}Hint`]);
  const announce = el(section, 'div', { role: 'status', class: 'jp-sr', part: 'announcement' });
  /** button -> [action, capability] @type {Map<Element, ['revoke' | 'reset' | 'help', string]>} */
  const bound = new Map();
  const rows = CAPS.map((cap) => {
    const li = el(list, 'li', { class: 'jp-row', part: 'row', 'data-capability': cap });
    icon(li, cap);
    const info = el(li, 'div', { class: 'jp-info' });
    const name = s[`${cap}Name`];
    el(info, 'span', { class: 'jp-name', part: 'name' }, name);
    /**
     * @param {string} cls
     * @param {string} part
     * @param {'span' | 'time'} [tag]
     */
    const span = (cls, part, tag = 'span') => el(info, tag, { class: cls, part });
    const state = span('jp-state', 'state');
    const detail = span('jp-detail', 'detail');
    const time = span('jp-time', 'time-left', 'time');
    const live = span('jp-live', 'in-use');
    live.textContent = s.inUseNow;
    const history = span('jp-detail', 'history');
    const actions = el(li, 'div', { class: 'jp-actions' });
    /** @param {'revoke' | 'reset' | 'help'} action */
    const button = (action) => {
      const b = el(actions, 'button', {
        type: 'button', class: 'jp-btn', part: `button ${action}`, 'data-action': action, 'data-capability': cap,
        'aria-label': fill(s[`${action}Label`], { name }), 'aria-describedby': action === 'help' ? null : `jp-${action}-hint`,
      }, s[action]);
      bound.set(b, [action, cap]);
      return b;
    };
    return {
      li, name, state, detail, time, live, history, revoke: button('revoke'), reset: button('reset'), help: button('help'),
    };
  });
  /** @type {Status[]} */
  let statuses = CAPS.map((name) => ({ name, state: 'prompt', grant: null, expiresAt: null, reason: null }));
  /** @type {string[] | null} */
  let said = null;
  /** @type {ReturnType<typeof setInterval> | null} */
  let timer = null;
  const now = () => {
    const t = typeof host.now === 'function' ? Number(host.now()) : NaN;
    return Number.isFinite(t) && t > 0 ? t : Date.now();
  };
  /** @param {Status} st */
  const words = (st) => s[st.state === 'granted' ? 'stateGranted' : st.state === 'denied' ? 'stateDenied' : 'statePrompt'];
  /** @param {number} t */
  const when = (t) => {
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(t);
    } catch {
      return new Date(t).toLocaleString();
    }
  };

  /**
   * @param {typeof rows[number]} row
   * @param {Status} st
   * @param {number} at
   */
  const renderTime = (row, st, at) => {
    const expiry = oneTimeExpiry(st);
    const [text, iso] = expiry == null ? ['', null] : duration(expiry - at, s);
    setText(row.time, expiry == null ? '' : fill(s.expiresIn, { time: text }));
    setAttr(row.time, 'datetime', iso);
    setAttr(row.time, 'hidden', expiry == null ? '' : null);
  };

  // `record`: remember what each row said, to announce what changes from then on (not on the first render or
  // the first update, which show the panel as it is).
  /** @param {boolean} [record] */
  const render = (record) => {
    const at = now();
    const focused = root.activeElement;
    setAttr(hostEl, 'data-scheme', pageScheme(parent));
    /** @type {string[]} */
    const changes = [];
    /** @type {string[]} */
    const keys = [];
    rows.forEach((row, i) => {
      const st = statuses[i];
      const granted = st.state === 'granted';
      const deniedBy = st.state === 'denied' ? st.reason || null : null;
      setAttr(row.li, 'data-state', st.state);
      setAttr(row.li, 'data-grant', granted ? st.grant || null : null);
      setAttr(row.li, 'data-reason', deniedBy);
      setAttr(row.li, 'data-in-use', st.inUse ? '' : null);
      setText(row.state, words(st));
      const detail = granted && st.grant ? s[st.grant === 'one-time' ? 'grantOneTime' : 'grantPersistent']
        : (deniedBy && s[reasonKey(deniedBy)]) || '';
      setText(row.detail, detail);
      setAttr(row.detail, 'hidden', detail ? null : '');
      renderTime(row, st, at);
      setAttr(row.live, 'hidden', st.inUse ? null : '');
      const choice = st.lastDecision && (st.lastDecision === 'dismiss' ? s.dismissed
        : s[st.lastDecision.replace(/-(\w)/g, (_, c) => c.toUpperCase())]);
      setText(row.history, choice && st.decidedAt != null ? fill(s.lastChoice, { choice, time: when(st.decidedAt) }) : s.notAsked);
      setAttr(row.revoke, 'aria-disabled', granted ? null : 'true');
      setAttr(row.reset, 'aria-disabled', granted || deniedBy === 'user' || deniedBy === 'embargo' ? null : 'true');
      const help = deniedBy === 'browser' || deniedBy === 'system' || deniedBy === 'policy';
      setAttr(row.help, 'hidden', help ? null : '');
      if (!help && focused === row.help) row.reset.focus();
      const key = `${st.state} ${deniedBy}`;
      if (said && said[i] !== key) changes.push(`${row.name}: ${words(st)}${detail && !granted ? ` (${detail})` : ''}`);
      keys[i] = key;
    });
    if (record) said = keys;
    // Changes of state are announced (never the time left, which changes every minute).
    if (changes.length) announce.textContent = changes.join('. ');
  };

  root.addEventListener('click', (e) => {
    if (!e.isTrusted || !(e.target instanceof Element)) return;
    const button = e.target.closest('button');
    // What a button does, and for which capability, is bound in code, never read back from its attributes.
    const [action, cap] = (button && bound.get(button)) || [];
    if (!button || !action || !cap || button.getAttribute('aria-disabled') === 'true') return;
    const act = host[action];
    if (typeof act === 'function') act(cap);
  });

  render();
  attach(parent, hostEl, CSS);
  return {
    update(next) {
      statuses = CAPS.map((_, i) => (next && next[i]) || statuses[i]);
      render(true);
      const counting = statuses.some((st) => oneTimeExpiry(st) != null);
      if (!counting && timer) {
        clearInterval(timer);
        timer = null;
      } else if (counting && !timer) {
        timer = setInterval(() => {
          const at = now();
          rows.forEach((row, i) => { if (oneTimeExpiry(statuses[i]) != null) renderTime(row, statuses[i], at); });
        }, 1000);
      }
    },
    destroy() {
      if (timer) clearInterval(timer);
      timer = null;
      hostEl.remove();
    },
  };
}
