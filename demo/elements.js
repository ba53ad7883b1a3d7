// The capability elements in the demo (issue 14): <jit-geolocation> on the location card and <jit-usermedia> on the
// video-call card. Importing the entry `jit-permissions/elements` registers them; they share the page's controller
// (demo.js installs it), so their grants show in the controls panel and the event log like any other.
import '../pkg/elements.js';

const $ = (selector) => document.querySelector(selector);

function say(name, text, tone = 'info') {
  const el = $(`[data-element-result="${name}"]`);
  el.textContent = text;
  el.dataset.tone = tone;
}

const where = $('#where-am-i');
where.addEventListener('location', () => {
  if (where.position) {
    const { latitude, longitude, accuracy } = where.position.coords;
    say('geolocation', `You are near ${latitude.toFixed(3)}, ${longitude.toFixed(3)} (within ${Math.round(accuracy)} m).`, 'ok');
  } else {
    say('geolocation', `No position: ${where.error ? where.error.message : 'unknown error'}.`, 'warn');
  }
});
where.addEventListener('promptdismiss', () => say('geolocation', 'Closed without a choice: nothing was shared.', 'warn'));

const call = $('#join-call');
const video = $('#call-video');
const leave = $('[data-action="call-leave"]');
function endCall(text) {
  for (const track of (video.srcObject && video.srcObject.getTracks()) || []) track.stop();
  video.srcObject = null;
  $('[data-media="video-call"]').hidden = true;
  leave.hidden = true;
  if (text) say('video-call', text);
}
call.addEventListener('stream', () => {
  const stream = call.stream;
  video.srcObject = stream;
  video.play().catch(() => {});
  $('[data-media="video-call"]').hidden = false;
  leave.hidden = false;
  say('video-call', 'You are in the call.', 'ok');
  // A one-time grant that ends (expiry, revoke in the controls) ends the tracks: the call ends with them.
  for (const track of stream.getTracks()) track.addEventListener('ended', () => { if (video.srcObject === stream) endCall('The call ended: access to the camera or microphone ended.'); });
});
call.addEventListener('cancel', () => say('video-call', `Not joined: ${call.error ? call.error.message : 'not allowed'}.`, 'warn'));
call.addEventListener('error', () => say('video-call', `Not joined: ${call.error ? call.error.message : 'the devices failed'}.`, 'warn'));
call.addEventListener('promptdismiss', () => say('video-call', 'Closed without a choice: you did not join.', 'warn'));
leave.addEventListener('click', () => endCall('You left the call.'));
