// Types of jit-permissions/testing: helpers for a site's own end-to-end tests. No `any`.
import type { AuditDetail, Choice, GatedPermissionName, JitPermissions } from './index.js';

/** What `answer()` needs of a Playwright `Page` (a real one fits). */
export interface PlaywrightPageLike {
  locator(selector: string): { click(options?: { timeout?: number }): Promise<void> };
}

/** What `answerWebDriver()` needs of a selenium-webdriver `WebDriver` (a real one fits). */
export interface WebDriverLike {
  executeScript(script: string, ...args: unknown[]): Promise<unknown>;
}

/** Where to wait and how long. */
export interface AnswerOptions {
  /** Only the pre-prompt that asks for this capability. */
  name?: GatedPermissionName;
  /** ms to wait for the pre-prompt (default 10000). */
  timeout?: number;
}

/** The CSS selector of `choice` in the open pre-prompt (Playwright's CSS reaches into its open shadow root). */
export declare function choiceSelector(choice: Choice, name?: GatedPermissionName): string;

/**
 * Runs in the page (Playwright `page.evaluateHandle`, WebDriver `executeScript`): the button of `choice` in the
 * open pre-prompt, or null while there is none. Give it to the driver to click: the UI takes real clicks only.
 */
export declare function findChoice(choice: Choice, name?: GatedPermissionName | null): HTMLButtonElement | null;

/** Playwright: waits for the open pre-prompt and clicks `choice` in it (a real click). */
export declare function answer(page: PlaywrightPageLike, choice: Choice, options?: AnswerOptions): Promise<void>;

/** WebDriver (selenium-webdriver): waits for the open pre-prompt and clicks `choice` in it (a real click). */
export declare function answerWebDriver(driver: WebDriverLike, choice: Choice, options?: AnswerOptions): Promise<void>;

/**
 * A clock for `install({ clock })`: epoch ms, running with the real clock, jumping when told. The library checks
 * the clock on every read of a state, so the next read after a jump applies what it ends.
 */
export interface TestClock {
  (): number;
  /** Jumps to `ms` (epoch ms) and runs on from there. */
  set(ms: number): void;
  /** Jumps forward by `ms` (back, if negative). */
  advance(ms: number): void;
}

/** A clock that reads `start` now (default: the real time) and runs on with the real clock. */
export declare function createClock(start?: number): TestClock;

/** The audit records of a controller, from the call on. */
export interface AuditTrail {
  /** Every record so far, in order; fills as events come. */
  readonly records: AuditDetail[];
  /** Stops recording. */
  stop(): void;
}

/** Records the controller's `audit` events from now on. */
export declare function auditTrail(permissions: JitPermissions): AuditTrail;
