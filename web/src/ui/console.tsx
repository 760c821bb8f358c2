// The rep's console (rep and admin): present the fair's items (spotlight with a note, prices
// for every tier or one, a flash price with its window, withdraw and launch), each action
// confirmed by the server's answer and visible in the preview of the dealer's room; and the
// Q&A queue (open questions oldest first, claims live across reps, answers public or private
// inline, hide). Keys: ↑/↓ or J/K pick the previous or next item, Enter puts it in the spotlight.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage, Item } from '../fair/protocol';
import { openQuestions, priceNow } from '../fair/store';
import { dateTime, errorText, money, number, parseMoney, t, time } from '../i18n';
import type { FairContext } from './app';
import { useNow, useSubscription } from './hooks';
import { useItemSearch } from './search';
import { Spotlight } from './room';

const LIST_LIMIT = 100;

/** Units left of an item now, from the live stock. */
function leftOf(ctx: FairContext, item: Item): number {
  return item.variants.reduce((sum, v) => sum + Math.max(0, ctx.store.view.stock.get(v.id) ?? v.remaining), 0);
}

export function Console({ ctx }: { ctx: FairContext }) {
  useSubscription(ctx.store);
  const now = useNow(1000, ctx.client.clockSkewMs);
  const [selected, setSelected] = useState<number | null>(null);
  return (
    <section class="console" id="console-view">
      <h1 class="sr-only">{t('console')}</h1>
      <div class="console-grid">
        <ItemList ctx={ctx} selected={selected} onSelect={setSelected} />
        <div class="console-main">
          {selected !== null && <ItemEditor ctx={ctx} product={selected} now={now} />}
          <section class="preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{t('preview')}</h2>
            <Spotlight ctx={ctx} now={now} />
          </section>
        </div>
        <Queue ctx={ctx} />
      </div>
    </section>
  );
}

function ItemList({ ctx, selected, onSelect }: {
  ctx: FairContext; selected: number | null; onSelect: (p: number) => void;
}) {
  const { store } = ctx;
  const [q, setQ] = useState('');
  const { ids, error } = useItemSearch(ctx, q, LIST_LIMIT, true);
  const list = useRef<HTMLOListElement>(null);

  const spotlit = store.view.spotlight?.product;
  // presenters move fast: keys work anywhere on the console but in a text field, and two
  // presses before the page re-renders move two items (the latest choice is kept here)
  const latest = useRef<{ ids: number[]; selected: number | null }>({ ids, selected });
  latest.current.ids = ids;
  useEffect(() => { latest.current.selected = selected; }, [selected]);
  useEffect(() => {
    const move = (by: number) => {
      const { ids: all, selected: cur } = latest.current;
      if (!all.length) return;
      const at = cur === null ? -1 : all.indexOf(cur);
      const next = all[Math.max(0, Math.min(all.length - 1, at + by))];
      latest.current.selected = next;
      onSelect(next);
      list.current?.querySelector<HTMLElement>(`[data-product="${next}"] button`)?.focus();
    };
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (e.altKey || e.ctrlKey || e.metaKey || el.closest('input, textarea, select')) return;
      if (e.key === 'ArrowDown' || e.key === 'j') { e.preventDefault(); move(1); }
      else if (e.key === 'ArrowUp' || e.key === 'k') { e.preventDefault(); move(-1); }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onSelect]);

  return (
    <section class="items-list" aria-labelledby="items-title">
      <h2 id="items-title">{t('items_list')}</h2>
      <label>
        <span class="sr-only">{t('search_items')}</span>
        <input type="search" id="console-search" value={q} placeholder={t('search_items')} maxLength={100}
          onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
      </label>
      <p class="muted small">{t('shortcuts')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <ol ref={list} class="console-items">
        {ids.map((id) => {
          const it = store.view.items.get(id);
          if (!it) return null;
          const left = leftOf(ctx, it);
          return (
            <li data-product={id} class={`${id === selected ? 'selected' : ''}${id === spotlit ? ' live' : ''}`}>
              <button type="button" aria-pressed={id === selected} onClick={() => onSelect(id)}>
                <span class="name">{it.name}</span>
                <span class="muted small">{it.style}</span>
                <span class="figures small">
                  {t('sold_n', { n: number(it.sold) })} · {left ? t('left', { n: number(left) }) : t('sold_out')}
                  {id === spotlit && <> · <strong>{t('spotlight')}</strong></>}
                  {it.withdrawn && <> · {t('withdrawn')}</>}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Runs a staff action: busy while it waits, its answer (or the error in words) shown after. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    try {
      setResult({ ok: true, text: await action() });
    } catch (e) {
      setResult({ ok: false, text: errorText(e as any) });
    } finally {
      setBusy(false);
    }
  };
  const fail = (text: string) => setResult({ ok: false, text });
  return { busy, result, run, fail, clear: () => setResult(null) };
}

function ItemEditor({ ctx, product, now }: { ctx: FairContext; product: number; now: number }) {
  const { client, store, fair } = ctx;
  const item = store.view.items.get(product);
  const f = store.view.fair;
  const [note, setNote] = useState('');
  const [price, setPrice] = useState('');
  const [tier, setTier] = useState('');
  const [flashPrice, setFlashPrice] = useState('');
  const [flashAt, setFlashAt] = useState('');
  const [minutes, setMinutes] = useState('15');
  const action = useAction();
  useEffect(() => { action.clear(); setPrice(''); setFlashPrice(''); }, [product]);
  // Enter on the console (outside a field) puts the selected item in the spotlight
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || (e.target as HTMLElement).closest('input, textarea, select, button, a')) return;
      e.preventDefault();
      void spotlight();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });
  if (!item || !f) return null;
  const currency = f.currency;
  const tiers = Object.keys(item.tier_prices ?? {}).sort();
  const p = priceNow(item, now);

  const spotlight = () => action.run(async () => {
    await client.request('spotlight.set', { fair, product, ...(note.trim() ? { note: note.trim() } : {}) });
    return t('done_spotlight', { name: item.name });
  });
  const reprice = (e: Event) => {
    e.preventDefault();
    const fen = parseMoney(price, currency);
    if (fen === null) { action.fail(t('bad_money')); return; }
    void action.run(async () => {
      await client.request('price.set', { fair, product, price: fen, ...(tier ? { tier } : {}) });
      setPrice('');
      return t('done_price', { price: money(fen, currency), who: tier ? t('tier_n', { t: tier }) : t('all_tiers') });
    });
  };
  const flash = (e: Event) => {
    e.preventDefault();
    const fen = parseMoney(flashPrice, currency);
    const mins = Number(minutes);
    if (fen === null) { action.fail(t('bad_money')); return; }
    if (!Number.isInteger(mins) || mins < 1 || mins > 24 * 60) { action.fail(t('bad_minutes')); return; }
    // "now" by the server's clock; a time typed is the fair's local time as the browser reads it
    const start = flashAt ? new Date(flashAt) : new Date(Date.now() + client.clockSkewMs);
    const end = new Date(start.getTime() + mins * 60_000);
    void action.run(async () => {
      await client.request('flash.set', { fair, product, price: fen, starts_at: start.toISOString(), ends_at: end.toISOString() });
      setFlashPrice('');
      return t('done_flash', { price: money(fen, currency), end: dateTime(end.toISOString(), f.timezone) });
    });
  };
  const toggleSale = () => action.run(async () => {
    const r = await client.request<{ item: Item }>(item.withdrawn ? 'item.launch' : 'item.withdraw', { fair, product });
    store.remember([r.item]);
    return r.item.withdrawn ? t('done_withdraw', { name: item.name }) : t('done_launch', { name: item.name });
  });

  return (
    <section class="editor" aria-labelledby="editor-title" id="item-editor" data-product={product}>
      <h2 id="editor-title">{item.name} <span class="muted small">{item.style}</span></h2>
      <p class="price-line">
        <strong class={p.flash ? 'flash' : ''} id="editor-price">{money(p.price, currency)}</strong>
        {tiers.length > 0 && <span class="muted small"> · {tiers.map((x) => `${x} ${money(item.tier_prices![x], currency)}`).join(' · ')}</span>}
        {item.flash && <span class="muted small"> · {t('flash')} {money(item.flash.price, currency)} {time(item.flash.starts_at, f.timezone)}–{time(item.flash.ends_at, f.timezone)}</span>}
      </p>
      <form class="row" onSubmit={(e) => { e.preventDefault(); void spotlight(); }}>
        <label class="grow"><span class="sr-only">{t('spotlight_note')}</span>
          <input type="text" id="spot-note-input" value={note} maxLength={200} placeholder={t('spotlight_note')}
            onInput={(e) => setNote((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" class="primary" id="do-spotlight" disabled={action.busy || item.withdrawn}>{t('spotlight_set')}</button>
      </form>
      <form class="row" onSubmit={reprice}>
        <label><span class="sr-only">{t('price_for')}</span>
          <select id="price-tier" value={tier} onChange={(e) => setTier((e.target as HTMLSelectElement).value)}>
            <option value="">{t('all_tiers')}</option>
            {['A', 'B', 'C', ...tiers.filter((x) => !'ABC'.includes(x))].map((x) => <option value={x}>{t('tier_n', { t: x })}</option>)}
          </select></label>
        <label class="grow"><span class="sr-only">{t('new_price')}</span>
          <input type="text" inputMode="decimal" id="price-input" value={price} placeholder={t('new_price')}
            onInput={(e) => setPrice((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" id="do-price" disabled={action.busy || !price.trim()}>{t('price_edit')}</button>
      </form>
      <p class="muted small">{t('price_was', { old: money(tier && item.tier_prices?.[tier] !== undefined ? item.tier_prices[tier] : item.price, currency) })}</p>
      <form class="row" onSubmit={flash}>
        <label class="grow"><span class="sr-only">{t('flash_price')}</span>
          <input type="text" inputMode="decimal" id="flash-input" value={flashPrice} placeholder={t('flash_price')}
            onInput={(e) => setFlashPrice((e.target as HTMLInputElement).value)} /></label>
        <label>{t('flash_start')}{' '}
          <input type="datetime-local" id="flash-at" value={flashAt} onInput={(e) => setFlashAt((e.target as HTMLInputElement).value)} /></label>
        <label>{t('flash_minutes')}{' '}
          <input type="number" id="flash-minutes" min={1} max={1440} step={1} value={minutes}
            onInput={(e) => setMinutes((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" id="do-flash" disabled={action.busy || !flashPrice.trim()}>{t('flash_apply')}</button>
      </form>
      <p class="row">
        <button type="button" id="do-sale" class={item.withdrawn ? '' : 'danger'} disabled={action.busy} onClick={() => void toggleSale()}>
          {item.withdrawn ? t('launch') : t('withdraw')}
        </button>
      </p>
      {action.result && (
        <p class={action.result.ok ? 'result ok' : 'result error'} role={action.result.ok ? 'status' : 'alert'} id="action-result">
          {action.result.text}
        </p>
      )}
    </section>
  );
}

/** Open questions oldest first, with claims live; answered ones folded away. */
function Queue({ ctx }: { ctx: FairContext }) {
  const { store, client, fair, user } = ctx;
  const f = store.view.fair;
  const [loaded, setLoaded] = useState(false);
  // the join brings the last 50 messages: read further back once, for older open questions
  useEffect(() => {
    let stop = false;
    (async () => {
      let before: number | undefined;
      for (let page = 0; page < 10 && !stop; page++) {
        const r = await client.request<{ messages: ChatMessage[] }>('chat.history', { fair, limit: 100, ...(before ? { before } : {}) });
        store.rememberChat(r.messages);
        if (r.messages.length < 100) break;
        before = r.messages[r.messages.length - 1].id;
      }
    })().catch(() => {}).finally(() => { if (!stop) setLoaded(true); });
    return () => { stop = true; };
  }, [fair, client.state === 'live']);
  if (!f) return null;

  const messages = [...store.view.chat.values()].sort((a, b) => a.id - b.id);
  const answers = new Map<number, ChatMessage>();
  const staffNames = new Map<number, string>([[user.id, user.name]]);
  for (const m of messages) {
    if (m.reply_to) answers.set(m.reply_to, m);
    if (m.author.role !== 'dealer') staffNames.set(m.author.id, m.author.name);
  }
  const open = openQuestions(store.view.chat);
  const openIds = new Set(open.map((q) => q.id));
  const answered = messages.filter((m) => !m.reply_to && !openIds.has(m.id)).reverse();
  return (
    <section class="queue" aria-labelledby="queue-title" id="queue">
      <h2 id="queue-title">{t('queue')} {open.length > 0 && <span class="badge" id="queue-count">{open.length}</span>}</h2>
      {!open.length && <p class="muted">{loaded ? t('queue_empty') : t('loading')}</p>}
      <ol class="open-questions">
        {open.map((q) => <Question ctx={ctx} q={q} staffNames={staffNames} />)}
      </ol>
      {answered.length > 0 && (
        <details class="answered">
          <summary>{t('answered_n', { n: answered.length })}</summary>
          <ol>
            {answered.slice(0, 100).map((q) => <Answered ctx={ctx} q={q} a={answers.get(q.id)} />)}
          </ol>
        </details>
      )}
    </section>
  );
}

/** An answered question, folded away; one answered in public can be marked as the fair's FAQ. */
function Answered({ ctx, q, a }: { ctx: FairContext; q: ChatMessage; a: ChatMessage | undefined }) {
  const { client, store, fair } = ctx;
  const f = store.view.fair!;
  const action = useAction();
  const mark = (faq: boolean) => action.run(async () => {
    await client.request('chat.faq', { fair, id: q.id, faq });
    return '';
  });
  return (
    <li data-id={q.id} class={q.faq ? 'marked' : undefined}>
      <p><span class="who">{q.author.name}</span> <span class="muted small">{time(q.at, f.timezone)}</span>
        {q.faq && <> <span class="tag pinned">{t('faq')}</span></>}</p>
      <p class="text">{q.text}</p>
      {a && <p class="a"><span class="who">{a.author.name}</span>{a.private && <span class="tag">{t('answered_privately')}</span>} {a.text}</p>}
      {a && !a.private && (
        <button type="button" class="link faq-toggle" disabled={action.busy} aria-pressed={!!q.faq}
          onClick={() => void mark(!q.faq)}>{q.faq ? t('unmark_faq') : t('mark_faq')}</button>
      )}
      {action.result && !action.result.ok && <p class="error" role="alert">{action.result.text}</p>}
    </li>
  );
}

function Question({ ctx, q, staffNames }: { ctx: FairContext; q: ChatMessage; staffNames: Map<number, string> }) {
  const { client, store, fair, user } = ctx;
  const f = store.view.fair!;
  const [text, setText] = useState('');
  const action = useAction();
  const product = q.product ? store.view.items.get(q.product) : undefined;
  const mine = q.status === 'claimed' && q.claimed_by === user.id;
  const other = q.status === 'claimed' && q.claimed_by !== user.id;
  const claim = () => action.run(async () => {
    await client.request('chat.claim', { fair, id: q.id });
    return t('claimed_by_me');
  });
  const answer = (priv: boolean) => {
    if (!text.trim()) return;
    void action.run(async () => {
      await client.request('chat.answer', { fair, reply_to: q.id, text, ...(priv ? { private: true } : {}) });
      setText('');
      return '';
    });
  };
  const hide = () => {
    if (!confirm(t('hide_confirm'))) return;
    void action.run(async () => {
      await client.request('chat.hide', { fair, id: q.id });
      return '';
    });
  };
  return (
    <li class={`question${mine ? ' mine' : ''}${other ? ' other' : ''}`} data-id={q.id}>
      <p>
        <span class="who">{q.author.name}</span>
        <span class="muted small"> · {product ? product.name : t('general_question')} · {time(q.at, f.timezone)}</span>
      </p>
      <p class="text">{q.text}</p>
      {q.status === 'claimed' && (
        <p class="claim small">{mine ? t('claimed_by_me') : t('claimed_by_other', { name: staffNames.get(q.claimed_by!) ?? t('someone') })}</p>
      )}
      <div class="row">
        {q.status === 'open' && <button type="button" class="claim-btn" disabled={action.busy} onClick={() => void claim()}>{t('claim')}</button>}
        <button type="button" class="link danger" disabled={action.busy} onClick={hide}>{t('hide')}</button>
      </div>
      <form class="answer" onSubmit={(e) => { e.preventDefault(); answer(false); }}>
        <label class="grow"><span class="sr-only">{t('answer_placeholder')}</span>
          <textarea rows={2} maxLength={2000} value={text} placeholder={t('answer_placeholder')}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} /></label>
        <div class="row">
          <button type="submit" class="primary answer-public" disabled={action.busy || !text.trim()}>{t('answer_public')}</button>
          <button type="button" class="answer-private" disabled={action.busy || !text.trim()} onClick={() => answer(true)}>{t('answer_private')}</button>
        </div>
      </form>
      {action.result && !action.result.ok && <p class="error" role="alert">{action.result.text}</p>}
    </li>
  );
}
