// The server's CPU per closed connection against the size of lws's descriptor table, which
// Debian's lws walks on every close (docs/BENCHMARKS.md, "Closing connections"). The table is
// as large as the open-files limit, which the server sets to max_connections + 1,024.
//
//   server/scripts/run.sh node tests/bench/closecost.mjs [max_connections ...]
//
// Needs FAIR_TEST_DATABASE_URL and FAIR_SERVER_BIN, as the tests. For each max_connections
// (default 1000 and the largest this machine's descriptor limit allows), in turns, twice: 900
// plain TCP connections are opened and closed five times; the server's CPU time (from /proc)
// over the closes, divided by their number.
import fs from 'node:fs';
import net from 'node:net';
import { createDatabase, openFilesLimit, startServer, sleep } from '../integration/harness.mjs';

const NOFILE = openFilesLimit().hard ?? 4096;
const sizes = process.argv.slice(2).map(Number);
if (!sizes.length) sizes.push(1000, NOFILE - 1024);
const CONNS = 900;
const ROUNDS = 5;

const cpuSeconds = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
};

function openMany(port) {
  return Promise.all(Array.from({ length: CONNS }, () => new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => resolve(c));
    c.once('error', reject);
  })));
}

const db = await createDatabase();
try {
  for (const max of [...sizes, ...sizes]) {
    const s = await startServer({
      databaseUrl: db.url,
      env: { FAIR_MAX_CONNECTIONS: String(max), FAIR_ACCESS_LOG: '0' },
      wrapper: ['prlimit', `--nofile=${NOFILE}`],
    });
    try {
      let spent = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const socks = await openMany(s.port);
        await sleep(300);
        const before = cpuSeconds(s.proc.pid);
        await Promise.all(socks.map((c) => new Promise((resolve) => { c.once('close', resolve); c.end(); })));
        await sleep(300);
        spent += cpuSeconds(s.proc.pid) - before;
      }
      console.log(`max_connections ${max}: ${(spent * 1e6 / (CONNS * ROUNDS)).toFixed(1)} µs of server CPU ` +
        `per closed connection (${CONNS * ROUNDS} closes)`);
    } finally {
      await s.stop();
    }
  }
} finally {
  await db.drop();
}
