// install(options) validation: a wrong type or range is a TypeError that names the field, and a failed
// install can be retried. This needs its own page: once an install succeeds, later calls ignore their options.
import { test, assert, assertRejects, describe, load, freshStorage, finish } from './harness.js';

freshStorage();
const mod = await load();

if (mod) {
  const BAD = [
    [{ oneTime: { hiddenTimeout: 'x' } }, 'oneTime.hiddenTimeout'],
    [{ embargo: { dismissals: 0 } }, 'embargo.dismissals'],
    [{ patch: 'yes' }, 'patch'],
    [{ oneTime: { maxLifetime: -5 } }, 'oneTime.maxLifetime'],
    [{ embargo: { duration: '7d' } }, 'embargo.duration'],
    [{ persistent: { unusedAfter: 0 } }, 'persistent.unusedAfter'],
    // Misspelt or unknown options are errors, never silently ignored.
    [{ onetime: { maxLifetime: 1000 } }, 'onetime'],
    [{ oneTime: { maxlifetime: 1000 } }, 'oneTime.maxlifetime'],
    [{ embargo: { count: 2 } }, 'embargo.count'],
    [{ prompts: { camera: { titel: 'x' } } }, 'prompts.camera.titel'],
    [{ prompts: { video: {} } }, 'prompts.video'],
    [5, null],
  ];
  for (const [options, field] of BAD) {
    const label = JSON.stringify(options);
    await test(`install(${label}) rejects TypeError${field ? ` naming '${field}'` : ''}`, async () => {
      const err = await assertRejects(() => mod.install(options), 'TypeError', `install(${label})`);
      if (field) assert(String(err.message).includes(field), `message does not name '${field}': ${JSON.stringify(err.message)}`);
    });
  }

  await test('after failed installs, install() resolves (a failed install can be retried)', async () => {
    const p = await mod.install();
    assert(p && typeof p.query === 'function', `install() resolved with ${describe(p)}`);
    const status = await p.query({ name: 'camera' });
    assert(status.name === 'camera', `query after retry: name ${JSON.stringify(status.name)}`);
    assert(navigator.permissions.query.toString().includes('[native code]'), 'a failed install({patch: "yes"}) left query patched');
    assert((await mod.install()) === p, 'install() again resolved with another object');
  });
}

await finish();
