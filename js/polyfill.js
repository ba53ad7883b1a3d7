// @ts-check
// The npm entry `jit-permissions/polyfill`: one import (or one <script type="module">) gives the page the whole-page
// polyfill (SPEC.md, "The polyfill: the whole page"). It installs with `patch: true` while it is evaluated, so the
// platform's functions are replaced before the wasm is compiled; a call made meanwhile waits for the engine.
//
// Options are read from the page as data, never as script, so a strict CSP holds:
//   <script type="application/json" data-jit-permissions>{"prompts": {"camera": {"title": "Scan a code"}}}</script>
// (the first such block; any install() option that JSON can say; `patch` defaults to true). Options that JSON
// cannot say (a clock) need install() from the site's own module instead.
import { install } from './index.js';

/** @returns {import('./index.js').InstallOptions} */
function options() {
  const block = typeof document !== 'undefined' && document.querySelector('script[type="application/json"][data-jit-permissions]');
  if (!block) return {};
  try {
    const value = JSON.parse(/** @type {string} */ (block.textContent)); // a <script>'s text is never null
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch { /* reported below */ }
  console.error('jit-permissions/polyfill: the <script type="application/json" data-jit-permissions> block is not a JSON object: the defaults apply');
  return {};
}

/** The page's controller, as install() resolves it (rejects where there is no browser, or for a wrong option). */
export const permissions = typeof document === 'undefined' ? Promise.reject(new Error('jit-permissions/polyfill needs a browser'))
  : install({ patch: true, ...options() });
// Where there is no browser (server-side rendering), importing it is silent; in a page, a failure is reported.
permissions.catch((e) => { if (typeof document !== 'undefined') console.error('jit-permissions/polyfill:', e); });
