import { install } from '../pkg/index.js';

const NAMES = ['camera', 'microphone', 'geolocation', 'notifications'];
const list = document.getElementById('states');
const statusLine = document.getElementById('status');

try {
  const permissions = await install();
  for (const name of NAMES) {
    const status = await permissions.query({ name });
    const item = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = name;
    const badge = document.createElement('span');
    badge.className = 'badge';
    item.append(label, badge);
    item.dataset.name = name;
    list.append(item);
    const render = () => {
      badge.dataset.state = status.state;
      badge.textContent = status.state + (status.grant ? ` (${status.grant})` : '') + (status.reason ? ` (${status.reason})` : '');
    };
    render();
    status.addEventListener('change', render);
  }
  statusLine.textContent = 'Ready.';
  document.documentElement.dataset.ready = 'true';
} catch (e) {
  statusLine.textContent = `Failed to start: ${e}`;
  throw e;
}
