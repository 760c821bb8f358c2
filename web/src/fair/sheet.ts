// The dealer's order sheet for one fair: the server's draft (draft.get / draft.save), kept in
// this browser too so it can be edited offline and saved on reconnect; and the orders placed
// from it, each under an idempotency key kept in localStorage until the server answers, so a
// lost answer, a reload or a server restart never places it twice or loses it.
import { FairClient, FairError } from './client';
import type { Line, Order } from './protocol';

export type SaveState = 'saved' | 'saving' | 'offline' | 'failed';

/** An order sent or to be sent. `waiting`: typed while offline, not sent until the dealer
 * confirms; `sending`: sent, answer not yet known (resent with the same key). */
export interface PendingOrder {
  key: string;
  lines: Line[];
  partial: boolean;
  /** the coupon's code sent with it: part of the key's request, so a retry sends it again */
  coupon?: string | null;
  /** the sheet's note and the chosen ship-to address, sent with it (and with a retry) */
  note?: string;
  ship_to?: number | null;
  state: 'waiting' | 'sending';
  created: number;
}

export interface PartialLine { variant: number; requested: number; accepted: number }

export type PlaceResult =
  | { kind: 'accepted'; order: Order; partial?: PartialLine[] }
  | { kind: 'refused'; error: FairError }
  | { kind: 'waiting'; pending: PendingOrder };

const SAVE_DELAY_MS = 400;
const RETRY_MS = 2_000;

/** An answer that says nothing about what was done (the connection dropped before it came,
 * `unavailable`, `in_doubt`): the same request is sent again, never guessed at. */
export function outcomeUnknown(err: FairError): boolean {
  return err.lost || err.code === 'unavailable' || err.code === 'in_doubt';
}

/** Resolves a jittered moment after the connection is live again. */
export function waitLive(client: FairClient): Promise<void> {
  return new Promise((resolve) => {
    const go = () => {
      off();
      setTimeout(resolve, RETRY_MS * (0.5 + Math.random()));
    };
    const off = client.onChange(() => { if (client.state === 'live') go(); });
    if (client.state === 'live') go();
  });
}

/** What the size × colour matrix writes into: the dealer's sheet, or a rep's order on a
 * dealer's behalf (behalf.ts). */
export interface Cells {
  lines: Map<number, number>;
  qty(variant: number): number;
  set(cells: Map<number, number>): void;
  subscribe(fn: () => void): () => void;
}

/** Writes a matrix's cells into lines: a quantity of 0 removes the line. */
export function setCells(lines: Map<number, number>, cells: Map<number, number>): void {
  for (const [v, q] of cells) {
    if (q > 0) lines.set(v, q);
    else lines.delete(v);
  }
}

export function newKey(): string {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

interface LocalDraft { lines: Line[]; note: string; dirty: boolean; updated_at: string | null }

export class OrderSheet implements Cells {
  lines = new Map<number, number>(); // variant → qty
  note = '';
  /** the coupon chosen for the next order (its code), or null */
  coupon: string | null = null;
  /** the address the next order ships to (one of the dealer's), or null for its default */
  shipTo: number | null = null;
  saveState: SaveState = 'saved';
  updatedAt: string | null = null;
  pending: PendingOrder | null = null;
  /** the last answer to a submit, until the next one */
  lastResult: PlaceResult | null = null;
  retrying = false;

  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private saving = false;
  // Counts edits and saves: a draft.get answer read before one of them is older than the sheet
  // (the page's first draft.get, sent offline, waits for the connection and may come back
  // after a save of what was typed meanwhile).
  private version = 0;
  private dirty = false;
  private listeners = new Set<() => void>();
  private readonly draftKey: string;
  private readonly pendingKey: string;

  constructor(private readonly client: FairClient, readonly fair: number, dealer: number) {
    this.draftKey = `fair.draft.${dealer}.${fair}`;
    this.pendingKey = `fair.pending.${dealer}.${fair}`;
    const local = this.readLocal();
    if (local) {
      this.setFrom(local.lines, local.note);
      this.dirty = local.dirty;
      this.updatedAt = local.updated_at;
    }
    const p = localStorage.getItem(this.pendingKey);
    this.pending = p ? (JSON.parse(p) as PendingOrder) : null;
    client.onChange(() => this.onConnection());
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Reads the server's draft, unless this browser holds edits the server has not seen. */
  async load(): Promise<void> {
    if (this.dirty) { this.scheduleSave(0); return; }
    const asked = this.version;
    try {
      const d = await this.client.request<{ lines: Line[]; note: string; updated_at: string | null }>(
        'draft.get', { fair: this.fair });
      if (this.dirty || this.saving || this.version !== asked) return; // typed or saved meanwhile: ours is newer
      this.setFrom(d.lines, d.note);
      this.updatedAt = d.updated_at;
      this.writeLocal();
      this.notify();
    } catch {
      // offline: the local copy stands
    }
    this.onConnection();
  }

  qty(variant: number): number {
    return this.lines.get(variant) ?? 0;
  }

  /** Sets several cells at once (one product's matrix); 0 removes a line. */
  set(cells: Map<number, number>): void {
    setCells(this.lines, cells);
    this.changed();
  }

  setNote(note: string): void {
    this.note = note;
    this.changed();
  }

  setCoupon(code: string | null): void {
    this.coupon = code;
    this.notify();
  }

  setShipTo(address: number | null): void {
    this.shipTo = address;
    this.notify();
  }

  clear(variants?: Iterable<number>): void {
    if (variants) for (const v of variants) this.lines.delete(v);
    else this.lines.clear();
    this.changed();
  }

  asLines(): Line[] {
    return [...this.lines].map(([variant, qty]) => ({ variant, qty }));
  }

  /** Places the sheet (or the given lines) as one order under a new key. Offline, the order
   * waits, shown with its key, until the dealer confirms it (sendWaiting). */
  async submit(lines = this.asLines(), partial = false): Promise<PlaceResult> {
    if (this.pending) return this.lastResult = { kind: 'waiting', pending: this.pending };
    const pending: PendingOrder = {
      key: newKey(), lines, partial, coupon: this.coupon, note: this.note.trim(), ship_to: this.shipTo,
      state: this.client.state === 'live' ? 'sending' : 'waiting', created: Date.now(),
    };
    this.keepPending(pending);
    if (pending.state === 'waiting') return this.finish({ kind: 'waiting', pending });
    return this.send(pending);
  }

  /** The dealer confirmed an order typed offline. */
  sendWaiting(): Promise<PlaceResult> | null {
    const p = this.pending;
    if (!p || this.client.state !== 'live') return null;
    p.state = 'sending';
    this.keepPending(p);
    return this.send(p);
  }

  discardWaiting(): void {
    if (this.pending?.state !== 'waiting') return;
    this.keepPending(null);
    this.lastResult = null;
    this.notify();
  }

  private async send(p: PendingOrder): Promise<PlaceResult> {
    this.notify();
    for (;;) {
      try {
        const r = await this.client.request<{ order: Order; partial?: PartialLine[] }>(
          'order.place', {
            fair: this.fair, key: p.key, lines: p.lines, ...(p.partial ? { partial: true } : {}),
            ...(p.coupon ? { coupon: p.coupon } : {}), ...(p.note ? { note: p.note } : {}),
            ...(p.ship_to ? { ship_to: p.ship_to } : {}),
          });
        this.keepPending(null);
        this.retrying = false;
        // what was ordered leaves the sheet, and its note with the last of it
        this.clear(r.order.lines.map((l) => l.variant));
        if (!this.lines.size && p.note) this.setNote('');
        if (p.coupon) this.coupon = null; // its use is taken; the list says whether another is left
        return this.finish({ kind: 'accepted', order: r.order, ...(r.partial ? { partial: r.partial } : {}) });
      } catch (e) {
        const err = e instanceof FairError ? e : new FairError({ code: 'internal', message: String(e) });
        // Nothing known about the key: ask again with the same key, never guess.
        if (outcomeUnknown(err)) {
          this.retrying = true;
          this.notify();
          await waitLive(this.client);
          continue;
        }
        this.keepPending(null);
        this.retrying = false;
        return this.finish({ kind: 'refused', error: err });
      }
    }
  }

  private finish(r: PlaceResult): PlaceResult {
    this.lastResult = r;
    this.notify();
    return r;
  }

  private onConnection(): void {
    if (this.client.state !== 'live') {
      if (this.dirty && this.saveState !== 'offline') { this.saveState = 'offline'; this.notify(); }
      return;
    }
    if (this.dirty && !this.saving) this.scheduleSave(0);
    // an order sent by an earlier page whose answer never came: ask again with its key
    const p = this.pending;
    if (p?.state === 'sending' && !this.retrying && this.lastResult?.kind !== 'waiting') {
      this.retrying = true;
      void this.send(p);
    }
  }

  private changed(): void {
    this.version++;
    this.dirty = true;
    this.writeLocal();
    this.scheduleSave(SAVE_DELAY_MS);
    this.notify();
  }

  private scheduleSave(ms: number): void {
    clearTimeout(this.saveTimer);
    if (this.client.state !== 'live') { this.saveState = 'offline'; return; }
    this.saveState = 'saving';
    this.saveTimer = setTimeout(() => { void this.save(); }, ms);
  }

  private async save(): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    this.version++;
    this.dirty = false;
    try {
      const r = await this.client.request<{ updated_at: string }>(
        'draft.save', { fair: this.fair, lines: this.asLines(), note: this.note });
      this.updatedAt = r.updated_at;
      this.saveState = this.dirty ? 'saving' : 'saved';
    } catch (e) {
      this.dirty = true;
      this.saveState = e instanceof FairError && e.lost ? 'offline' : 'failed';
    } finally {
      this.saving = false;
      this.writeLocal();
      if (this.dirty && this.client.state === 'live' && this.saveState !== 'failed') this.scheduleSave(SAVE_DELAY_MS);
      this.notify();
    }
  }

  private setFrom(lines: Line[], note: string): void {
    this.lines = new Map(lines.map((l) => [l.variant, l.qty]));
    this.note = note;
  }

  private readLocal(): LocalDraft | null {
    try {
      const s = localStorage.getItem(this.draftKey);
      return s ? (JSON.parse(s) as LocalDraft) : null;
    } catch {
      return null;
    }
  }

  private writeLocal(): void {
    const d: LocalDraft = { lines: this.asLines(), note: this.note, dirty: this.dirty, updated_at: this.updatedAt };
    localStorage.setItem(this.draftKey, JSON.stringify(d));
  }

  private keepPending(p: PendingOrder | null): void {
    this.pending = p;
    if (p) localStorage.setItem(this.pendingKey, JSON.stringify(p));
    else localStorage.removeItem(this.pendingKey);
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}
