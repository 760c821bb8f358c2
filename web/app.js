// The first page: connect over fair.v1, show the hello and the fairs.
// Text from the server is always inserted as text, never as markup.
'use strict';

const statusEl = document.getElementById('status');
const helloEl = document.getElementById('hello');
const fairsEl = document.getElementById('fairs');
let retryMs = 500;

function setStatus(text, ok) {
  statusEl.textContent = text;
  statusEl.className = 'status ' + (ok ? 'ok' : 'bad');
}

function showFairs(fairs) {
  fairsEl.replaceChildren();
  if (!fairs.length) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = 'no fairs yet';
    fairsEl.append(li);
    return;
  }
  for (const fair of fairs) {
    const li = document.createElement('li');
    const badge = document.createElement('span');
    li.textContent = `${fair.name} (${fair.season}) ${fair.starts_at} – ${fair.ends_at}`;
    badge.className = 'fair-status';
    badge.textContent = fair.status;
    li.append(badge);
    fairsEl.append(li);
  }
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/ws`, 'fair.v1');
  ws.onopen = () => { retryMs = 500; };
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.ev === 'hello') {
      setStatus('connected', true);
      helloEl.textContent = JSON.stringify(msg, null, 2);
      showFairs(msg.fairs);
    }
  };
  ws.onclose = (event) => {
    setStatus(`disconnected (${event.code}), retrying…`, false);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  };
}

connect();
