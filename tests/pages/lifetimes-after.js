// The second part of lifetimes.test.html: page A, the only page of the origin, navigated here (harness.js
// handOff(); its results came along). A one-time grant ends when every page of the origin was closed or navigated
// away: this new page must find A's one-time grants expired.
import { test, assert, assertEqual, note, finish } from './harness.js';

const KEY = 'jit-permissions';
const storedAtLoad = localStorage.getItem(KEY);

await test('after A, the last page, navigated away: storage lists no live page, and A ended the one-time grants', async () => {
  note(`stored at load: ${storedAtLoad}`);
  assert(storedAtLoad && storedAtLoad.startsWith('jp1'), `stored ${JSON.stringify(storedAtLoad)}`);
  // Browsers fire visibilitychange (hidden) after pagehide while unloading: a page that listed itself again
  // then would stay in the registry as a live page that is not there.
  assert(!/\|p\d+/.test(storedAtLoad), 'a page is still listed as live: a closed or navigated page listed itself again');
  assert(/\|cx/.test(storedAtLoad) && /\|mx/.test(storedAtLoad),
    'the one-time grants are not ended (x): A was the last page of the origin when it went (pagehide)');
});

await test('a new page of the origin after the last one went: the one-time grants are expired (prompt)', async () => {
  const { install } = await import('/pkg/index.js');
  const p = await install();
  for (const name of ['camera', 'microphone']) {
    const s = await p.query({ name });
    assertEqual(s.state, 'prompt', `${name} state`);
    assertEqual(s.grant, null, `${name} grant`);
  }
  const stored = localStorage.getItem(KEY);
  note(`stored after install: ${stored}`);
  assert(/\|cx/.test(stored) && /\|mx/.test(stored), `the ended grants are not stored as ended ('x'): ${stored}`);
});

await finish();
