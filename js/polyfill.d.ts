// Types of `jit-permissions/polyfill`: importing it installs the library with `patch: true` (options from the page's
// `<script type="application/json" data-jit-permissions>` block).
import type { JitPermissions } from './index.js';

/** The page's controller, as install() resolves it. */
export declare const permissions: Promise<JitPermissions>;
