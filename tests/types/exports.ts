// The published declarations held against the JavaScript that implements them. tsc (tsconfig.json, in the test
// command) fails here when js/index.js, js/testing.js or js/polyfill.js exports something its .d.ts does not declare,
// lacks something it declares, or exports a value whose type (parameters, return, a class's constructor and members)
// the declaration does not allow.
//
// `#impl/...` (tsconfig.json `paths`) is the JavaScript file itself, typed from its JSDoc; a plain `../../js/x.js`
// resolves to the .d.ts beside it, as it does for the package's users.
import * as index from '#impl/index';
import * as testing from '#impl/testing';
import * as polyfill from '#impl/polyfill';
import type * as IndexTypes from '../../js/index.js';
import type * as TestingTypes from '../../js/testing.js';
import type * as PolyfillTypes from '../../js/polyfill.js';

/** Each export is what its declaration says. */
export const checked: [typeof IndexTypes, typeof TestingTypes, typeof PolyfillTypes] = [index, testing, polyfill];

/** The names a module exports that its declarations leave out (`never` when none). */
type Undeclared<Impl, Declared> = Exclude<keyof Impl, keyof Declared>;
/** Each export of the JavaScript is declared. */
export const allDeclared: [
  Undeclared<typeof index, typeof IndexTypes>,
  Undeclared<typeof testing, typeof TestingTypes>,
  Undeclared<typeof polyfill, typeof PolyfillTypes>,
] extends [never, never, never] ? true : false = true;

/** The controller's and a status's public members are the declared ones (the declarations may not promise more). */
type Members<T> = Exclude<keyof T, `_${string}` | symbol>;
export const sameMembers: [
  Exclude<Members<IndexTypes.JitPermissions>, Members<index.JitPermissions>>,
  Exclude<Members<IndexTypes.JitPermissionStatus>, Members<index.JitPermissionStatus>>,
] extends [never, never] ? true : false = true;
