// A product: pictures by colour, description, my price, and the sizes × colours matrix that
// writes into the order sheet as the dealer types (Tab along a row). Each cell shows what is
// left, live, and refuses what cannot be ordered; packs (配碼) are entered as packs per colour.
import { useEffect, useState } from 'preact/hooks';
import type { Clip, FaqItem, Item, Order, Variant } from '../fair/protocol';
import type { Cells as SheetCells } from '../fair/sheet';
import { priceNow } from '../fair/store';
import { categoryName, colorName, currentLang, duration, errorText, money, nameOf, number, t } from '../i18n';
import type { FairContext } from './app';
import { Badges, remainingOf, srcset } from './card';
import { useNow, useSubscription } from './hooks';

export function useItem(ctx: FairContext, product: number): { item: Item | undefined; error: string } {
  const [error, setError] = useState('');
  const item = ctx.store.view.items.get(product);
  useEffect(() => {
    if (item || product <= 0) return;
    ctx.client.request<{ items: Item[] }>('catalog.items', { fair: ctx.fair, products: [product] })
      .then((r) => {
        ctx.store.remember(r.items);
        if (!r.items.length) setError(t('err_not_found'));
        else setError('');
      })
      .catch((e) => setError(errorText(e)));
  }, [product, ctx.fair, !!item, ctx.client.state]);
  return { item, error };
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function ProductPage({ ctx, product }: { ctx: FairContext; product: number }) {
  useSubscription(ctx.store);
  useSubscription(ctx.sheet);
  const now = useNow(1000, ctx.client.clockSkewMs);
  const { item, error } = useItem(ctx, product);
  const [color, setColor] = useState<string | null>(null);
  const faq = useFaq(ctx, product);
  const ordered = useOrderedUnits(ctx, !!ctx.sheet);

  if (!item) return <p class={error ? 'error' : 'muted'}>{error || t('loading')}</p>;
  const currency = ctx.store.view.fair?.currency ?? 'CNY';
  const p = priceNow(item, now);
  const colors = uniq(item.variants.map((v) => v.color));
  const shown = color ?? colors[0];
  const picture = (shown && item.color_images?.[shown]) || item.images;
  const en = currentLang() === 'en';
  const left = remainingOf(ctx.store, item);
  return (
    <article class="product" id="product-view" data-product={item.product}>
      <div class="gallery">
        {picture
          ? <img src={picture.full} srcset={srcset(picture)} sizes="(max-width: 700px) 100vw, 420px"
              width={1200} height={1500} alt={`${nameOf(item)} ${shown ? colorName(shown) : ''}`} />
          : <span class="noimg large" aria-hidden="true" />}
        {item.clip && <ClipPlayer clip={item.clip} name={nameOf(item)} />}
        {colors.length > 1 && (
          <div class="swatches" role="group" aria-label={t('color')}>
            {colors.map((c) => (
              <button type="button" aria-pressed={c === shown} onClick={() => setColor(c)}>{colorName(c)}</button>
            ))}
          </div>
        )}
      </div>
      <div class="details">
        <p><a href={`#/fair/${ctx.fair}/catalog`}>‹ {t('catalog')}</a></p>
        <h1>{nameOf(item)}</h1>
        <p class="muted">{item.style} · {categoryName(item.category)}{en && item.name_en ? ` · ${item.name}` : ''}</p>
        <p class="price-line">
          <span class="muted">{t('my_price')}</span>{' '}
          <strong class={`big${p.flash ? ' flash' : ''}`}>{money(p.price, currency)}</strong>
          {item.base_price > p.price && <> <s class="muted">{t('base_price')} {money(item.base_price, currency)}</s></>}
          {p.flash && item.flash && <FlashCountdown ends={item.flash.ends_at} now={now} />}
        </p>
        <Badges item={item} left={left} now={now} flash={false} />
        <p class="rules muted">
          {item.moq > 1 && <span>{t('moq', { n: item.moq })}</span>}
          {item.limit !== null && (
            <span id="product-limit">{t('limit', { n: item.limit })}
              {!!ordered.get(item.product) && ` · ${t('ordered_n', { n: number(ordered.get(item.product)!) })}`}</span>
          )}
          {item.pack && <span>{t('pack', { p: packText(item) })}</span>}
        </p>
        <p class="description">{en && item.description_en ? item.description_en : item.description}</p>
        {ctx.sheet && !item.withdrawn &&
          <Matrix ctx={ctx} item={item} price={p.price} currency={currency} sheet={ctx.sheet} to={`#/fair/${ctx.fair}/sheet`}
            ordered={ordered.get(item.product) ?? 0} />}
        <Faq items={faq} />
      </div>
    </article>
  );
}

/** The product's clip: its poster (lazy) behind a play button, and the video only once asked for,
 * so a product page downloads none of it until the dealer wants it; muted (a noisy hall), with
 * the player's controls for sound and seeking (the server answers byte ranges). */
function ClipPlayer({ clip, name }: { clip: Clip; name: string }) {
  const [asked, setAsked] = useState(false);
  const label = t('clip_play', { d: duration(clip.duration_ms) });
  return (
    <figure class="clip">
      {asked
        ? <video src={clip.url} poster={clip.poster} width={clip.width} height={clip.height} controls muted autoplay
            playsInline preload="auto" aria-label={`${t('clip')}: ${name}`} />
        : (
          <button type="button" class="clip-play" aria-label={label} onClick={() => setAsked(true)}>
            <img src={clip.poster} alt="" loading="lazy" width={clip.width} height={clip.height} />
            <span class="clip-play-icon" aria-hidden="true">▶</span>
          </button>
        )}
      <figcaption class="muted">{t('clip')} · {duration(clip.duration_ms)}</figcaption>
    </figure>
  );
}

/** "M×1 L×2": the pack's sizes in the product's size order. */
function packText(item: Item): string {
  const sizes = uniq(item.variants.map((v) => v.size));
  return Object.entries(item.pack ?? {}).sort(([a], [b]) => sizes.indexOf(a) - sizes.indexOf(b))
    .map(([s, n]) => `${s}×${n}`).join(' ');
}

/** A product's public answers, or with product null the fair's marked ones (the FAQ), read
 * again when an answer or a mark comes in the fair. Marked ones first. */
export function useFaq(ctx: FairContext, product: number | null): FaqItem[] {
  const [faq, setFaq] = useState<FaqItem[]>([]);
  const messages = [...ctx.store.view.chat.values()];
  const answers = messages.filter((m) => m.reply_to && !m.private && (product === null || m.product === product)).length;
  const marks = messages.filter((m) => m.faq).map((m) => m.id).join(',');
  useEffect(() => {
    if (product !== null && product <= 0) { setFaq([]); return; }
    ctx.client.request<{ items: FaqItem[] }>('faq', { fair: ctx.fair, ...(product ? { product } : {}) })
      .then((r) => setFaq([...r.items.filter((i) => i.faq), ...r.items.filter((i) => !i.faq)])).catch(() => {});
  }, [product, answers, marks, ctx.client.state === 'live']);
  return faq;
}

export function Faq({ items, id = 'faq', title = t('faq') }: { items: FaqItem[]; id?: string; title?: string }) {
  if (!items.length) return null;
  return (
    <section class="faq" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <dl>{items.map((f) => <><dt data-id={f.id}>{f.faq && <span class="tag pinned">{t('faq_pinned')}</span>}{f.question}</dt><dd>{f.answer}</dd></>)}</dl>
    </section>
  );
}

export function FlashCountdown({ ends, now }: { ends: string; now: number }) {
  return <span class="tag flash" role="timer">{t('flash')} {duration(Date.parse(ends) - now)}</span>;
}

/** Units of each product the dealer has ordered at this fair already, in orders neither
 * cancelled nor rejected (what the server counts against the per-dealer limit): orders.mine,
 * read again when an order is answered or its status changes. Empty when not enabled. A rep
 * ordering on a dealer's behalf names the dealer (`dealer`), and `answered` is its last
 * answer (a dealer's own is its sheet's). */
export function useOrderedUnits(ctx: FairContext, enabled: boolean, dealer?: number, answered?: unknown): Map<number, number> {
  const [units, setUnits] = useState<Map<number, number>>(new Map());
  const [changes, setChanges] = useState(0);
  const last = answered ?? ctx.sheet?.lastResult;
  useEffect(() => ctx.client.onPush((p) => {
    if (p.ev === 'order.status' && p.fair === ctx.fair) setChanges((n) => n + 1);
  }), [ctx.fair]);
  useEffect(() => {
    if (!enabled || ctx.client.state !== 'live') return;
    ctx.client.request<{ orders: Order[] }>('orders.mine', dealer ? { fair: ctx.fair, dealer } : { fair: ctx.fair }).then((r) => {
      const m = new Map<number, number>();
      for (const o of r.orders) {
        if (o.status === 'cancelled' || o.status === 'rejected') continue;
        for (const l of o.lines) m.set(l.product, (m.get(l.product) ?? 0) + l.qty);
      }
      setUnits(m);
    }).catch(() => {});
  }, [ctx.fair, enabled, dealer, ctx.client.state === 'live', last, changes]);
  return units;
}

/** What the dealer typed per cell (text, so a half-typed value stays as typed). */
type Cells = Record<string, string>;

/** A typed quantity: empty is 0; NaN or a fraction when it is not a whole number. */
function parseQty(text: string): number {
  return text.trim() === '' ? 0 : Number(text);
}

/** The size × colour grid of one item, typed into `sheet` (the dealer's order sheet, or a rep's
 * order on a dealer's behalf); `to` is where its button leads (the sheet), none without.
 * `ordered`: the dealer's units of the product in earlier orders, which count against its
 * per-dealer limit: a quantity over what the limit leaves is refused as one over stock is. */
export function Matrix({ ctx, item, price, currency, sheet, to, ordered = 0 }: {
  ctx: FairContext; item: Item; price: number; currency: string; sheet: SheetCells; to?: string; ordered?: number;
}) {
  useSubscription(sheet);
  const store = ctx.store;
  const colors = uniq(item.variants.map((v) => v.color));
  const sizes = uniq(item.variants.map((v) => v.size));
  const byCell = new Map(item.variants.map((v) => [`${v.color}\u0000${v.size}`, v]));
  const cellQty = (c: string, s: string) => sheet.qty(byCell.get(`${c}\u0000${s}`)?.id ?? 0);
  const rowQty = (c: string) => sizes.reduce((sum, s) => sum + cellQty(c, s), 0);
  const pack = item.pack;
  const packUnits = pack ? Object.values(pack).reduce((a, b) => a + b, 0) : 0;
  const [typed, setTyped] = useState<Cells>({});
  const left = (v: Variant) => Math.max(0, store.view.stock.get(v.id) ?? v.remaining);
  const name = nameOf(item);
  // what the per-dealer limit leaves for this order, and the product's units but those of some cells
  const room = item.limit === null ? Infinity : Math.max(0, item.limit - ordered);
  const unitsBut = (ids: number[]) => item.variants.reduce((sum, v) => sum + (ids.includes(v.id) ? 0 : sheet.qty(v.id)), 0);
  const limitText = () => t('bad_limit', { name, n: number(item.limit ?? 0), o: number(ordered), r: number(room) });

  // packs per colour as the sheet holds them (the first size of the pack tells)
  const packsOf = (c: string): number => {
    if (!pack) return 0;
    const [size, n] = Object.entries(pack)[0];
    const v = byCell.get(`${c}\u0000${size}`);
    return v ? Math.floor(sheet.qty(v.id) / n) : 0;
  };
  const problems: string[] = [];
  const write = (key: string, text: string, apply: (n: number) => Map<number, number> | string) => {
    setTyped({ ...typed, [key]: text });
    const n = parseQty(text);
    if (!Number.isInteger(n) || n < 0 || n > 100000) return;
    const cells = apply(n);
    if (typeof cells === 'string') return;
    sheet.set(cells);
  };

  const rows = colors.map((c) => {
    if (pack) {
      const key = `pack\u0000${c}`;
      const text = typed[key] ?? String(packsOf(c) || '');
      const n = parseQty(text);
      const cells = Object.entries(pack).map(([s, per]) => ({ v: byCell.get(`${c}\u0000${s}`), per }));
      const maxPacks = Math.min(...cells.map(({ v, per }) => (v ? Math.floor(left(v) / per) : 0)));
      const packIds = cells.flatMap(({ v }) => (v ? [v.id] : []));
      const bad = !Number.isInteger(n) || n < 0 ? t('err_bad_request', { m: text })
        : n > maxPacks ? `${colorName(c)}: ${t('packs_left', { n: number(maxPacks) })}`
        : unitsBut(packIds) + n * packUnits > room ? limitText() : '';
      if (bad) problems.push(bad);
      return (
        <tr>
          <th scope="row">{colorName(c)}</th>
          <td colSpan={sizes.length}>
            <label class="packcell">
              <input type="number" inputMode="numeric" min={0} max={maxPacks} step={1} value={text}
                aria-label={t('packs_cell', { color: colorName(c) })} aria-invalid={bad ? 'true' : undefined}
                disabled={maxPacks === 0 && !n}
                onInput={(e) => write(key, (e.target as HTMLInputElement).value, (k) => {
                  if (k > maxPacks || unitsBut(packIds) + k * packUnits > room) return 'over';
                  return new Map(cells.filter((x) => x.v).map(({ v, per }) => [v!.id, k * per]));
                })} />
              <span class="muted">{maxPacks === 0 ? t('sold_out') : `${t('packs_of', { n: packUnits })} · ${t('packs_left', { n: number(maxPacks) })}`}</span>
            </label>
          </td>
          <td class="total">{number(rowQty(c))}</td>
        </tr>
      );
    }
    return (
      <tr>
        <th scope="row">{colorName(c)}</th>
        {sizes.map((s) => {
          const v = byCell.get(`${c}\u0000${s}`);
          if (!v) return <td class="none" aria-label="—">—</td>;
          const key = String(v.id);
          const rest = left(v);
          const text = typed[key] ?? String(sheet.qty(v.id) || '');
          const n = parseQty(text);
          const bad = !Number.isInteger(n) || n < 0 ? t('err_bad_request', { m: text })
            : n > rest ? `${colorName(c)} ${s}: ${rest ? t('left', { n: rest }) : t('sold_out')}`
            : unitsBut([v.id]) + n > room ? limitText() : '';
          if (bad) problems.push(bad);
          return (
            <td class={rest === 0 ? 'cell soldout' : 'cell'}>
              <input type="number" inputMode="numeric" min={0} max={rest} step={1} value={text}
                aria-label={t('qty_cell', { color: colorName(c), size: s })} aria-invalid={bad ? 'true' : undefined}
                disabled={rest === 0 && !n} data-variant={v.id}
                onInput={(e) => write(key, (e.target as HTMLInputElement).value,
                  (k) => (k > rest || unitsBut([v.id]) + k > room ? 'over' : new Map([[v.id, k]])))} />
              <span class={`left${rest === 0 ? ' out' : ''}`}>{rest === 0 ? t('sold_out') : t('left', { n: number(rest) })}</span>
            </td>
          );
        })}
        <td class="total">{number(rowQty(c))}</td>
      </tr>
    );
  });
  const units = item.variants.reduce((sum, v) => sum + sheet.qty(v.id), 0);
  if (units > 0 && units < item.moq) problems.push(t('bad_moq', { name, n: item.moq }));
  if (units > room && !problems.includes(limitText())) problems.push(limitText());
  const sheetUnits = [...sheet.lines.values()].reduce((a, b) => a + b, 0);
  return (
    <section class="matrix" aria-labelledby="matrix-title">
      <h2 id="matrix-title">{t('size')} × {t('color')}</h2>
      <div class="scroll-x">
        <table>
          <thead>
            <tr><th scope="col">{t('color')}</th>{sizes.map((s) => <th scope="col">{s}</th>)}<th scope="col">{t('row_total')}</th></tr>
          </thead>
          <tbody>{rows}</tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('col_total')}</th>
              {sizes.map((s) => <td class="total">{number(colors.reduce((sum, c) => sum + cellQty(c, s), 0))}</td>)}
              <td class="total grand" id="product-units">{number(units)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p class="matrix-sum">
        <strong>{t('units', { n: number(units) })}</strong> · <strong id="product-amount">{money(units * price, currency)}</strong>
      </p>
      <div role="alert" class="error">{[...new Set(problems)].map((p) => <p>{p}</p>)}</div>
      {to && (
        <p class="actions">
          <a class="button primary" href={to} id="to-sheet">
            {t('sheet')} · {t('units', { n: number(sheetUnits) })}
          </a>
        </p>
      )}
    </section>
  );
}
