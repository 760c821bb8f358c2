// One hostile user flooding the server, in a process of its own so that parsing its answers
// does not slow the test's measurements of everyone else (the abuse suite, 25-abuse).
// Opens FLOOD_SOCKETS WebSockets with FLOOD_COOKIE to 127.0.0.1:FLOOD_PORT (those the caps
// close with 4429 are counted), keeps FLOOD_OUTSTANDING copies of FLOOD_REQUEST (an op as
// JSON) in flight on each for FLOOD_MS, then prints one JSON line: what it got, by error code.
import WebSocket from 'ws';

const port = Number(process.env.FLOOD_PORT);
const cookie = process.env.FLOOD_COOKIE;
const sockets = Number(process.env.FLOOD_SOCKETS ?? 10);
const outstanding = Number(process.env.FLOOD_OUTSTANDING ?? 4);
const durationMs = Number(process.env.FLOOD_MS ?? 5000);
const request = JSON.parse(process.env.FLOOD_REQUEST);

const summary = { opened: 0, refused: 0, closeCodes: {}, replies: 0, ok: 0, errors: {} };
let stopping = false;

function open() {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['fair.v1'], { headers: { cookie }, perMessageDeflate: false });
    let rid = 0;
    let helloed = false;
    const send = () => {
      if (!stopping && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ ...request, rid: ++rid }));
    };
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.ev === 'hello' && !helloed) {
        helloed = true;
        summary.opened++;
        for (let i = 0; i < outstanding; i++) send();
        resolve();
        return;
      }
      if (msg.re === undefined) return;
      summary.replies++;
      if (msg.ok) summary.ok++;
      else summary.errors[msg.error.code] = (summary.errors[msg.error.code] ?? 0) + 1;
      send();
    });
    ws.on('close', (code) => {
      summary.closeCodes[code] = (summary.closeCodes[code] ?? 0) + 1;
      if (!helloed) {
        if (code === 4429) summary.refused++;
        resolve();
      }
    });
    ws.on('error', () => resolve());
    setTimeout(resolve, 10_000).unref();
  });
}

await Promise.all(Array.from({ length: sockets }, open));
process.stdout.write('ready\n');
await new Promise((resolve) => setTimeout(resolve, durationMs));
stopping = true;
await new Promise((resolve) => setTimeout(resolve, 300));
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(0);
