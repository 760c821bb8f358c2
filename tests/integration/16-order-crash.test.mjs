// Orders survive the server dying (DESIGN.md, Orders: "an acknowledged order is never lost
// or doubled"): kill -9 in the middle of a burst from a couple of hundred dealers, restart,
// resend what was not answered; and a batch whose database connection is cut in flight is
// resolved, never guessed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, connect, sql, makeFair, mintDealers, openPsql, waitFor } from './harness.mjs';

const SANITIZED = process.env.FAIR_SANITIZED === '1';
const DEALERS = 200;
const ORDERS_PER_DEALER = SANITIZED ? 8 : 15;
const IN_FLIGHT_PER_DEALER = 3;

let db;
let fx;
let dealers;

before(async () => {
  db = await createDatabase();
  await (await startServer({ databaseUrl: db.url, user: false })).stop(); // migrates
  fx = await makeFair(db.url, { name: '崩潰測試會', products: 5 });
  // Enough that most orders are accepted: the test is about what was acknowledged.
  await sql(db.url, `UPDATE stock SET allocation = 1000 WHERE fair_id = ${fx.fair}`);
  dealers = await mintDealers(db.url, DEALERS + 1, { prefix: `crash${process.pid}x` });
});

after(async () => {
  if (db) await db.drop();
});

const allVariants = () => fx.products.flatMap((p) => p.variants);

test('kill -9 mid-burst: every acknowledged order is there exactly once, resent keys are not doubled', { timeout: 300_000 }, async () => {
  let server = await startServer({ databaseUrl: db.url, user: false });
  const variants = allVariants();
  // Each dealer's planned orders: 1–3 units of 1–2 variants, keys fixed in advance.
  const plans = dealers.slice(0, DEALERS).map((d, i) => ({
    dealer: d,
    orders: Array.from({ length: ORDERS_PER_DEALER }, (_, j) => {
      const first = variants[(i * 7 + j * 3) % variants.length];
      const second = variants[(i * 5 + j * 11 + 1) % variants.length];
      const lines = [{ variant: first, qty: 1 + ((i + j) % 3) }];
      if (second !== first && j % 2) lines.push({ variant: second, qty: 1 });
      return { key: `c${i}-${j}`, lines, reply: null };
    }),
  }));
  const total = DEALERS * ORDERS_PER_DEALER;
  const clients = await Promise.all(plans.map(async (p) => {
    const c = await connect(server, { cookie: p.dealer.cookie });
    await c.next('hello', 10_000);
    return c;
  }));

  // Each dealer keeps a few orders in flight; the server is killed once about half of all
  // orders have been answered.
  let answered = 0;
  let killed = false;
  const started = Date.now();
  const killedAt = new Promise((resolve) => {
    const check = setInterval(() => {
      if (answered >= total / 2) {
        clearInterval(check);
        killed = true;
        server.proc.kill('SIGKILL');
        resolve(Date.now() - started);
      }
    }, 2);
  });
  await Promise.all(plans.map(async (p, i) => {
    const c = clients[i];
    let next = 0;
    const worker = async () => {
      while (next < p.orders.length && !killed && c.isOpen) {
        const o = p.orders[next++];
        try {
          o.reply = await c.request('order.place', { fair: fx.fair, key: o.key, lines: o.lines }, 60_000);
          answered++;
        } catch {
          return; // the connection died with the server
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT_PER_DEALER }, worker));
  }));
  const killMs = await killedAt;
  await server.exited;
  const acked = plans.flatMap((p) => p.orders.filter((o) => o.reply?.ok));
  const unanswered = plans.flatMap((p) => p.orders.filter((o) => !o.reply));
  console.log(`killed after ${killMs} ms with ${answered} of ${total} orders answered ` +
    `(${acked.length} accepted); ${unanswered.length} not answered`);
  assert.ok(acked.length > 0 && unanswered.length > 0, 'the kill fell in the middle of the burst');

  // Restart; clients resend every order they got no answer for, with the same key.
  server = await startServer({ databaseUrl: db.url, user: false });
  try {
    const byDealer = new Map();
    for (const p of plans) byDealer.set(p.dealer.dealerId, p);
    const resent = await Promise.all(plans.map(async (p) => {
      const todo = p.orders.filter((o) => !o.reply);
      if (!todo.length) return [];
      const c = await connect(server, { cookie: p.dealer.cookie });
      await c.next('hello', 10_000);
      const replies = [];
      for (const o of todo) {
        const r = await c.request('order.place', { fair: fx.fair, key: o.key, lines: o.lines }, 60_000);
        o.reply = r;
        replies.push(r);
      }
      await c.close();
      return replies;
    }));
    const flat = resent.flat();
    const duplicates = flat.filter((r) => r.ok && r.duplicate).length;
    console.log(`resent ${flat.length} keys: ${duplicates} had committed before the kill, ` +
      `${flat.filter((r) => r.ok && !r.duplicate).length} made now, ${flat.filter((r) => !r.ok).length} refused`);
    for (const r of flat) {
      assert.ok(r.ok || ['insufficient_stock', 'limit_exceeded', 'credit_exceeded'].includes(r.error.code),
        JSON.stringify(r));
    }

    // The database against every answer: each acknowledged order once, as acknowledged.
    const rows = await sql(db.url, `SELECT o.id, o.dealer_id, o.key, o.total,
        string_agg(l.variant_id || ':' || l.qty || ':' || l.price, ',' ORDER BY l.variant_id)
      FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.fair_id = ${fx.fair}
      GROUP BY o.id`);
    const stored = new Map(rows.map(([id, dealer, key, totalValue, lines]) =>
      [`${dealer}/${key}`, { id: Number(id), total: Number(totalValue), lines }]));
    const lineText = (order) => order.lines.slice().sort((x, y) => x.variant - y.variant)
      .map((l) => `${l.variant}:${l.qty}:${l.price}`).join(',');
    let ok = 0;
    for (const p of plans) {
      for (const o of p.orders) {
        const row = stored.get(`${p.dealer.dealerId}/${o.key}`);
        if (o.reply?.ok) {
          ok++;
          assert.ok(row, `acknowledged order ${o.key} of dealer ${p.dealer.dealerId} is stored`);
          assert.equal(row.id, o.reply.order.id);
          assert.equal(row.total, o.reply.order.total);
          assert.equal(row.lines, lineText(o.reply.order), `order ${o.key}: the acknowledged lines and prices`);
        } else {
          assert.equal(row, undefined, `refused order ${o.key} stored nothing`);
        }
      }
    }
    assert.equal(stored.size, ok, 'no order the clients were not told about');

    const stock = await sql(db.url, `SELECT s.variant_id, s.allocation, s.sold,
        coalesce((SELECT sum(l.qty) FROM order_lines l JOIN orders o ON o.id = l.order_id
                  WHERE o.fair_id = s.fair_id AND l.variant_id = s.variant_id), 0)
      FROM stock s WHERE s.fair_id = ${fx.fair}`);
    for (const [variant, allocation, sold, ordered] of stock) {
      assert.equal(Number(sold), Number(ordered), `variant ${variant}: sold matches its order lines`);
      assert.ok(Number(allocation) - Number(sold) >= 0, `variant ${variant}: not oversold`);
    }
    const [[differences]] = await sql(db.url, `SELECT count(*) FROM dashboard_check(${fx.fair})`);
    assert.equal(Number(differences), 0, 'the dashboard totals agree with the orders after the crash');
  } finally {
    await server.stop();
  }
});

test('a batch whose connection is cut in flight is resolved after its backend is gone', { timeout: 120_000 }, async () => {
  const server = await startServer({ databaseUrl: db.url, user: false });
  try {
    const d = dealers[DEALERS];
    const client = await connect(server, { cookie: d.cookie });
    await client.next('hello', 10_000);
    const variant = fx.products[0].variants[0];
    const [[before]] = await sql(db.url, `SELECT sold FROM stock WHERE fair_id = ${fx.fair} AND variant_id = ${variant}`);

    // Hold the dealer's row so the batch waits in its backend, then cut that backend off.
    const psql = openPsql(db.url);
    let reply;
    try {
      await psql.query(`BEGIN; SELECT 1 FROM dealers WHERE id = ${d.dealerId} FOR UPDATE`);
      const pending = client.request('order.place', { fair: fx.fair, key: 'cut', lines: [{ variant, qty: 1 }] }, 60_000);
      const pid = await waitFor(async () => {
        const rows = await sql(db.url, `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'fairserver'
          AND query LIKE '%order_place_batch%' AND wait_event_type = 'Lock'`);
        return rows.length ? Number(rows[0][0]) : false;
      }, { timeoutMs: 20_000, what: 'the batch to wait in its backend' });
      await sql(db.url, `SELECT pg_terminate_backend(${pid})`);
      reply = await pending;
      await psql.query('COMMIT');
    } finally {
      psql.close();
    }
    console.log(`cut batch answered ${reply.ok ? 'ok' : reply.error.code}: ${reply.error?.message ?? ''}`);
    assert.equal(reply.error?.code, 'unavailable', 'its backend was stopped before it could commit: nothing was done');
    assert.match(reply.error.message, /not made/);
    const [[after]] = await sql(db.url, `SELECT sold FROM stock WHERE fair_id = ${fx.fair} AND variant_id = ${variant}`);
    assert.equal(after, before, 'no stock taken');
    const retry = await client.request('order.place', { fair: fx.fair, key: 'cut', lines: [{ variant, qty: 1 }] }, 30_000);
    assert.equal(retry.ok, true, JSON.stringify(retry));
    assert.equal(retry.duplicate, false);
    assert.ok(server.logs().some((l) => /resolved/.test(l)), 'the log tells the operator');
    await client.close();
  } finally {
    await server.stop();
  }
});
