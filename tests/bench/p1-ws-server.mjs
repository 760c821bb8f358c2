// P1, the baseline a user would otherwise write: a Node `ws` broadcast server doing the usual
// `for (const client of wss.clients) client.send(msg)`, speaking just enough fair.v1 for the
// load generator (hello, join, ping, price.set → a `price` event to everyone) with the same
// messages as the real server. No database, no sessions: it only has to be fast.
//
//   node p1-ws-server.mjs PORT      prints "listening on PORT" when ready
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] || 8090);
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  path: '/ws',
  perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has('fair.v1') ? 'fair.v1' : false),
});

let seq = 0;
const prices = new Map();
const at = () => new Date().toISOString();

wss.on('connection', (ws) => {
  ws.send(JSON.stringify({ ev: 'hello', user: { id: 0, role: 'dealer' }, server_time: at(), fairs: [] }));
  ws.on('message', (data) => {
    let m;
    try {
      m = JSON.parse(data);
    } catch {
      ws.send(JSON.stringify({ re: null, ok: false, error: { code: 'bad_request', message: 'invalid JSON' } }));
      return;
    }
    if (m.op === 'price.set') {
      const was = prices.get(m.product) ?? m.price;
      prices.set(m.product, m.price);
      const msg = JSON.stringify({ ev: 'price', fair: m.fair, seq: ++seq, product: m.product, price: m.price, was, at: at() });
      for (const client of wss.clients) client.send(msg);
      ws.send(JSON.stringify({ re: m.rid, ok: true, product: m.product, price: m.price }));
    } else if (m.op === 'join') {
      ws.send(JSON.stringify({ re: m.rid, ok: true, seq, stock: {} }));
    } else {
      ws.send(JSON.stringify({ re: m.rid, ok: true, server_time: at() }));
    }
  });
});
wss.on('listening', () => console.log(`listening on ${port}`));
