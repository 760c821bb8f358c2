// The manager's live figures of one fair: `dashboard.watch` answers a snapshot and subscribes
// the connection to `totals` pushes (at most 4 a second while orders change). A subscription
// lives as long as its connection, so the watch is sent again after every reconnect.
import type { FairClient } from './client';

export interface Totals { orders: number; units: number; amount: number; dealers: number }
export interface ProductRow {
  product: number; style: string; name: string; name_en?: string; units: number; amount: number;
  allocation: number; sell_through: number;
}
export interface GroupRow { orders: number; units: number; amount: number; dealers: number }
export interface RegionRow extends GroupRow { region: string }
export interface TierRow extends GroupRow { tier: string }
export interface DealerRow { dealer: number; name: string; region: string; tier: string; orders: number; units: number; amount: number }
export interface MinuteRow { minute: string; orders: number; amount: number }
export interface BehindRow { dealer: number; name: string; region: string; target: number; ordered: number; ratio: number | null }
export interface RegionTargetRow { region: string; target: number | null; ordered: number; ratio: number | null }
export interface CategoryRow extends GroupRow { category: string }
export interface MustOrder {
  /** must-order styles at the fair; dealers who ordered; of those, how many ordered them all */
  styles: number; dealers: number; complete: number;
  by_style: { product: number; style: string; name: string; name_en?: string; dealers_ordered: number }[];
}

export interface DashboardData {
  totals: Totals;
  by_product: ProductRow[];
  by_region: RegionRow[];
  by_tier: TierRow[];
  top_dealers: DealerRow[];
  per_minute: MinuteRow[];
  online: number;
  rankings: { dealers_behind: BehindRow[]; regions: RegionTargetRow[] };
  /** (extension, sql/031) absent from a server before it */
  by_category?: CategoryRow[];
  must_order?: MustOrder;
}

const FIELDS = ['totals', 'by_product', 'by_region', 'by_tier', 'top_dealers', 'per_minute', 'online', 'rankings',
  'by_category', 'must_order'] as const;

function pick(source: any): DashboardData {
  const d: any = {};
  for (const k of FIELDS) d[k] = source[k];
  return d as DashboardData;
}

export class DashboardWatch {
  data: DashboardData | null = null;
  /** when the last snapshot or push came (this browser's clock) */
  updatedAt = 0;
  error: unknown = null;
  private listeners = new Set<() => void>();
  private offs: (() => void)[] = [];
  private wasLive = false;

  constructor(private readonly client: FairClient, readonly fair: number) {}

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    this.offs.push(this.client.onPush((p: any) => {
      if (p.ev !== 'totals' || p.fair !== this.fair) return;
      this.set(pick(p));
    }));
    this.offs.push(this.client.onChange(() => {
      const live = this.client.state === 'live';
      if (live && !this.wasLive) void this.watch();
      this.wasLive = live;
    }));
    this.wasLive = this.client.state === 'live';
    void this.watch();
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private async watch(): Promise<void> {
    try {
      this.set(pick(await this.client.request('dashboard.watch', { fair: this.fair })));
      this.error = null;
    } catch (e) {
      this.error = e;
      this.notify();
    }
  }

  private set(d: DashboardData): void {
    this.data = d;
    this.updatedAt = Date.now();
    this.notify();
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}
