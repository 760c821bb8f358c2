// Administration of dealers and users over the socket (PROTOCOL.md "Administration"): admin
// only, role checked before arguments, every refusal changes nothing, and changes that take
// access away close the user's sockets at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, connect, createUser, login, sql, within, httpGet, RFC3339_MS } from './harness.mjs';

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

  // without a password the server makes a temporary one, shown only in the reply
  const made = await admin.request('admin.user.create', { login: 'chengdu02', name: '王店員', role: 'dealer', dealer: d.dealer.id });
  assert.equal(made.ok, true, JSON.stringify(made));
  assert.match(made.temporary_password, /^[A-Za-z2-9]{12}$/);
  assert.equal(made.user.must_change_password, true);
  const first = await login(server, 'chengdu02', made.temporary_password);
  assert.equal(first.status, 200);
  assert.equal(first.user.must_change_password, true);
  assert.equal(JSON.stringify(await sql(db.url, `SELECT new FROM audit_log WHERE target = 'user:${made.user.id}'`)).includes(made.temporary_password), false,
    'the temporary password is not in the audit log');
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

test('a reset password lets in a user shut out by its failed logins', async () => {
  const u = await createUser(db.url, { login: 'locked-out', role: 'rep', password: 'locked password 1' });
  let status;
  for (let i = 0; i < 12 && status !== 429; i++) status = (await login(server, u.login, 'a wrong guess')).status;
  assert.equal(status, 429, 'shut out after too many failures');
  assert.equal((await login(server, u.login, 'locked password 1')).status, 429, 'even with the right password');
  // the accounts page says so, until the window's end (login_window_s, 900 s by default)
  const [listed] = (await admin.request('admin.users.list', { q: u.login })).users;
  assert.match(listed.shut_out_until, RFC3339_MS);
  const left = Date.parse(listed.shut_out_until) - Date.now();
  assert.ok(left > 800_000 && left <= 900_000, `shut out for the window: ${left} ms left`);
  const reset = await admin.request('admin.user.update', { user: u.id, reset_password: true });
  assert.equal(reset.ok, true, JSON.stringify(reset));
  assert.equal((await login(server, u.login, reset.temporary_password)).status, 200, 'in with the new one at once');
  assert.equal((await admin.request('admin.users.list', { q: u.login })).users[0].shut_out_until, null);
});

test('an admin finds accounts and dealers by a word, a role or a dealer, a page at a time', async () => {
  const d1 = (await admin.request('admin.dealer.create', { code: 'SZ01', name: '蘇州觀前街店', region: '華東', tier: 'A' })).dealer;
  const d2 = (await admin.request('admin.dealer.create', { code: 'SZ02', name: '蘇州石路店', region: '華東', tier: 'C' })).dealer;
  for (const [login, dealer] of [['sz-a', d1.id], ['sz-b', d1.id], ['sz-c', d2.id]]) {
    const r = await admin.request('admin.user.create', { login, password: 'first password 1', name: `店員 ${login}`, role: 'dealer', dealer });
    assert.equal(r.ok, true, JSON.stringify(r));
  }
  const rep = await admin.request('admin.user.create', { login: 'rep-suzhou', password: 'first password 1', name: '蘇州業務', role: 'rep', regions: ['華東'] });
  assert.equal(rep.ok, true);
  await login(server, 'sz-a', 'first password 1');

  // a word of the dealer's name finds its accounts, with the dealer's code and the last login
  const byName = await admin.request('admin.users.list', { q: '觀前' });
  assert.equal(byName.ok, true, JSON.stringify(byName));
  assert.equal(byName.total, 2);
  assert.deepEqual(byName.users.map((u) => u.login), ['sz-a', 'sz-b']);
  assert.equal(byName.users[0].dealer.code, 'SZ01');
  assert.match(byName.users[0].last_login, RFC3339_MS);
  assert.equal(byName.users[1].last_login, null);
  assert.match(byName.users[1].created_at, RFC3339_MS);
  assert.equal(byName.users[1].must_change_password, true);
  // by the dealer's code, by a login, by role, by dealer; % and _ are letters, not patterns
  assert.equal((await admin.request('admin.users.list', { q: 'sz02' })).users[0].login, 'sz-c');
  assert.deepEqual((await admin.request('admin.users.list', { role: 'rep', q: 'suzhou' })).users.map((u) => u.regions), [['華東']]);
  assert.equal((await admin.request('admin.users.list', { dealer: d1.id })).total, 2);
  assert.equal((await admin.request('admin.users.list', { q: '%' })).total, 0);
  // pages
  const all = await admin.request('admin.users.list', {});
  const page2 = await admin.request('admin.users.list', { limit: 2, offset: 2 });
  assert.equal(page2.total, all.total);
  assert.deepEqual(page2.users.map((u) => u.login), all.users.slice(2, 4).map((u) => u.login));
  assert.deepEqual(all.users.map((u) => u.login), [...all.users.map((u) => u.login)].sort());

  const dealers = await admin.request('admin.dealers.list', { q: '蘇州' });
  assert.equal(dealers.ok, true, JSON.stringify(dealers));
  assert.deepEqual(dealers.dealers.map((d) => [d.code, d.users]), [['SZ01', 2], ['SZ02', 1]]);
  assert.equal(dealers.total, 2);
  assert.equal((await admin.request('admin.dealers.list', { q: '華東', limit: 1 })).dealers.length, 1);

  // refusals
  for (const [op, args] of [['admin.users.list', { role: 'boss' }], ['admin.users.list', { limit: 0 }],
    ['admin.users.list', { q: '' }], ['admin.dealers.list', { offset: -1 }]]) {
    const r = await admin.request(op, args);
    assert.equal(r.error?.code, 'bad_request', `${op} ${JSON.stringify(args)} -> ${JSON.stringify(r)}`);
  }
  const shop = await connect(server, { cookie: (await login(server, 'sz-a', 'first password 1')).cookie });
  // a temporary password gets no socket: give it one first
  assert.equal((await within(shop.closed, 10_000, 'temporary password')).code, 4403);
  const staff = await createUser(db.url, { login: 'mgr-lists', role: 'manager', password: 'mgr password 1' });
  const mgr = await connect(server, { cookie: (await login(server, staff.login, staff.password)).cookie });
  await mgr.next('hello');
  for (const op of ['admin.users.list', 'admin.dealers.list', 'admin.dealer.update']) {
    assert.equal((await mgr.request(op, {})).error?.code, 'forbidden', op);
  }
  await mgr.close();
});

test('an admin changes a dealer: a new credit limit holds at once, a new tier ends its users\' sessions', async () => {
  const d = (await admin.request('admin.dealer.create', { code: 'HZ01', name: '杭州店', region: '華東', tier: 'B', credit_limit: 1000 })).dealer;
  const u = await createUser(db.url, { login: 'hz-a', dealerId: d.id, password: 'hz-a password 1' });
  const open = async () => {
    const c = await connect(server, { cookie: (await login(server, u.login, u.password)).cookie });
    c.hello = await c.next('hello');
    return c;
  };
  const audits = async () => Number((await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'dealer.update' AND target = 'dealer:${d.id}'`))[0][0]);
  let c = await open();

  const credit = await admin.request('admin.dealer.update', { dealer: d.id, credit_limit: 50_000_000, key_dealer: true, name: '杭州湖濱店' });
  assert.equal(credit.ok, true, JSON.stringify(credit));
  assert.deepEqual([credit.dealer.credit_limit, credit.dealer.key_dealer, credit.dealer.name, credit.dealer.tier], [50_000_000, true, '杭州湖濱店', 'B']);
  assert.equal(await audits(), 1);
  // the same again changes nothing and writes no audit entry; the session stays
  assert.equal((await admin.request('admin.dealer.update', { dealer: d.id, credit_limit: 50_000_000 })).ok, true);
  assert.equal(await audits(), 1);
  const ping = await c.request('ping', {});
  assert.equal(ping.ok, true, 'a credit change leaves the session open');

  const tier = await admin.request('admin.dealer.update', { dealer: d.id, tier: 'A' });
  assert.equal(tier.dealer.tier, 'A');
  assert.equal((await within(c.closed, 10_000, 'close on a new tier')).code, 4401);
  c = await open();
  assert.equal(c.hello.user.dealer.tier, 'A', 'logged in again, the dealer has its new tier');
  await c.close();
  assert.equal(await audits(), 2);
  const [[old, now]] = await sql(db.url, `SELECT old->>'tier', new->>'tier' FROM audit_log WHERE action = 'dealer.update' AND target = 'dealer:${d.id}' ORDER BY id DESC LIMIT 1`);
  assert.deepEqual([old, now], ['B', 'A']);

  const before = await sql(db.url, `SELECT name, region, tier, credit_limit, key_dealer FROM dealers WHERE id = ${d.id}`);
  for (const [args, code] of [
    [{ dealer: d.id }, 'bad_request'],
    [{ dealer: d.id, tier: 'a' }, 'bad_request'],
    [{ dealer: d.id, credit_limit: -1 }, 'bad_request'],
    [{ dealer: d.id, name: '' }, 'bad_request'],
    [{ dealer: d.id, region: 'x'.repeat(65) }, 'bad_request'],
    [{ dealer: 999999, tier: 'A' }, 'not_found'],
  ]) {
    const r = await admin.request('admin.dealer.update', args);
    assert.equal(r.error?.code, code, `${JSON.stringify(args)} -> ${JSON.stringify(r)}`);
  }
  assert.deepEqual(await sql(db.url, `SELECT name, region, tier, credit_limit, key_dealer FROM dealers WHERE id = ${d.id}`), before);
  assert.equal(await audits(), 2);
});
