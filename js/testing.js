// @ts-check
// jit-permissions/testing: what a site's own end-to-end tests need to get past the library, with its real UI.
// The pre-prompt takes only trusted events, so nothing here clicks from inside the page: the helpers find the
// button and hand it to the test's driver (Playwright, WebDriver), whose click is a real one. The clock and the
// audit trail run in the page, in a test build of the app. Nothing here is loaded by the package's entry.
// Its public types are testing.d.ts; tests/types/exports.ts holds this file's exports against them.

/** @typedef {import('./index.js').Choice} Choice */
/** @typedef {import('./index.js').GatedPermissionName} GatedPermissionName */
/** @typedef {import('./testing.js').AnswerOptions} AnswerOptions */

// A dialog ignores clicks and keys for 500 ms after it shows (as the browser's permission bubble does), then carries
// `data-ready`: the helpers below find a choice only once its dialog takes input, so a click is never lost.
const OPEN = 'div[data-jit-permissions="pre-prompt"] dialog[open][data-ready]';

/**
 * The CSS selector of a choice (`allow-once`, `allow-always`, `dont-allow`, `dismiss`) in the open pre-prompt, of
 * capability `name` if given. Playwright's CSS engine reaches into the dialog's open shadow root.
 * @param {Choice} choice
 * @param {GatedPermissionName} [name]
 */
export function choiceSelector(choice, name) {
  return `${OPEN}${name ? `[data-capability~="${name}"]` : ''} button[data-choice="${choice}"]`;
}

/**
 * Runs in the page (`page.evaluateHandle(findChoice, ...)`, WebDriver `executeScript`): the button of `choice` in
 * the open pre-prompt (of capability `name` if given), or null while there is none or it does not take input yet. Self-contained, so that a
 * driver can send its source.
 * @param {Choice} choice
 * @param {GatedPermissionName | null} [name]
 * @returns {HTMLButtonElement | null}
 */
export function findChoice(choice, name) {
  for (const host of document.querySelectorAll('div[data-jit-permissions="pre-prompt"]')) {
    const dialog = host.shadowRoot && host.shadowRoot.querySelector('dialog[open][data-ready]');
    // The pre-prompt's dialog always carries data-capability.
    if (!dialog || (name && !/** @type {string} */ (dialog.getAttribute('data-capability')).split(' ').includes(name))) continue;
    const button = /** @type {HTMLButtonElement | null} */ (dialog.querySelector(`button[data-choice="${choice}"]`));
    if (button) return button;
  }
  return null;
}

/**
 * Playwright: waits for the open pre-prompt (of capability `name` if given) and clicks `choice` in it.
 * @param {import('./testing.js').PlaywrightPageLike} page
 * @param {Choice} choice
 * @param {AnswerOptions} [options]
 */
export function answer(page, choice, { name, timeout = 10000 } = {}) {
  return page.locator(choiceSelector(choice, name)).click({ timeout });
}

/**
 * WebDriver (selenium-webdriver): waits for the open pre-prompt and clicks `choice` in it with a real click.
 * @param {import('./testing.js').WebDriverLike} driver
 * @param {Choice} choice
 * @param {AnswerOptions} [options]
 * @returns {Promise<void>}
 */
export async function answerWebDriver(driver, choice, { name, timeout = 10000 } = {}) {
  const script = `return (${findChoice})(arguments[0], arguments[1])`;
  const end = Date.now() + timeout;
  for (;;) {
    const button = await driver.executeScript(script, choice, name || null);
    // The driver hands back the button as its WebElement (whose click() is a real one).
    if (button) return /** @type {{ click(): Promise<void> }} */ (button).click();
    if (Date.now() > end) throw new Error(`jit-permissions/testing: no open pre-prompt with '${choice}' within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A clock for `install({ clock })` that runs with the real one from `start` (default: now) and jumps when told:
 * `advance(ms)`, `set(ms)`. The library checks the clock on every read of a state, so the next read (a status's
 * fields, `query()`, `snapshot()`, a gated call) applies what the jump ends.
 * @returns {import('./testing.js').TestClock}
 */
export function createClock(start = Date.now()) {
  let offset = start - Date.now();
  const clock = () => Date.now() + offset;
  /** @param {number} ms */
  clock.set = (ms) => { offset = ms - Date.now(); };
  /** @param {number} ms */
  clock.advance = (ms) => { offset += ms; };
  return clock;
}

/**
 * Records the controller's `audit` events from now on: `records` fills as they come, `stop()` ends it.
 * @param {import('./index.js').JitPermissions} permissions
 * @returns {import('./testing.js').AuditTrail}
 */
export function auditTrail(permissions) {
  /** @type {import('./index.js').AuditDetail[]} */
  const records = [];
  /** @param {CustomEvent<import('./index.js').AuditDetail>} e */
  const listener = (e) => records.push(e.detail);
  permissions.addEventListener('audit', listener);
  return { records, stop: () => permissions.removeEventListener('audit', listener) };
}
