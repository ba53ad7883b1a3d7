// The jit-permissions demo: one card per capability, each with a real small task that asks
// for its permission only when the task starts. Everything goes through the library:
// getUserMedia, getCurrentPosition and requestNotifications, each with the site's own reason.
//
// Works under a strict CSP (script-src 'self' 'wasm-unsafe-eval'; style-src 'self'): no inline
// scripts or styles; styles are set through classes and the `hidden` attribute only.
import { install } from '../pkg/index.js';
import { storeFinder } from './widget.js';

const NAMES = ['camera', 'microphone', 'geolocation', 'notifications'];
const LABELS = { camera: 'Camera', microphone: 'Microphone', geolocation: 'Location', notifications: 'Notifications' };
const FAST_HIDDEN_TIMEOUT = 10_000;

// What the site says in its pre-prompt: the reason in its own words and a picture of the task.
const PROMPTS = {
  camera: {
    title: 'Use your camera to take a profile photo?',
    reason: 'The camera is on only while you frame the photo and turns off as soon as you take it. '
      + 'The photo stays in this page; nothing is recorded or uploaded.',
    image: { src: 'img/camera.svg', alt: 'A camera viewfinder framing a smiling face, with a shutter button below' },
  },
  microphone: {
    title: 'Use your microphone to check your sound?',
    reason: 'A meter shows how loud you are, so you can fix your sound before a call. '
      + 'Nothing is recorded; the microphone turns off when you stop the meter.',
    image: { src: 'img/microphone.svg', alt: 'A microphone beside a level meter with rising bars' },
  },
  call: {
    title: 'Use your camera and microphone for a test video call?',
    reason: 'You see yourself, and nothing leaves this page: the test call connects to no one. '
      + 'Camera and microphone turn off when you end the call.',
    image: { src: 'img/camera.svg', alt: 'A camera viewfinder framing a smiling face, as in a video call' },
  },
  geolocation: {
    title: 'Use your location to tag this note?',
    reason: 'Your position is read once, when you tag the note, and saved only with that note in this page. '
      + 'It is not tracked in the background.',
    image: { src: 'img/location.svg', alt: 'A note card with a map pin placed on a small street map' },
  },
  notifications: {
    title: 'Let this site send you notifications?',
    reason: 'We tell you when your order ships, and nothing else. First you get one test notification, '
      + 'so you see what they look like.',
    image: { src: 'img/notifications.svg', alt: 'A bell with a message bubble that says your parcel is on its way' },
  },
};

const $ = (selector, root = document) => root.querySelector(selector);
const card = (name) => $(`.card[data-capability="${name}"]`);
const button = (action) => $(`button[data-action="${action}"]`);
const show = (el, visible = true) => { el.hidden = !visible; };

// ---- Fast expiry: a URL parameter (?expiry=fast) or this tab's session storage, then a reload.

function fastExpiryChosen() {
  const param = new URLSearchParams(location.search).get('expiry');
  try {
    if (param === 'fast' || param === 'normal') {
      sessionStorage.setItem('jit-demo-expiry', param);
      return param === 'fast';
    }
    return sessionStorage.getItem('jit-demo-expiry') === 'fast';
  } catch {
    return param === 'fast'; // session storage blocked: the address alone decides
  }
}

function setFastExpiry(fast) {
  const value = fast ? 'fast' : 'normal';
  try { sessionStorage.setItem('jit-demo-expiry', value); } catch { /* the address carries it */ }
  const url = new URL(location.href);
  url.searchParams.set('expiry', value);
  location.replace(url); // a new page: install() runs again with the new options
}

const fast = fastExpiryChosen();
const fastSwitch = $('#fast-expiry');
fastSwitch.checked = fast;
fastSwitch.addEventListener('change', () => {
  fastSwitch.disabled = true;
  $('[data-expiry-now]').textContent = 'Reloading with the new setting…';
  setFastExpiry(fastSwitch.checked);
});
$('[data-expiry-now]').textContent = fast
  ? 'Background limit now: 10 seconds (fast expiry is on).'
  : 'Background limit now: 5 minutes (the default).';
document.documentElement.dataset.expiry = fast ? 'fast' : 'normal';

// ---- The event log.

const log = $('#log');
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function addLog(kind, name, text) {
  const item = document.createElement('li');
  item.dataset.kind = kind; // "audit" or "change"
  item.dataset.name = name;
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = clock.format(now);
  const what = document.createElement('span');
  what.className = 'log-text';
  what.textContent = text;
  item.append(time, ' ', what);
  log.append(item);
  while (log.childElementCount > 200) log.firstElementChild.remove();
  log.scrollTop = log.scrollHeight;
  return item;
}

button('log-clear').addEventListener('click', () => log.replaceChildren());

function describeAudit({ type, name, detail }) {
  const label = LABELS[name] || name;
  switch (type) {
    case 'prompt-shown': return `${label}: the pre-prompt was shown`;
    case 'decision': return `${label}: decision: ${CHOICES[detail] || detail}`;
    case 'expiry': return `${label}: the one-time permission expired (${EXPIRY_CAUSES[detail] || detail})`;
    case 'revocation': return `${label}: permission revoked (${REVOCATION_CAUSES[detail] || detail})`;
    case 'reset': return `${label}: the site-level record was reset`;
    case 'embargo': return `${label}: asking is paused after repeated dismissals, until ${
      typeof detail === 'number' ? new Date(detail).toLocaleString('en-GB') : detail}`;
    case 'blocked': return `${label}: blocked (${BLOCK_CAUSES[detail] || detail})`;
    case 'declined': return `${label}: left out of the task`;
    default: return `${label}: ${type}${detail == null ? '' : ` (${detail})`}`;
  }
}

const CHOICES = {
  'allow-once': 'Allow this time',
  'allow-always': 'Allow on every visit',
  'dont-allow': "Don't allow",
  dismiss: 'closed without choosing (a dismissal)',
};
const EXPIRY_CAUSES = {
  hidden: 'every page of the site was in the background too long',
  'max-lifetime': '16 hours passed',
  'pages-gone': 'you left the site or closed its last page',
  unused: 'not used for a long time',
};
const BLOCK_CAUSES = {
  browser: "the browser's setting",
  system: "the device's privacy setting",
  policy: 'this frame may not use it',
  busy: 'another app is using it',
  'no-device': 'no such device',
};
const REVOCATION_CAUSES = {
  manual: 'from the controls',
  browser: 'the browser took it back',
  cleared: "the site's storage was cleared",
};

// ---- State badges.

function describeStatus(status) {
  if (status.state === 'granted') {
    return status.grant === 'one-time' ? 'Allowed this time' : 'Allowed on every visit';
  }
  if (status.state === 'denied') {
    if (status.reason === 'user') return "Blocked: you chose Don't allow";
    if (status.reason === 'embargo') return 'Paused after repeated dismissals';
    if (status.reason === 'system') return "Blocked by the device's settings";
    if (status.reason === 'policy') return 'Not allowed in this frame';
    return 'Blocked in the browser';
  }
  return 'Will ask first';
}

function renderBadge(status) {
  const badge = $(`[data-badge="${status.name}"]`);
  badge.dataset.state = status.state;
  badge.dataset.grant = status.grant || '';
  badge.dataset.reason = status.reason || '';
  $('.badge-text', badge).textContent = describeStatus(status);
}

// ---- Start.

const startup = $('#startup');
let permissions;
const statuses = {};

try {
  // indicator: a small "In use: Camera" badge at the top of the page while a camera or microphone track is live.
  // patch: the whole-page polyfill, so the store finder (widget.js, a third-party-style widget) is covered too.
  const installing = install({ indicator: true, patch: true, ...(fast ? { oneTime: { hiddenTimeout: FAST_HIDDEN_TIMEOUT } } : {}) });
  storeFinder(document.querySelector('[data-store-finder]'));
  permissions = await installing;
} catch (e) {
  startup.textContent = `The library could not start: ${e && e.message ? e.message : e}`;
  startup.classList.add('error');
  throw e;
}

permissions.addEventListener('audit', (event) => {
  const detail = event.detail;
  const item = addLog('audit', detail.name, describeAudit(detail));
  item.dataset.type = detail.type;
  item.dataset.detail = detail.detail == null ? '' : String(detail.detail);
  // A decision can change the kind of grant without changing the state (no `change` event), so
  // re-read that capability's status for its badge. The audit event comes before the library has
  // published the statuses of the same step, so read them a microtask later.
  const status = statuses[detail.name];
  if (status) queueMicrotask(() => renderBadge(status));
});

for (const name of NAMES) {
  const status = await permissions.query({ name });
  statuses[name] = status;
  renderBadge(status);
  status.addEventListener('change', () => {
    renderBadge(status);
    const item = addLog('change', name, `${LABELS[name]}: state is now ${status.state}${
      status.grant ? ` (${status.grant})` : ''}${status.reason ? ` (reason: ${status.reason})` : ''}`);
    item.dataset.type = 'change';
    item.dataset.state = status.state;
    onStateChange(name, status);
  });
}

// Keep the handle: it is how the panel is taken down again (`controls.destroy()`).
let controls = null;
try {
  controls = permissions.controls($('#controls'));
} catch (e) {
  // Keep the tasks usable if the panel cannot be mounted, and say so where it would be.
  const note = document.createElement('p');
  note.className = 'error';
  note.dataset.controlsError = '';
  note.textContent = `The controls panel could not be shown: ${e && e.message ? e.message : e}`;
  $('#controls').append(note);
  console.error(e);
}

startup.textContent = permissions.inMemory
  ? 'Ready. Storage is unavailable here, so your choices last only while this page is open.'
  : 'Ready. Pick a task to start.';
document.documentElement.dataset.ready = 'true';

// ---- Task results.

function result(name, text, tone = 'info') {
  const el = $(`[data-result="${name}"]`);
  el.textContent = text;
  el.dataset.tone = tone;
}

// Says why a gated call was refused, from the status the library now reports.
function refusal(name, error) {
  // A GeolocationPositionError with code 1 (PERMISSION_DENIED) is the browser's own refusal.
  const denied = error && (error.name === 'NotAllowedError' || (name === 'geolocation' && error.code === 1));
  if (!denied) {
    return `Could not finish the task: ${error && error.name ? `${error.name}: ${error.message}` : error}`;
  }
  const status = statuses[name];
  if (status.state === 'denied' && status.reason === 'user') {
    return "Not allowed: you chose Don't allow. To change your mind, use Reset in Your controls.";
  }
  if (status.state === 'denied' && status.reason === 'embargo') {
    return 'The site stopped asking for a while after you closed the question several times.';
  }
  if (status.state === 'denied' && status.reason === 'system') {
    return "Your device's privacy settings block it. Open Your controls, then How to unblock.";
  }
  if (status.state === 'denied') {
    return "It is blocked in your browser's settings. Open Your controls, then How to unblock.";
  }
  return 'You closed the question, so nothing was shared. Try again whenever you are ready.';
}

// A grant that ends (expiry, revocation, a block) stops what the task was doing. The library has
// already stopped the tracks it handed out; this tidies the page.
function onStateChange(name, status) {
  if (status.state === 'granted') return;
  const why = status.state === 'prompt' ? 'The permission ended' : 'The permission was blocked';
  if (name === 'camera' && camera.stream) {
    stopCamera();
    result('camera', `${why}, so the camera was turned off.`);
  }
  if (name === 'microphone' && meter.stream) {
    stopMeter();
    result('microphone', `${why}, so the microphone was turned off.`);
  }
  if ((name === 'camera' || name === 'microphone') && call.stream) {
    endCall();
    result('microphone', `${why}, so the test call ended.`);
  }
}

// ---- Camera: take a photo.

const camera = { stream: null };
const video = $('#camera-video');
const photo = $('#camera-photo');

function stopCamera() {
  if (camera.stream) for (const track of camera.stream.getTracks()) track.stop();
  camera.stream = null;
  video.srcObject = null;
  show($('[data-media="camera"]'), false);
  show(button('camera-capture'), false);
  show(button('camera-stop'), false);
  show(button('camera-start'));
}

// A task button stays focusable while its request runs (aria-disabled, not disabled), so the pre-prompt
// can give focus back to it when it closes; a second click meanwhile is ignored.
function setBusy(el, busy) {
  if (busy) el.setAttribute('aria-disabled', 'true');
  else el.removeAttribute('aria-disabled');
}

button('camera-start').addEventListener('click', async () => {
  const start = button('camera-start');
  if (start.getAttribute('aria-disabled') === 'true') return;
  setBusy(start, true);
  result('camera', 'Asking for the camera…');
  try {
    const stream = await permissions.getUserMedia({ video: { width: 640, height: 480 } }, PROMPTS.camera);
    camera.stream = stream;
    video.srcObject = stream;
    show($('[data-media="camera"]'));
    await video.play().catch(() => {});
    show(start, false);
    show(button('camera-capture'));
    show(button('camera-stop'));
    button('camera-capture').focus();
    card('camera').dataset.task = 'streaming';
    result('camera', 'The camera is on. Frame your photo, then take it.', 'ok');
  } catch (e) {
    result('camera', refusal('camera', e), 'warn');
  } finally {
    setBusy(start, false);
  }
});

button('camera-capture').addEventListener('click', () => {
  const w = video.videoWidth || 320;
  const h = video.videoHeight || 240;
  photo.width = w;
  photo.height = h;
  photo.getContext('2d').drawImage(video, 0, 0, w, h);
  show($('[data-photo]'));
  stopCamera();
  button('camera-start').focus();
  card('camera').dataset.task = 'photo-taken';
  result('camera', 'Photo taken. The camera is off again.', 'ok');
});

button('camera-stop').addEventListener('click', () => {
  stopCamera();
  button('camera-start').focus();
  card('camera').dataset.task = 'closed';
  result('camera', 'The camera is off.');
});

// ---- Microphone: a level meter.

const meter = { stream: null, context: null, frame: 0, peak: 0 };
const level = $('#microphone-level');
const peakText = $('[data-peak]');

function stopMeter() {
  cancelAnimationFrame(meter.frame);
  if (meter.stream) for (const track of meter.stream.getTracks()) track.stop();
  if (meter.context) meter.context.close().catch(() => {});
  meter.stream = null;
  meter.context = null;
  level.value = 0;
  level.textContent = '0%';
  show(button('microphone-stop'), false);
  show(button('microphone-start'));
}

button('microphone-start').addEventListener('click', async () => {
  const start = button('microphone-start');
  if (start.getAttribute('aria-disabled') === 'true') return;
  setBusy(start, true);
  result('microphone', 'Asking for the microphone…');
  try {
    const stream = await permissions.getUserMedia({ audio: true }, PROMPTS.microphone);
    const context = new AudioContext();
    await context.resume().catch(() => {});
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    Object.assign(meter, { stream, context, peak: 0 });
    const samples = new Float32Array(analyser.fftSize);
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // RMS in dBFS mapped from -60..0 dB to 0..100.
      const db = 20 * Math.log10(Math.sqrt(sum / samples.length) || 1e-6);
      const value = Math.round(Math.max(0, Math.min(100, ((db + 60) / 60) * 100)));
      level.value = value;
      level.textContent = `${value}%`;
      if (value > meter.peak) {
        meter.peak = value;
        peakText.textContent = `Peak ${value}%`;
        card('microphone').dataset.peak = String(value);
      }
      meter.frame = requestAnimationFrame(draw);
    };
    draw();
    show($('[data-media="microphone"]'));
    show(start, false);
    show(button('microphone-stop'));
    button('microphone-stop').focus();
    card('microphone').dataset.task = 'listening';
    result('microphone', 'Listening. Say something and watch the meter.', 'ok');
  } catch (e) {
    result('microphone', refusal('microphone', e), 'warn');
  } finally {
    setBusy(start, false);
  }
});

button('microphone-stop').addEventListener('click', () => {
  stopMeter();
  button('microphone-start').focus();
  card('microphone').dataset.task = 'stopped';
  result('microphone', `The microphone is off. Your peak level was ${meter.peak}%.`, 'ok');
});

// ---- A test video call: camera and microphone, one question (one pre-prompt names both).

const call = { stream: null };
const callVideo = $('#call-video');

function endCall() {
  if (call.stream) for (const track of call.stream.getTracks()) track.stop();
  call.stream = null;
  callVideo.srcObject = null;
  show($('[data-media="call"]'), false);
  show(button('call-end'), false);
  show(button('call-start'));
}

button('call-start').addEventListener('click', async () => {
  const start = button('call-start');
  if (start.getAttribute('aria-disabled') === 'true') return;
  setBusy(start, true);
  result('microphone', 'Asking for the camera and the microphone…');
  try {
    const stream = await permissions.getUserMedia({ audio: true, video: { width: 640, height: 480 } }, PROMPTS.call);
    call.stream = stream;
    callVideo.srcObject = stream;
    show($('[data-media="call"]'));
    await callVideo.play().catch(() => {});
    show(start, false);
    show(button('call-end'));
    button('call-end').focus();
    card('microphone').dataset.task = 'call';
    result('microphone', 'You are in the test call: camera and microphone are on. Nothing leaves this page.', 'ok');
  } catch (e) {
    // A refusal names one capability; the camera's status tells as well as the microphone's.
    const name = statuses.camera.state === 'denied' ? 'camera' : 'microphone';
    result('microphone', refusal(name, e), 'warn');
  } finally {
    setBusy(start, false);
  }
});

button('call-end').addEventListener('click', () => {
  endCall();
  button('call-start').focus();
  card('microphone').dataset.task = 'call-ended';
  result('microphone', 'The call ended: camera and microphone are off.', 'ok');
});

// ---- Location: tag a note.

const notes = $('[data-notes]');

$('[data-form="geolocation"]').addEventListener('submit', async (event) => {
  event.preventDefault();
  const tag = button('geolocation-tag');
  const text = $('#note-text').value.trim() || 'Untitled note';
  if (tag.getAttribute('aria-disabled') === 'true') return;
  setBusy(tag, true);
  result('geolocation', 'Asking for your location…');
  try {
    const position = await permissions.getCurrentPosition(
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 },
      PROMPTS.geolocation,
    );
    const { latitude, longitude, accuracy } = position.coords;
    const item = document.createElement('li');
    const note = document.createElement('span');
    note.className = 'note-text';
    note.textContent = text;
    const where = document.createElement('span');
    where.className = 'note-where';
    where.textContent = `${latitude.toFixed(4)}, ${longitude.toFixed(4)} (within ${Math.round(accuracy)} m)`;
    item.dataset.latitude = String(latitude);
    item.dataset.longitude = String(longitude);
    item.append(note, where);
    notes.append(item);
    card('geolocation').dataset.task = 'tagged';
    result('geolocation', 'Note tagged with your location.', 'ok');
  } catch (e) {
    if (e && typeof e.code === 'number' && e.code !== 1 && !(e instanceof DOMException)) {
      // A GeolocationPositionError: allowed, but no position could be had.
      result('geolocation', `No position could be found (${e.message || `code ${e.code}`}).`, 'warn');
    } else {
      result('geolocation', refusal('geolocation', e), 'warn');
    }
  } finally {
    setBusy(tag, false);
  }
});

// ---- Notifications: a test notification.

button('notifications-send').addEventListener('click', async () => {
  const send = button('notifications-send');
  if (send.getAttribute('aria-disabled') === 'true') return;
  setBusy(send, true);
  result('notifications', 'Asking to send notifications…');
  try {
    const answer = await permissions.requestNotifications(PROMPTS.notifications);
    if (answer !== 'granted') {
      result('notifications', `The browser answered "${answer}", so no notification was sent.`, 'warn');
      return;
    }
    const notification = new Notification('Your order has shipped (a test)', {
      body: 'This is what a notification from this site looks like.',
      icon: new URL('img/notifications.svg', location.href).href,
      tag: 'jit-permissions-demo',
    });
    card('notifications').dataset.task = 'sent';
    result('notifications', 'Test notification sent.', 'ok');
    notification.addEventListener('show', () => {
      card('notifications').dataset.task = 'shown';
      result('notifications', 'Test notification sent and shown.', 'ok');
    });
    notification.addEventListener('error', () => {
      result('notifications', 'The browser could not show the notification.', 'warn');
    });
  } catch (e) {
    result('notifications', refusal('notifications', e), 'warn');
  } finally {
    setBusy(send, false);
  }
});

// Turn off the camera and microphone when leaving the page.
addEventListener('pagehide', () => { stopCamera(); stopMeter(); endCall(); });

// For the page tests and the curious: the controller and the status objects.
window.jitDemo = { permissions, statuses, controls };
