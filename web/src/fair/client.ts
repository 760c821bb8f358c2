// The one fair.v1 client of the pages: the WebSocket, request ids and their promises, reconnects
// with jittered back-off, and the joined fair resumed with `join {since}` after each reconnect.
// Pages never touch the socket; they call request() and read the store (store.ts).
import type {
  ErrorCode, Fair, Hello, JoinResume, JoinSnapshot, ProtocolError, Push, User,
} from './protocol';
import { forgetAll, savedFairs, saveFairs, saveUser } from './offline';

export type ConnState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'too_many' | 'logged_out';

/** A refusal from the server, or `unavailable` with `lost` when the connection dropped before
 * the answer came (the request may or may not have been done). */
export class FairError extends Error {
  readonly code: ErrorCode;
  readonly details: ProtocolError;
  readonly lost: boolean;

  constructor(details: ProtocolError, lost = false) {
    super(details.message);
    this.code = details.code;
    this.details = details;
    this.lost = lost;
  }
}

interface Pending {
  resolve: (reply: any) => void;
  reject: (err: FairError) => void;
  sent: boolean;
  text: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface JoinListener {
  snapshot(snap: JoinSnapshot): void;
  resumed(res: JoinResume): void;
  push(p: Push): void;
}

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** After 4429 (too many connections for this user or address): try again this much later. */
const TOO_MANY_RETRY_MS = 30_000;

export class FairClient {
  state: ConnState = 'connecting';
  user: User | null = null;
  /** from the last hello; before it, the list this browser saw last (offline) */
  fairs: Fair[] = savedFairs();
  /** server time minus this browser's clock, from the hello (for countdowns) */
  clockSkewMs = 0;

  private ws: WebSocket | null = null;
  private nextRid = 1;
  private pending = new Map<number, Pending>();
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private joined: { fair: number; seq: number; listener: JoinListener } | null = null;
  private stateListeners = new Set<() => void>();
  private pushListeners = new Set<(p: Push) => void>();

  constructor(private readonly url: string) {
    addEventListener('online', () => { if (this.state === 'offline') this.reconnectNow(); });
    addEventListener('offline', () => { if (this.state !== 'logged_out') this.setState('offline'); });
  }

  /** Called on every change of state, user or fairs. */
  onChange(fn: () => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /** Every push, joined fair or not (order.status and attainment come unjoined too). */
  onPush(fn: (p: Push) => void): () => void {
    this.pushListeners.add(fn);
    return () => this.pushListeners.delete(fn);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  /** Logged out: close, fail what waits, forget the user. */
  stop(state: ConnState = 'logged_out'): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws) { ws.onclose = null; ws.close(1000); }
    this.failAll(true);
    this.joined = null;
    this.user = null;
    if (state === 'logged_out') forgetAll();
    this.setState(state);
  }

  /** Sends an op; resolves with the reply's members, rejects with a FairError. While the
   * connection is down the request waits for the next one. */
  request<T = any>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const rid = this.nextRid++;
    const text = JSON.stringify({ ...args, op, rid });
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { resolve, reject, sent: false, text, timer: undefined };
      p.timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(new FairError({ code: 'unavailable', message: 'no answer in time' }, p.sent));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(rid, p);
      if (this.state === 'live' && this.ws) { this.ws.send(text); p.sent = true; }
    });
  }

  /** Joins a fair (leaving any other) and keeps it joined across reconnects. */
  async join(fair: number, listener: JoinListener): Promise<void> {
    this.joined = { fair, seq: 0, listener };
    const snap = await this.request<JoinSnapshot>('join', { fair });
    if (this.joined?.fair !== fair) return;
    this.joined.seq = snap.seq;
    listener.snapshot(snap);
  }

  leave(): void {
    const j = this.joined;
    this.joined = null;
    if (j && this.state === 'live') this.request('leave', { fair: j.fair }).catch(() => {});
  }

  reconnectNow(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    if (!this.ws) this.open();
  }

  private setState(s: ConnState): void {
    this.state = s;
    for (const fn of this.stateListeners) fn();
  }

  private open(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}${this.url}`, 'fair.v1');
    this.ws = ws;
    if (this.state !== 'offline') this.setState(this.attempt ? 'reconnecting' : 'connecting');
    ws.onmessage = (e) => this.onMessage(String(e.data));
    ws.onclose = (e) => { void this.onClose(ws, e.code); };
  }

  private onMessage(text: string): void {
    let msg: any;
    try { msg = JSON.parse(text); } catch { return; }
    if (msg.ev === 'hello') { this.onHello(msg as Hello); return; }
    if (msg.ev) { this.onPushMessage(msg as Push); return; }
    const p = typeof msg.re === 'number' ? this.pending.get(msg.re) : undefined;
    if (!p) return;
    this.pending.delete(msg.re);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg);
    else p.reject(new FairError(msg.error as ProtocolError));
  }

  private onHello(h: Hello): void {
    this.attempt = 0;
    this.user = h.user;
    this.fairs = h.fairs;
    saveUser(h.user);
    saveFairs(h.fairs);
    this.clockSkewMs = Date.parse(h.server_time) - Date.now();
    this.setState('live');
    void this.resume();
    for (const [, p] of this.pending) {
      if (!p.sent && this.ws) { this.ws.send(p.text); p.sent = true; }
    }
  }

  private async resume(): Promise<void> {
    const j = this.joined;
    if (!j) return;
    try {
      if (!j.seq) { await this.join(j.fair, j.listener); return; }
      const r = await this.request<JoinResume | JoinSnapshot>('join', { fair: j.fair, since: j.seq });
      if (this.joined !== j) return;
      j.seq = r.seq;
      if (r.resumed) j.listener.resumed(r);
      else j.listener.snapshot(r);
    } catch {
      // the connection dropped again: the next hello resumes
    }
  }

  private onPushMessage(p: Push): void {
    const j = this.joined;
    if (j && 'seq' in p && p.fair === j.fair) {
      if (p.seq <= j.seq) return; // already in the snapshot or the resume
      j.seq = p.seq;
    }
    if (j && 'fair' in p && p.fair === j.fair) j.listener.push(p);
    for (const fn of this.pushListeners) fn(p);
  }

  private async onClose(ws: WebSocket, code: number): Promise<void> {
    if (this.ws !== ws) return;
    this.ws = null;
    this.failAll(false);
    if (this.stopped) return;
    // 4401: the session ended (logout elsewhere, password changed, account disabled). A refused
    // upgrade shows as 1006: ask over HTTP whether the session still holds.
    if (code === 4401 || (code === 1006 && (await sessionGone()))) {
      this.stop('logged_out');
      return;
    }
    // 4403: the account must set a new password first; the page asks for it once reloaded.
    if (code === 4403) {
      this.stopped = true;
      location.reload();
      return;
    }
    // 4429: this user (or address) has too many connections open: say so, try again much later.
    if (code === 4429) {
      this.setState('too_many');
      this.retryTimer = setTimeout(() => this.open(), TOO_MANY_RETRY_MS * (1 + Math.random()));
      return;
    }
    this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => this.open(), ceiling / 2 + Math.random() * ceiling / 2);
  }

  /** Requests already sent lose their answer; those not sent wait for the next connection. */
  private failAll(all: boolean): void {
    for (const [rid, p] of this.pending) {
      if (!all && !p.sent) continue;
      this.pending.delete(rid);
      clearTimeout(p.timer);
      p.reject(new FairError({ code: 'unavailable', message: 'the connection was lost' }, p.sent));
    }
  }
}

async function sessionGone(): Promise<boolean> {
  try {
    return (await fetch('/api/me', { credentials: 'same-origin' })).status === 401;
  } catch {
    return false;
  }
}
