// Administration of dealers and users over the socket (PROTOCOL.md "Administration"): admin
// only, role checked before arguments, every refusal changes nothing, and changes that take
// access away close the user's sockets at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, connect, createUser, login, sql, within, httpGet } from './harness.mjs';

let db;
let server;
let admin;

before(async () => {
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url }); // logged in as an admin
  admin = await connect(server);
  await admin.next('hello');
});

after(async () => {
  try {
    await admin?.close();
    if (server) await server.stop();
  } finally {
    if (db) await db.drop();
  }
});

const count = async (table) => Number((await sql(db.url, `SELECT count(*) FROM ${table}`))[0][0]);

test('an admin creates a dealer and its user; the user logs in and must choose a password', async () => {
  const d = await admin.request('admin.dealer.create', {
    name: '成都錦江服飾', region: '西南', tier: 'B', credit_limit: 50_000_000, key_dealer: true,
    addresses: [{ recipient: '李經理', phone: '028-1234-5678', address: '成都市錦江區春熙路 1 號' }],
  });
  assert.equal(d.ok, true, JSON.stringify(d));
  assert.equal(d.dealer.name, '成都錦江服飾');
  assert.equal(d.dealer.tier, 'B');
  assert.equal(d.dealer.credit_limit, 50_000_000);
  assert.equal(d.dealer.key_dealer, true);
  assert.match(d.dealer.code, /^D\d{4,}$/);
  assert.equal(d.dealer.addresses.length, 1);
  assert.equal(d.dealer.addresses[0].default, true);

  const u = await admin.request('admin.user.create', {
    login: 'ChengDu01', password: 'first password 1', name: '李經理', role: 'dealer', dealer: d.dealer.id,
  });
  assert.equal(u.ok, true, JSON.stringify(u));
  assert.equal(u.user.login, 'chengdu01');
  assert.equal(u.user.must_change_password, true);
  assert.equal(u.user.dealer.id, d.dealer.id);
  const session = await login(server, 'chengdu01', 'first password 1');
  assert.equal(session.status, 200);
  assert.equal(session.user.must_change_password, true);

  const [[action, actor]] = await sql(db.url, `SELECT action, actor FROM audit_log WHERE target = 'user:${u.user.id}'`);
  assert.equal(action, 'user.create');
  assert.equal(Number(actor), server.user.id);
});

test('refusals change nothing: role first, then arguments, then state', async () => {
  const rep = await createUser(db.url, { login: 'rep-x', role: 'rep', password: 'rep-x password' });
  const repClient = await connect(server, { cookie: (await login(server, rep.login, rep.password)).cookie });
  await repClient.next('hello');
  const usersBefore = await count('users');
  const dealersBefore = await count('dealers');

  // forbidden even with bad arguments: role is checked first
  for (const [op, args] of [['admin.user.create', { nonsense: 1 }], ['admin.dealer.create', {}], ['admin.user.update', { user: 1 }]]) {
    const r = await repClient.request(op, args);
    assert.equal(r.error?.code, 'forbidden', `${op}: ${JSON.stringify(r)}`);
  }
  const bad = [
    [{ login: 'x1', password: 'long enough 1', name: 'X', role: 'boss' }, 'bad_request'],
    [{ login: 'x2', password: 'long enough 1', name: 'X', role: 'dealer' }, 'bad_request'],
    [{ login: 'x3', password: 'long enough 1', name: 'X', role: 'dealer', dealer: 999999 }, 'not_found'],
    [{ login: 'x4', password: 'long enough 1', name: 'X', role: 'rep', dealer: 1 }, 'bad_request'],
    [{ login: 'x5', password: 'short', name: 'X', role: 'rep' }, 'bad_request'],
    [{ login: 'x6', password: 'x6 is my password', name: 'X', role: 'rep' }, 'bad_request'],
    [{ login: 'rep-x', password: 'long enough 1', name: 'X', role: 'rep' }, 'conflict'],
    [{ login: 'bad login!', password: 'long enough 1', name: 'X', role: 'rep' }, 'bad_request'],
    [{ login: 'x7', password: 'long enough 1', name: 'X', role: 'rep', regions: [1] }, 'bad_request'],
  ];
  for (const [args, code] of bad) {
    const r = await admin.request('admin.user.create', args);
    assert.equal(r.error?.code, code, `${JSON.stringify(args)} -> ${JSON.stringify(r)}`);
    assert.ok(r.error.message.length > 0);
  }
  for (const [args, code] of [
    [{ name: 'N', region: 'R', tier: 'AB' }, 'bad_request'],
    [{ name: 'N', region: 'R', tier: 'a' }, 'bad_request'],
    [{ name: 'N', region: 'R', tier: 'A', credit_limit: -1 }, 'bad_request'],
    [{ name: 'N', region: 'R', tier: 'A', addresses: [{ phone: '1' }] }, 'bad_request'],
    [{ name: 'N', region: 'R', tier: 'A', addresses: ['x'] }, 'bad_request'],
  ]) {
    const r = await admin.request('admin.dealer.create', args);
    assert.equal(r.error?.code, code, `${JSON.stringify(args)} -> ${JSON.stringify(r)}`);
  }
  assert.equal((await admin.request('admin.user.update', { user: 999999, disabled: true })).error?.code, 'not_found');
  assert.equal(await count('users'), usersBefore);
  assert.equal(await count('dealers'), dealersBefore);
  await repClient.close();
});

test('disabling a user, resetting its password or changing its role ends its sessions', async () => {
  const rep = await createUser(db.url, { login: 'rep-y', role: 'rep', password: 'rep-y password' });
  const open = async () => {
    const c = await connect(server, { cookie: (await login(server, rep.login, 'rep-y password')).cookie });
    await c.next('hello');
    return c;
  };

  let c = await open();
  const off = await admin.request('admin.user.update', { user: rep.id, disabled: true });
  assert.equal(off.ok, true, JSON.stringify(off));
  assert.equal(off.user.disabled, true);
  assert.equal((await within(c.closed, 10_000, 'close on disable')).code, 4401);
  assert.equal((await login(server, rep.login, 'rep-y password')).status, 401);
  assert.equal((await admin.request('admin.user.update', { user: rep.id, disabled: false })).ok, true);

  c = await open();
  const reset = await admin.request('admin.user.update', { user: rep.id, reset_password: true });
  assert.equal(reset.ok, true, JSON.stringify(reset));
  assert.match(reset.temporary_password, /^[A-Za-z2-9]{12}$/);
  assert.equal(reset.user.must_change_password, true);
  assert.equal((await within(c.closed, 10_000, 'close on reset')).code, 4401);
  assert.equal((await login(server, rep.login, 'rep-y password')).status, 401);
  const fresh = await login(server, rep.login, reset.temporary_password);
  assert.equal(fresh.status, 200);
  assert.equal(fresh.user.must_change_password, true);

  // The temporary password gets no socket (4403) until it is changed, then the session does.
  c = await connect(server, { cookie: fresh.cookie });
  assert.equal((await within(c.closed, 10_000, 'close of a temporary password')).code, 4403);
  const changed = await httpGet(`${server.url}/api/password`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: fresh.cookie },
    body: JSON.stringify({ old: reset.temporary_password, new: 'a better password 9' }),
  });
  assert.equal(changed.status, 200, changed.body);
  c = await connect(server, { cookie: fresh.cookie });
  await c.next('hello');
  const promoted = await admin.request('admin.user.update', { user: rep.id, role: 'manager', regions: ['華東', '華南'] });
  assert.equal(promoted.ok, true, JSON.stringify(promoted));
  assert.equal(promoted.user.role, 'manager');
  assert.deepEqual(promoted.user.regions, ['華東', '華南']);
  assert.equal((await within(c.closed, 10_000, 'close on role change')).code, 4401);
  const audits = await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'user.update' AND target = 'user:${rep.id}'`);
  assert.equal(audits[0][0], '4');
});
