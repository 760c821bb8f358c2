// The user's inbox (站內信, issue 25; PROTOCOL.md "Messages"): the unread count, kept current
// by the `inbox` push and asked again after each (re)connect, so a message that came while
// the browser was away shows at once; the messages when the page is open; read marks; the
// mail settings. Pages never talk to the socket: they call these and subscribe.
import type { FairClient } from './client';

export type MessageKind = 'product.launched' | 'promotion' | 'coupon' | 'fair.reminder' | 'order.status' | 'chat.answer';
export const MESSAGE_KINDS: MessageKind[] = ['product.launched', 'coupon', 'promotion', 'fair.reminder', 'order.status', 'chat.answer'];

export interface InboxMessage {
  id: number;
  kind: MessageKind;
  fair: number | null;
  params: Record<string, any>;
  at: string;
  read: boolean;
}

export interface InboxPrefs {
  email: string | null;
  lang: 'zh-Hans' | 'zh-Hant' | 'en';
  kinds: Record<MessageKind, boolean>;
}

const PAGE = 30;

export class Inbox {
  unread = 0;
  messages: InboxMessage[] = [];
  loaded = false;
  more = false;
  private listeners = new Set<() => void>();
  private wasLive = false;
  private open = 0; // pages showing the list: they follow pushes

  constructor(private readonly client: FairClient) {
    client.onPush((push) => {
      // {"ev": "inbox", "unread": N}: not a fair's push, so not in protocol.ts's Push
      const p = push as unknown as { ev: string; unread?: number };
      if (p.ev !== 'inbox' || typeof p.unread !== 'number') return;
      this.unread = p.unread;
      this.changed();
      if (this.open) void this.load();
    });
    client.onChange(() => {
      const live = client.state === 'live';
      if (live && !this.wasLive) void this.refresh();
      this.wasLive = live;
    });
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  /** After a (re)connect: the count, and the list if a page shows it. */
  private async refresh(): Promise<void> {
    try {
      if (this.open) await this.load();
      else this.unread = (await this.client.request<{ unread: number }>('inbox.unread')).unread;
      this.changed();
    } catch { /* the next connect asks again */ }
  }

  /** A page shows the list: load it and follow pushes until closed. */
  watch(): () => void {
    this.open++;
    void this.load().catch(() => {});
    return () => { this.open--; };
  }

  async load(): Promise<void> {
    const r = await this.client.request<{ messages: InboxMessage[]; unread: number }>('inbox.list', { limit: PAGE });
    this.messages = r.messages;
    this.unread = r.unread;
    this.loaded = true;
    this.more = r.messages.length === PAGE;
    this.changed();
  }

  async loadMore(): Promise<void> {
    const last = this.messages[this.messages.length - 1];
    if (!last) return;
    const r = await this.client.request<{ messages: InboxMessage[]; unread: number }>('inbox.list', { limit: PAGE, before: last.id });
    this.messages = [...this.messages, ...r.messages];
    this.unread = r.unread;
    this.more = r.messages.length === PAGE;
    this.changed();
  }

  async read(ids: number[] | 'all'): Promise<void> {
    const r = await this.client.request<{ unread: number }>('inbox.read', ids === 'all' ? { all: true } : { ids });
    const marked = ids === 'all' ? null : new Set(ids);
    this.messages = this.messages.map((m) => (!marked || marked.has(m.id) ? { ...m, read: true } : m));
    this.unread = r.unread;
    this.changed();
  }

  prefs(): Promise<InboxPrefs> {
    return this.client.request<InboxPrefs>('inbox.prefs');
  }

  setPrefs(p: { email?: string; lang?: string; kinds?: Partial<Record<MessageKind, boolean>> }): Promise<InboxPrefs> {
    return this.client.request<InboxPrefs>('inbox.prefs.set', p);
  }
}
