#!/usr/bin/env node
// Where there is no browser (SPEC): importing the built package never throws, and install() rejects with an Error
// that says a browser is needed. Checked in plain Node (no window, no document, no jsdom) and again in a Node whose
// browser-like globals are gone too (EventTarget, Event, CustomEvent, fetch, WebAssembly, performance, navigator,
// DOMException: a minimal JS runtime), each in a child process of its own so that no import is cached between them.
// `jit-permissions/testing` and `jit-permissions/elements` must import too (a site's tests run it in Node), and its clock run there. Unhandled rejections fail the run.
//
//   node tests/node/server-import.test.mjs [pkg-dir]      (default: pkg/, built by scripts/build.sh)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = resolve(process.argv[2] || join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg'));
if (!existsSync(join(pkg, 'index.js'))) {
  console.log(`FAIL no npm package in ${pkg}; run \`bash scripts/build.sh\` first`);
  process.exit(1);
}

// Runs in the child: imports both entries, calls install() with and without options, prints what happened as JSON.
const probe = (entry, testing, elements, strip) => `
${strip ? `for (const name of ${JSON.stringify(strip)}) {
  if (!delete globalThis[name]) throw new Error('could not remove ' + name);
  if (name in globalThis) throw new Error(name + ' is still there');
}` : ''}
const out = { globals: { window: typeof window, document: typeof document, EventTarget: typeof EventTarget, WebAssembly: typeof WebAssembly } };
try {
  const m = await import(${JSON.stringify(entry)});
  out.exports = Object.keys(m).sort();
  for (const options of [undefined, { locale: 'de' }]) {
    const r = await m.install(options).then((v) => ({ resolved: String(v) }), (e) => ({ rejected: { isError: e instanceof Error, name: e && e.name, message: String(e && e.message) } }));
    (out.install ??= []).push(r);
  }
} catch (e) { out.importError = String(e && e.stack || e); }
try {
  const t = await import(${JSON.stringify(testing)});
  out.testing = Object.keys(t).sort();
  const clock = t.createClock(5);
  clock.advance(10);
  out.clock = clock();
} catch (e) { out.testingError = String(e && e.stack || e); }
try {
  const el = await import(${JSON.stringify(elements)});
  out.elements = Object.keys(el).sort().map((k) => k + ':' + typeof el[k]).join();
} catch (e) { out.elementsError = String(e && e.stack || e); }
try {
  const errors = [];
  const error = console.error;
  console.error = (...a) => errors.push(a.join(' '));
  const pf = await import(${JSON.stringify(entry.replace(/index\.js$/, 'polyfill.js'))});
  out.polyfill = await pf.permissions.then(() => 'resolved', (e) => 'rejected: ' + e.message);
  console.error = error;
  out.polyfillErrors = errors;
} catch (e) { out.polyfillError = String(e && e.stack || e); }
await new Promise((r) => setTimeout(r, 200)); // let a late rejection surface
console.log(JSON.stringify(out));
`;

const STRIP = ['EventTarget', 'Event', 'CustomEvent', 'fetch', 'WebAssembly', 'performance', 'navigator', 'DOMException'];
let failed = 0;
for (const [label, strip] of [['plain Node', null], ['Node without EventTarget, fetch, WebAssembly, performance, navigator, DOMException', STRIP]]) {
  const entry = pathToFileURL(join(pkg, 'index.js')).href;
  const testing = pathToFileURL(join(pkg, 'testing.js')).href;
  const elements = pathToFileURL(join(pkg, 'elements.js')).href;
  const run = spawnSync(process.execPath, ['--unhandled-rejections=strict', '--input-type=module', '-e', probe(entry, testing, elements, strip)], { encoding: 'utf8', timeout: 30000 });
  const problems = [];
  let out = null;
  try { out = JSON.parse(run.stdout.trim().split('\n').pop()); } catch { problems.push(`no result (exit ${run.status}): ${run.stdout}${run.stderr}`); }
  if (out) {
    if (out.globals.window !== 'undefined' || out.globals.document !== 'undefined') problems.push(`the environment has a window or document: ${JSON.stringify(out.globals)}`);
    if (strip && (out.globals.EventTarget !== 'undefined' || out.globals.WebAssembly !== 'undefined')) problems.push(`the globals were not removed: ${JSON.stringify(out.globals)}`);
    if (out.importError) problems.push(`importing index.js threw: ${out.importError}`);
    if (out.testingError) problems.push(`importing testing.js threw: ${out.testingError}`);
    // jit-permissions/elements registers nothing where there is no customElements, and its classes are undefined.
    if (out.elementsError) problems.push(`importing elements.js threw: ${out.elementsError}`);
    else if (out.elements !== 'JitCameraElement:undefined,JitGeolocationElement:undefined,JitMicrophoneElement:undefined,JitUserMediaElement:undefined,connect:function') problems.push(`elements.js exports ${out.elements}`);
    // jit-permissions/polyfill patches nothing and says nothing there; its `permissions` rejects (a browser is needed).
    if (out.polyfillError) problems.push(`importing polyfill.js threw: ${out.polyfillError}`);
    else if (!/^rejected: .*needs a browser/.test(out.polyfill)) problems.push(`polyfill.js's permissions: ${out.polyfill}`);
    else if (out.polyfillErrors.length) problems.push(`polyfill.js wrote to the console: ${out.polyfillErrors.join(' / ')}`);
    for (const name of ['install', 'isRefusal', 'JitPermissions', 'JitPermissionStatus']) {
      if (out.exports && !out.exports.includes(name)) problems.push(`index.js does not export ${name} (it exports ${out.exports})`);
    }
    for (const name of ['answer', 'answerWebDriver', 'auditTrail', 'choiceSelector', 'createClock', 'findChoice']) {
      if (out.testing && !out.testing.includes(name)) problems.push(`testing.js does not export ${name} (it exports ${out.testing})`);
    }
    if (out.testing && !(out.clock >= 15 && out.clock < 15 + 5000)) problems.push(`createClock(5) advanced by 10 reads ${out.clock}`);
    for (const r of out.install || []) {
      if (!r.rejected) problems.push(`install() resolved (${r.resolved}) where there is no browser`);
      else if (!r.rejected.isError) problems.push(`install() rejected with a non-Error: ${JSON.stringify(r.rejected)}`);
      else if (!/needs a browser/.test(r.rejected.message)) problems.push(`install()'s rejection does not say a browser is needed: ${r.rejected.message}`);
    }
  }
  if (run.status !== 0) problems.push(`the child exited ${run.status}: ${run.stderr.trim().split('\n').slice(0, 6).join(' / ')}`);
  if (problems.length) {
    failed++;
    console.log(`FAIL ${label}:\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`ok   ${label}: import index.js, testing.js, elements.js and polyfill.js, install() rejects: ${out.install[0].rejected.message.slice(0, 60)}…`);
  }
}
process.exit(failed ? 1 : 0);
