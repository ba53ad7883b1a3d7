// The demo's second page: the same library, the same controls. A one-time permission given on the
// tasks page carries over here (a same-origin navigation keeps it), so the camera opens without a
// second question; closing every page of the site, or leaving it, ends it.
import { install } from '../pkg/index.js';

const $ = (selector, root = document) => root.querySelector(selector);
const button = (action) => $(`button[data-action="${action}"]`);
const show = (el, visible = true) => { el.hidden = !visible; };

const PROMPT = {
  title: 'Use your camera to check your profile photo?',
  reason: 'The camera is on only while this preview is open. Nothing is recorded or uploaded.',
  image: { src: 'img/camera.svg', alt: 'A camera viewfinder framing a smiling face' },
};

const permissions = await install();
const camera = await permissions.query({ name: 'camera' });

function renderBadge() {
  const badge = $('[data-badge="camera"]');
  badge.dataset.state = camera.state;
  badge.dataset.grant = camera.grant || '';
  badge.dataset.reason = camera.reason || '';
  let text = 'Will ask first';
  if (camera.state === 'granted') text = camera.grant === 'one-time' ? 'Allowed this time' : 'Allowed on every visit';
  else if (camera.state === 'denied') text = camera.reason === 'user' ? "Blocked: you chose Don't allow" : 'Blocked';
  $('.badge-text', badge).textContent = text;
}
renderBadge();
camera.addEventListener('change', renderBadge);
permissions.addEventListener('audit', () => queueMicrotask(renderBadge));

const controls = permissions.controls($('#controls'));
$('#startup').textContent = 'Ready.';
document.documentElement.dataset.ready = 'true';

let stream = null;
const video = $('#camera-video');
const result = (text) => { $('[data-result="camera"]').textContent = text; };

function stop() {
  if (stream) for (const track of stream.getTracks()) track.stop();
  stream = null;
  video.srcObject = null;
  show($('[data-media="camera"]'), false);
  show(button('camera-stop'), false);
  show(button('camera-start'));
}

button('camera-start').addEventListener('click', async () => {
  try {
    stream = await permissions.getUserMedia({ video: true }, PROMPT);
    video.srcObject = stream;
    show($('[data-media="camera"]'));
    await video.play().catch(() => {});
    show(button('camera-start'), false);
    show(button('camera-stop'));
    result('The camera is on.');
    renderBadge();
    // The library stops its tracks when the permission ends (revoked, expired): tidy up then.
    for (const track of stream.getTracks()) track.addEventListener('ended', () => { stop(); result('The permission ended, so the camera was turned off.'); });
  } catch (e) {
    result(e && e.name === 'NotAllowedError' ? `Not allowed (${e.reason}).` : `Could not open the camera: ${e && e.message}`);
  }
});
button('camera-stop').addEventListener('click', () => { stop(); result('The camera is off.'); });
addEventListener('pagehide', stop);

window.jitDemo = { permissions, statuses: { camera }, controls };
