// A rep's order on a dealer's behalf (order.place with `dealer`): the lines typed in the same
// matrix the dealer uses, kept in this page only (the draft is the dealer's own), placed under
// one key that is sent again, never guessed, while the answer is lost.
import { FairClient, FairError } from './client';
import type { Cells, PlaceResult } from './sheet';
import { newKey, outcomeUnknown, setCells, waitLive } from './sheet';
import type { Order } from './protocol';

export class BehalfOrder implements Cells {
  lines = new Map<number, number>();
  note = '';
  /** the dealer's coupon applied to the next order (its code), or null */
  coupon: string | null = null;
  /** the dealer's address the next order ships to, or null for its default */
  shipTo: number | null = null;
  sending = false;
  retrying = false;
  lastResult: PlaceResult | null = null;
  private listeners = new Set<() => void>();

  constructor(private readonly client: FairClient, readonly fair: number, readonly dealer: number) {}

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  qty(variant: number): number {
    return this.lines.get(variant) ?? 0;
  }

  set(cells: Map<number, number>): void {
    setCells(this.lines, cells);
    this.notify();
  }

  clear(): void {
    this.lines.clear();
    this.notify();
  }

  setCoupon(code: string | null): void {
    this.coupon = code;
    this.notify();
  }

  setShipTo(address: number | null): void {
    this.shipTo = address;
    this.notify();
  }

  /** Places the lines for the dealer; what was ordered leaves the form. */
  async place(partial = false): Promise<PlaceResult> {
    const key = newKey();
    const lines = [...this.lines].map(([variant, qty]) => ({ variant, qty }));
    const coupon = this.coupon; // part of the key's request: the retry sends the same
    const shipTo = this.shipTo;
    const note = this.note.trim();
    this.sending = true;
    this.notify();
    try {
      for (;;) {
        try {
          const r = await this.client.request<{ order: Order; partial?: { variant: number; requested: number; accepted: number }[] }>(
            'order.place', { fair: this.fair, dealer: this.dealer, key, lines, ...(partial ? { partial: true } : {}),
              ...(note ? { note } : {}), ...(coupon ? { coupon } : {}), ...(shipTo ? { ship_to: shipTo } : {}) });
          for (const l of r.order.lines) this.lines.delete(l.variant);
          if (coupon) this.coupon = null; // its use is taken; the list says whether another is left
          return this.finish({ kind: 'accepted', order: r.order, ...(r.partial ? { partial: r.partial } : {}) });
        } catch (e) {
          const err = e instanceof FairError ? e : new FairError({ code: 'internal', message: String(e) });
          if (!outcomeUnknown(err)) return this.finish({ kind: 'refused', error: err });
          this.retrying = true;
          this.notify();
          await waitLive(this.client);
        }
      }
    } finally {
      this.sending = false;
      this.retrying = false;
      this.notify();
    }
  }

  private finish(r: PlaceResult): PlaceResult {
    this.lastResult = r;
    return r;
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}
