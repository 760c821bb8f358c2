// The first page: log in, choose a password when asked to, then connect over fair.v1 and
// show the fairs. Text from the server is always inserted as text, never as markup.
'use strict';

const $ = (id) => document.getElementById(id);
const views = ['login-view', 'password-view', 'fairs-view'];
let socket = null;
let retryMs = 500;
let retryTimer = null;

function show(view) {
  for (const v of views) $(v).hidden = v !== view;
}

function setStatus(text, ok) {
  $('status').textContent = text;
  $('status').className = 'status ' + (ok ? 'ok' : 'bad');
}

function showUser(user) {
  const who = $('who');
  who.hidden = !user;
  $('logout').hidden = !user;
  if (!user) return;
  const dealer = user.dealer ? ` · ${user.dealer.name} (${user.dealer.region}, ${user.dealer.tier})` : '';
  who.textContent = `${user.name} · ${user.role}${dealer}`;
}

function showFairs(fairs) {
  const list = $('fairs');
  list.replaceChildren();
  if (!fairs.length) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = 'no fairs yet';
    list.append(li);
    return;
  }
  for (const fair of fairs) {
    const li = document.createElement('li');
    const name = document.createElement('strong');
    const badge = document.createElement('span');
    const when = document.createElement('span');
    name.textContent = fair.name;
    badge.className = `fair-status ${fair.status}`;
    badge.textContent = fair.status;
    when.className = 'muted';
    const fmt = (t) => new Date(t).toLocaleString();
    when.textContent = ` ${fair.season} · ${fmt(fair.starts_at)} – ${fmt(fair.ends_at)} (${fair.timezone}, ${fair.currency})`;
    li.append(name, badge, when);
    list.append(li);
  }
}

async function api(path, body) {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  let json = null;
  try {
    json = await res.json();
  } catch {
    // an empty or non-JSON body
  }
  return { status: res.status, json };
}

function explain(res) {
  const message = res.json?.error?.message;
  switch (res.status) {
    case 401: return '帳號或密碼錯誤 Wrong login or password';
    case 429: return '嘗試次數過多，請稍後再試 Too many attempts: wait a few minutes';
    case 503: return '伺服器忙碌，請重試 The server is busy: try again';
    default: return message || `error ${res.status}`;
  }
}

function afterLogin(user) {
  showUser(user);
  if (user.must_change_password) {
    show('password-view');
    $('old-password').focus();
    return;
  }
  show('fairs-view');
  connect();
}

function loggedOut() {
  clearTimeout(retryTimer);
  if (socket) {
    socket.onclose = null;
    socket.close();
    socket = null;
  }
  showUser(null);
  setStatus('logged out', false);
  show('login-view');
  $('login').focus();
}

function connect() {
  clearTimeout(retryTimer);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/ws`, 'fair.v1');
  socket = ws;
  setStatus('connecting…', false);
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.ev === 'hello') {
      retryMs = 500;
      setStatus('connected', true);
      $('hello').textContent = JSON.stringify(msg, null, 2);
      showUser(msg.user);
      showFairs(msg.fairs);
    }
  };
  ws.onclose = async (event) => {
    if (socket !== ws) return;
    socket = null;
    // 4401: the session ended (logout elsewhere, password change, account disabled).
    // A refused upgrade shows as 1006: ask the server whether we are still logged in.
    if (event.code === 4401 || (event.code === 1006 && (await api('/api/me')).status === 401)) {
      loggedOut();
      return;
    }
    setStatus(`disconnected (${event.code}), retrying…`, false);
    retryTimer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  };
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  const res = await api('/api/login', { login: $('login').value.trim(), password: $('password').value });
  $('password').value = '';
  if (res.status !== 200) {
    $('login-error').textContent = explain(res);
    return;
  }
  afterLogin(res.json.user);
});

$('password-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('password-error').textContent = '';
  const res = await api('/api/password', { old: $('old-password').value, new: $('new-password').value });
  if (res.status !== 200) {
    $('password-error').textContent = res.status === 403 ? '目前密碼錯誤 The current password is wrong' : explain(res);
    return;
  }
  $('old-password').value = $('new-password').value = '';
  afterLogin(res.json.user);
});

$('logout').addEventListener('click', async () => {
  await api('/api/logout', {});
  loggedOut();
});

(async () => {
  const me = await api('/api/me');
  if (me.status === 200) afterLogin(me.json.user);
  else loggedOut();
})();
