// The fair's policies (訂貨政策) and coupons (優惠券) as the pages use them (PROTOCOL.md, "Fair
// policies", "Coupons"): what the fair offers and where this dealer stands (policy.get), the
// coupons it may use now (coupon.list), read again after each of its orders, when its orders'
// discounts were recomputed (order.status, note 'discount') and when the policies change (the
// `policy` event); and the discount a sheet would get, estimated by the same rules.
import type { FairClient } from './client';
import type { Coupon, Policy, PolicyStanding, PolicyTier } from './protocol';

export class PolicyWatch {
  policy: Policy | null = null;
  mine: PolicyStanding | null = null;
  coupons: Coupon[] = [];
  loaded = false;
  failed = false;

  private listeners = new Set<() => void>();
  private offPush: (() => void) | null = null;
  private offState: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading = 0;

  /** dealer: for the staff, the dealer whose standing and coupons are read (a rep ordering
   * on its behalf); a dealer reads its own. */
  constructor(private readonly client: FairClient, readonly fair: number, private readonly withCoupons = true,
    readonly dealer: number | null = null) {}

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    this.offPush = this.client.onPush((p) => {
      if (p.ev === 'policy' && p.fair === this.fair) this.refresh();
      else if (p.ev === 'order.status' && p.fair === this.fair && p.note === 'discount') this.refresh();
    });
    // after a reconnect: read again (a policy may have changed meanwhile)
    let was = this.client.state;
    this.offState = this.client.onChange(() => {
      if (this.client.state === 'live' && was !== 'live') this.refresh(0);
      was = this.client.state;
    });
    void this.load();
  }

  stop(): void {
    this.offPush?.();
    this.offState?.();
    clearTimeout(this.timer);
  }

  /** Reads again shortly (several pushes at once make one read). */
  refresh(ms = 150): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), ms);
  }

  async load(): Promise<void> {
    const n = ++this.reading;
    try {
      const params = { fair: this.fair, ...(this.dealer !== null ? { dealer: this.dealer } : {}) };
      const [p, c] = await Promise.all([
        this.client.request<{ policy: Policy | null; mine: PolicyStanding | null }>('policy.get', params),
        this.withCoupons ? this.client.request<{ coupons: Coupon[] }>('coupon.list', params) : null,
      ]);
      if (n !== this.reading) return;
      this.policy = p.policy;
      this.mine = p.mine;
      if (c) this.coupons = c.coupons;
      this.loaded = true;
      this.failed = false;
    } catch {
      if (n !== this.reading) return;
      this.failed = true;
    }
    for (const fn of this.listeners) fn();
  }
}

/** What a coupon takes off an order of `total`: 0 under its threshold. */
export function couponOff(c: Coupon, total: number): number {
  if (total < c.threshold) return 0;
  const off = c.amount_off ?? Math.min(Math.floor((total * (c.percent_bp ?? 0)) / 10000), c.cap ?? Infinity);
  return Math.min(off, total);
}

/** The highest tier a dealer's total at the fair reaches, or null. */
export function tierAt(tiers: PolicyTier[], total: number): PolicyTier | null {
  let best: PolicyTier | null = null;
  for (const t of tiers) if (total >= t.from && (!best || t.from > best.from)) best = t;
  return best;
}

export interface Estimate {
  coupon: number;
  early: number;
  tier: number;
  discount: number;
  payable: number;
  /** the tier this order brings the dealer to, when it is a new one */
  reaches: PolicyTier | null;
  /** the coupon chosen does not apply: the order is under its threshold */
  couponUnder: boolean;
}

/**
 * The discount a new order of `total` would get by the rules of PROTOCOL.md: the coupon first;
 * the early-bird and tier discounts on the order's total, cut to what the coupon left (the
 * tier's first). An amount-off tier is shared by the dealer's orders by their totals, the
 * newest order taking what the earlier ones' floors leave. Null without the dealer's standing.
 */
export function estimate(total: number, policy: Policy | null, mine: PolicyStanding | null, coupon: Coupon | null,
  nowMs: number): Estimate | null {
  if (total <= 0 || (!coupon && !policy)) return null;
  const c = coupon ? couponOff(coupon, total) : 0;
  let left = total - c;
  let early = 0;
  if (policy?.early && nowMs < Date.parse(policy.early.until)) {
    early = Math.min(left, Math.floor((total * policy.early.percent_bp) / 10000));
  }
  left -= early;
  let tier = 0;
  let reaches: PolicyTier | null = null;
  if (policy && policy.tiers.length && mine) {
    const before = mine.total;
    const after = before + total;
    const t = tierAt(policy.tiers, after);
    if (t) {
      const full = t.percent_bp != null
        ? Math.floor((total * t.percent_bp) / 10000)
        : (t.amount_off ?? 0) - Math.floor(((t.amount_off ?? 0) * before) / after);
      tier = Math.min(left, full);
      if (!mine.tier || mine.tier.from !== t.from) reaches = t;
    }
  }
  const discount = c + early + tier;
  return {
    coupon: c, early, tier, discount, payable: total - discount, reaches,
    couponUnder: !!coupon && total < coupon.threshold,
  };
}

/** A wall-clock time typed in the fair's zone ("2026-12-09T18:00") as an instant (ISO). */
export function zonedToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // the zone's offset at a moment, as the wall time there minus UTC
  const offset = (at: number) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    }).formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - Math.floor(at / 60000) * 60000;
  };
  let at = wall - offset(wall);
  at = wall - offset(at); // once more across a change of offset
  return new Date(at).toISOString();
}

/** An instant as the wall clock of the fair's zone, for a datetime-local input. */
export function isoToZoned(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
