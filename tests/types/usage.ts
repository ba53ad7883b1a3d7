// A site's own TypeScript, as it would use the published package: compiled by the same tsc run as the sources
// (tsconfig.json maps `jit-permissions` and `jit-permissions/*` to js/*.d.ts, as the package's `types` do). It fails
// to compile when a declaration stops fitting ordinary use, and each `@ts-expect-error` line fails when the types stop
// rejecting a mistake a site could make. Never run: type checking only.
import {
  install, isRefusal, JitPermissionStatus,
  type AuditDetail, type Choice, type InstallOptions, type JitPermissionSnapshot, type RefusalReason,
} from 'jit-permissions';
import { answer, auditTrail, choiceSelector, createClock } from 'jit-permissions/testing';
import { permissions as polyfilled } from 'jit-permissions/polyfill';

export async function site(video: HTMLVideoElement, panel: HTMLElement): Promise<void> {
  const clock = createClock();
  const options: InstallOptions = {
    oneTime: { maxLifetime: 60 * 60 * 1000, hiddenTimeout: 5 * 60 * 1000 },
    embargo: { dismissals: 3 },
    prompts: { camera: { title: 'Scan a code', reason: 'To read the code on your ticket.' } },
    strings: { allowOnce: 'Just this once' },
    headingLevel: 3,
    clock,
  };
  const permissions = await install(options);
  const trail = auditTrail(permissions);

  // query(): a gated name gives the library's status, another name the browser's.
  const camera = await permissions.query({ name: 'camera' });
  const state: PermissionState = camera.state;
  const until: number | null = camera.expiresAt;
  camera.onchange = function () { console.log(this.name, this.state, this.grant); };
  camera.addEventListener('change', () => console.log(camera.toJSON().lastDecision));
  const other = await permissions.query({ name: 'persistent-storage' });
  if (!(other instanceof JitPermissionStatus)) console.log(other.state);

  // The gated calls, and the one shape of every refusal.
  try {
    video.srcObject = await permissions.getUserMedia({ video: true }, { reason: 'To scan the code.', reconsider: true });
  } catch (e) {
    if (isRefusal(e)) {
      const why: RefusalReason = e.reason;
      if (why === 'user' || why === 'browser') await permissions.help({ name: 'camera' });
    }
  }
  const position: GeolocationPosition = await permissions.getCurrentPosition({ timeout: 5000 });
  const watch = permissions.watchPosition((p) => console.log(p.coords.latitude), (e) => console.log(e.code));
  permissions.clearWatch(watch);
  const notifications: NotificationPermission = await permissions.requestNotifications({ title: 'Stay posted' });

  // A task that needs several capabilities resolves with one status each.
  const [cam, mic]: JitPermissionStatus[] = await permissions.request([{ name: 'camera' }, { name: 'microphone', optional: true }]);
  console.log(cam.state, mic.state, position.timestamp, notifications, state, until);

  // Audit events, narrowed on their type.
  permissions.addEventListener('audit', (e) => {
    const record: AuditDetail = e.detail;
    if (record.type === 'decision') { const choice: Choice = record.choice; console.log(choice); }
    if (record.type === 'embargo') console.log(new Date(record.until));
  });

  // A store for a framework: a frozen snapshot, and subscribe().
  const snapshot: JitPermissionSnapshot = permissions.snapshot({ name: 'geolocation' });
  const unsubscribe: () => void = permissions.subscribe({ name: 'geolocation' }, (s) => console.log(s.state === snapshot.state));
  unsubscribe();

  // The controls panel and the indicator.
  const controls = permissions.controls(panel);
  if (await controls.ready) controls.destroy();
  permissions.indicator().destroy();
  await permissions.revoke({ name: 'camera' });
  await permissions.reset({ name: 'camera' });
  permissions.refresh();
  console.log(permissions.locale, permissions.inMemory, (await polyfilled) === permissions);

  // jit-permissions/testing, in an end-to-end test.
  clock.advance(61 * 60 * 1000);
  console.log(choiceSelector('allow-once', 'camera'), trail.records.length);
  await answer({ locator: () => ({ click: async () => {} }) }, 'dont-allow', { name: 'camera', timeout: 5000 });
  trail.stop();

  // Mistakes the types reject.
  // @ts-expect-error a duration is a number of ms
  await install({ oneTime: { maxLifetime: '1h' } });
  // @ts-expect-error no such string key
  await install({ strings: { allowTwice: 'Twice' } });
  // @ts-expect-error request() takes a gated capability
  await permissions.request({ name: 'persistent-storage' });
  // @ts-expect-error a status's fields are read-only
  camera.state = 'granted';
  // @ts-expect-error the statuses are the library's to make
  new JitPermissionStatus();
  // @ts-expect-error no such choice
  choiceSelector('allow-forever');
}
