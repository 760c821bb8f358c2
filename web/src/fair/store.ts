// The joined fair as the pages see it, kept current by the pushes. Pushes are queued and
// applied together once per animation frame, so 20 stock pushes a second cost one render each.
import type { FairClient, JoinListener } from './client';
import { currentLang, onLang, setTerms } from '../i18n';
import { OFFLINE_ITEMS, savedFair, saveFair } from './offline';
import type {
  Attainment, ChatMessage, Fair, Item, JoinResume, JoinSnapshot, OrderStatus, Push, Spotlight, Stream, Terms,
} from './protocol';

export interface Announcement { id: number; product: number; name: string; at: number }
export interface HeardSpotlight { s: Spotlight; heard: number }
/** An order's status as its order.status push said it. */
export interface OrderStatusNote {
  status: OrderStatus; at: string; note: string | null; carrier: string | null; tracking: string | null;
}
const SPOTLIGHT_TRAIL = 8;
const NO_TERMS: Terms = { colors: {}, categories: {} };

export interface FairView {
  fair: Fair | null;
  /** every item this page has heard of, by product id */
  items: Map<number, Item>;
  /** the first page of the fair's own order, from the join */
  firstPage: number[];
  total: number;
  /** remaining units by variant id */
  stock: Map<number, number>;
  spotlight: Spotlight | null;
  /** the spotlights heard since the join, the latest last (at most SPOTLIGHT_TRAIL), each
   * with when this page heard it: the room shows the one its video has reached */
  spotlightTrail: HeardSpotlight[];
  /** the live video, null when the fair has none */
  stream: Stream | null;
  chat: Map<number, ChatMessage>;
  attainment: Attainment | null;
  /** the latest status pushed for each of my orders (order.status), by order id: shown at
   * once, before the orders are read again */
  orderStatus: Map<number, OrderStatusNote>;
  online: number | null;
  announcements: Announcement[];
  /** changes with every applied batch of pushes: components compare it */
  version: number;
  /** set while the view is this browser's saved copy (offline), not yet the server's */
  savedAt: number | null;
}

function emptyView(): FairView {
  return {
    fair: null, items: new Map(), firstPage: [], total: 0, stock: new Map(), spotlight: null, spotlightTrail: [],
    stream: null, chat: new Map(), attainment: null, orderStatus: new Map(), online: null, announcements: [], version: 0,
    savedAt: null,
  };
}

export class FairStore implements JoinListener {
  view: FairView = emptyView();
  private queue: Push[] = [];
  private frame = 0;
  private listeners = new Set<() => void>();
  private fairId = 0;
  private nextAnnouncement = 1;
  private flashTimers = new Map<number, number>();
  private saveTimer = 0;
  /** products in the order they were last seen, the latest last (what the saved copy keeps) */
  private seen = new Set<number>();
  /** the fair's English names of colours and categories, once read (kept with the saved copy) */
  private terms: Terms | null = null;
  /** the fair whose terms were asked for (0: none yet) */
  private termsAsked = 0;

  // attainment pushes of the joined fair come through push() like the others
  constructor(private readonly client: FairClient) {
    onLang(() => this.wantTerms());
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Joins the fair unless it is the one joined. */
  async open(fair: number): Promise<void> {
    if (this.fairId === fair) return;
    this.fairId = fair;
    for (const id of this.flashTimers.values()) clearTimeout(id);
    this.flashTimers.clear();
    this.view = emptyView();
    this.seen.clear();
    this.terms = null;
    this.termsAsked = 0;
    setTerms(NO_TERMS);
    this.restoreSaved(fair);
    this.notify();
    await this.client.join(fair, this);
    this.wantTerms();
    this.client.request<{ attainment: Attainment }>('attainment', { fair })
      .then((r) => { this.view.attainment = r.attainment; this.notify(); })
      .catch(() => {});
  }

  /** Reads the fair's English names once the reader is in English: a reader in Chinese never
   * needs them, so the thousands who join as a fair opens do not ask. */
  private wantTerms(): void {
    if (currentLang() !== 'en' || !this.fairId || this.termsAsked === this.fairId) return;
    this.termsAsked = this.fairId;
    this.refreshTerms();
  }

  /** Reads the fair's English names of colours and categories (again once an admin changed them). */
  refreshTerms(): void {
    const fair = this.fairId;
    this.client.request<{ terms: Terms }>('catalog.terms', { fair })
      .then((r) => {
        if (this.fairId !== fair) return;
        this.terms = r.terms;
        setTerms(r.terms);
        this.scheduleSave();
      })
      .catch(() => {
        if (this.termsAsked === fair) this.termsAsked = 0; // asked again at the next chance
      });
  }

  /** The fair as an admin's change answered it, before its fair.state push comes. */
  replaceFair(fair: Fair): void {
    if (fair.id !== this.fairId || !this.view.fair) return;
    this.view.fair = { ...this.view.fair, ...fair };
    this.view.version++;
    this.notify();
  }

  /** Items from a search or a recommendation: kept so pushes update them too. */
  remember(items: Item[]): void {
    for (const it of items) {
      this.view.items.set(it.product, it);
      this.seen.delete(it.product);
      this.seen.add(it.product);
      this.refreshAfterFlash(it);
      for (const v of it.variants) if (!this.view.stock.has(v.id)) this.view.stock.set(v.id, v.remaining);
    }
    this.scheduleSave();
  }

  /** Shows this browser's copy of the fair until the server's snapshot comes. */
  private restoreSaved(fair: number): void {
    const saved = savedFair(fair);
    if (!saved) return;
    const v = this.view;
    v.fair = saved.fair;
    v.total = saved.total;
    v.firstPage = saved.firstPage;
    for (const it of saved.items) {
      v.items.set(it.product, it);
      this.seen.add(it.product);
    }
    for (const [id, n] of Object.entries(saved.stock)) v.stock.set(Number(id), n);
    v.savedAt = saved.savedAt;
    if (saved.terms) {
      this.terms = saved.terms;
      setTerms(saved.terms);
    }
  }

  /** Saves the fair as last seen, a few seconds after it changed (not on every push). */
  private scheduleSave(): void {
    if (this.saveTimer || !this.view.fair || this.view.savedAt) return;
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = 0;
      const v = this.view;
      if (!v.fair || v.savedAt) return;
      const keep = new Set(v.firstPage);
      for (const id of [...this.seen].reverse()) {
        if (keep.size >= OFFLINE_ITEMS) break;
        keep.add(id);
      }
      const items = [...keep].map((id) => v.items.get(id)).filter((it): it is Item => !!it);
      const stock: Record<string, number> = {};
      for (const it of items) for (const x of it.variants) stock[x.id] = v.stock.get(x.id) ?? x.remaining;
      saveFair(this.fairId, {
        savedAt: Date.now(), fair: v.fair, total: v.total, firstPage: v.firstPage, items, stock,
        ...(this.terms ? { terms: this.terms } : {}),
      });
    }, 3000);
  }

  /** An item read while its flash window was open carries the flash price as its price: read
   * it again when the window closes, to learn the tier price it returns to. */
  private refreshAfterFlash(it: Item): void {
    const f = it.flash;
    if (!f || it.price !== f.price || this.flashTimers.has(it.product)) return;
    const wait = Date.parse(f.ends_at) - (Date.now() + this.client.clockSkewMs);
    if (wait < 0 || wait > 2 ** 31 - 1) return;
    this.flashTimers.set(it.product, window.setTimeout(() => {
      this.flashTimers.delete(it.product);
      this.client.request<{ items: Item[] }>('catalog.items', { fair: this.fairId, products: [it.product] })
        .then((r) => { this.remember(r.items); this.view.version++; this.notify(); })
        .catch(() => {});
    }, wait + 500));
  }

  /** Messages read by chat.history: kept beside those the join and the pushes bring. */
  rememberChat(messages: ChatMessage[]): void {
    for (const m of messages) if (!this.view.chat.has(m.id)) this.view.chat.set(m.id, m);
    this.view.version++;
    this.notify();
  }

  remaining(variant: number): number {
    return this.view.stock.get(variant) ?? 0;
  }

  // ---- JoinListener ----

  snapshot(s: JoinSnapshot): void {
    const v = emptyView();
    v.fair = s.fair;
    v.total = s.total;
    v.spotlight = s.spotlight;
    v.spotlightTrail = s.spotlight ? [{ s: s.spotlight, heard: Date.now() }] : [];
    v.stream = s.stream ?? null;
    v.attainment = this.view.attainment;
    v.orderStatus = this.view.orderStatus;
    // searched items stay (the stock below replaces theirs); a saved copy's items go, stale
    if (this.view.savedAt) this.seen.clear();
    else v.items = this.view.items;
    for (const it of s.items) {
      v.items.set(it.product, it);
      this.refreshAfterFlash(it);
    }
    v.firstPage = s.items.map((it) => it.product);
    for (const [id, n] of Object.entries(s.stock)) v.stock.set(Number(id), n);
    for (const m of s.chat) v.chat.set(m.id, m);
    v.version = this.view.version + 1;
    this.view = v;
    this.scheduleSave();
    this.notify();
  }

  resumed(r: JoinResume): void {
    for (const p of r.missed) this.apply(p);
    for (const [id, n] of Object.entries(r.stock)) this.view.stock.set(Number(id), n);
    this.view.version++;
    this.notify();
  }

  push(p: Push): void {
    this.enqueue(p);
  }

  // ---- applying pushes ----

  private enqueue(p: Push): void {
    this.queue.push(p);
    if (this.frame) return;
    const run = () => {
      this.frame = 0;
      const batch = this.queue;
      this.queue = [];
      for (const q of batch) this.apply(q);
      this.view.version++;
      this.scheduleSave();
      this.notify();
    };
    // a hidden tab gets no animation frames: apply on a timer there
    this.frame = document.hidden ? window.setTimeout(run, 100) : requestAnimationFrame(run);
  }

  private apply(p: Push): void {
    const v = this.view;
    const item = 'product' in p && typeof p.product === 'number' ? v.items.get(p.product) : undefined;
    switch (p.ev) {
      case 'stock':
        for (const [id, n] of Object.entries(p.v)) v.stock.set(Number(id), n);
        break;
      case 'spotlight':
        v.spotlight = { product: p.product, note: p.note, by: p.by, at: p.at };
        v.spotlightTrail = [...v.spotlightTrail.slice(1 - SPOTLIGHT_TRAIL), { s: v.spotlight, heard: Date.now() }];
        break;
      case 'price':
        // the staff's event for one tier changes that tier's price, not the item's
        if (item && p.tier) v.items.set(p.product, { ...item, tier_prices: p.tier_prices ?? { ...item.tier_prices, [p.tier]: p.price } });
        // a dealer's event: its price, and the fair's when its tier's own differs (else none)
        else if (item) v.items.set(p.product, { ...item, price: p.price, fair_price: p.fair_price, ...(p.tier_prices ? { tier_prices: p.tier_prices } : {}) });
        break;
      case 'flash':
        if (item) v.items.set(p.product, { ...item, flash: { price: p.price, starts_at: p.starts_at, ends_at: p.ends_at } });
        break;
      case 'item.new':
        v.items.set(p.item.product, p.item);
        for (const x of p.item.variants) v.stock.set(x.id, x.remaining);
        if (!v.firstPage.includes(p.item.product)) v.total++;
        v.announcements = [...v.announcements.slice(-4),
          { id: this.nextAnnouncement++, product: p.item.product, name: p.item.name, at: Date.now() }];
        break;
      case 'item.updated':
        // its name, description or list price changed; what is left is the stock pushes' to say
        v.items.set(p.item.product, p.item);
        break;
      case 'item.withdrawn':
        if (item) v.items.set(p.product, { ...item, withdrawn: true });
        break;
      case 'chat': {
        const { ev: _ev, fair: _fair, seq: _seq, ...msg } = p;
        v.chat.set(msg.id, msg);
        break;
      }
      case 'chat.hidden':
        v.chat.delete(p.id);
        break;
      case 'fair.state':
        if (v.fair) {
          v.fair = { ...v.fair, status: p.status, starts_at: p.starts_at, ends_at: p.ends_at };
          if (p.name !== undefined) v.fair = { ...v.fair, name: p.name, name_en: p.name_en ?? '' };
        }
        break;
      case 'presence':
        v.online = p.online;
        break;
      case 'stream': {
        const { ev: _ev, fair: _fair, seq: _seq, ...stream } = p;
        v.stream = stream;
        break;
      }
      case 'attainment': {
        const { ev: _ev, fair: _fair, ...a } = p;
        v.attainment = a;
        break;
      }
      case 'order.status': {
        // a dealer hears its own orders' (the staff's pages read theirs again, processing.tsx)
        const { ev: _ev, fair: _fair, dealer: _dealer, order, ...note } = p;
        v.orderStatus.set(order, note);
        break;
      }
    }
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}

/** The price the dealer pays now: the flash price inside its window, else its tier price. */
export function priceNow(item: Item, nowMs: number): { price: number; flash: boolean } {
  const f = item.flash;
  if (f && nowMs >= Date.parse(f.starts_at) && nowMs < Date.parse(f.ends_at)) return { price: f.price, flash: true };
  return { price: item.price, flash: false };
}

/** The questions nobody has answered yet, oldest first: the rep's queue and its badge. */
export function openQuestions(chat: Map<number, ChatMessage>): ChatMessage[] {
  const answered = new Set<number>();
  for (const m of chat.values()) if (m.reply_to) answered.add(m.reply_to);
  return [...chat.values()].filter((m) => !m.reply_to && m.status !== 'answered' && !answered.has(m.id))
    .sort((a, b) => a.id - b.id);
}
