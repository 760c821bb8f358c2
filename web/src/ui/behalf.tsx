// A rep orders on a dealer's behalf (rep, admin; a rep limited to regions only for its
// regions' dealers, which the server checks): the fair's items searched, the same size × colour
// matrix the dealer uses, the lines at the dealer's tier price, one order placed with the
// dealer named (the order records who placed it), the answer in words. The fair's policies
// as the dealer sees them on its sheet: where it stands, the coupons it may use (one may be
// applied), the discount the lines would get.
import { useMemo, useState } from 'preact/hooks';
import { BehalfOrder } from '../fair/behalf';
import { estimate } from '../fair/offers';
import type { Item } from '../fair/protocol';
import { priceNow } from '../fair/store';
import { colorName, money, nameOf, number, t, withLang } from '../i18n';
import type { FairContext } from './app';
import { refusalText, shortCells, Shortfall } from './answer';
import { useNow, useSubscription } from './hooks';
import { useItemSearch } from './search';
import { Matrix, useOrderedUnits } from './product';
import { CouponPicker, EstimateRows, OrderDiscount, PolicyBox, usePolicyWatch } from './offers';
import { ShipToPicker } from './sheet';

export interface DealerBrief { dealer: number; name: string; region: string; tier: string }

/** The dealer the console's Dealers view opened, kept for this tab (its name and tier). */
export function rememberDealer(d: DealerBrief): void {
  sessionStorage.setItem(`fair.behalf.${d.dealer}`, JSON.stringify(d));
}

function dealerOf(id: number): DealerBrief {
  try {
    const d = JSON.parse(sessionStorage.getItem(`fair.behalf.${id}`) ?? 'null') as DealerBrief | null;
    if (d) return d;
  } catch { /* a bad copy: the id alone */ }
  return { dealer: id, name: `#${id}`, region: '', tier: '' };
}

export function Behalf({ ctx, dealer: id }: { ctx: FairContext; dealer: number }) {
  const { client, store, fair } = ctx;
  useSubscription(store);
  const dealer = useMemo(() => dealerOf(id), [id]);
  const order = useMemo(() => new BehalfOrder(client, fair, id), [client, fair, id]);
  useSubscription(order);
  const now = useNow(1000, client.clockSkewMs);
  const [q, setQ] = useState('');
  const [product, setProduct] = useState<number | null>(null);
  const { ids, error } = useItemSearch(ctx, q, 30);
  // the fair's policies, where this dealer stands and the coupons it may use (the rep sees
  // what the dealer would on its own sheet)
  const watch = usePolicyWatch(client, fair, id, order.lastResult);
  // what the dealer has ordered here already counts against each product's per-dealer limit
  const ordered = useOrderedUnits(ctx, true, id, order.lastResult);

  const currency = store.view.fair?.currency ?? 'CNY';
  // the dealer's price: its tier's own, else the item's; a flash price for everyone
  const priceFor = (it: Item) => {
    const p = priceNow(it, now);
    return p.flash ? p.price : (dealer.tier && it.tier_prices?.[dealer.tier]) || it.price;
  };
  const byVariant = new Map<number, Item>();
  for (const it of store.view.items.values()) for (const v of it.variants) byVariant.set(v.id, it);
  const lines = [...order.lines].map(([variant, qty]) => ({ variant, qty, item: byVariant.get(variant) }));
  const units = lines.reduce((s, l) => s + l.qty, 0);
  const amount = lines.reduce((s, l) => s + l.qty * (l.item ? priceFor(l.item) : 0), 0);
  const item = product !== null ? store.view.items.get(product) : undefined;
  const r = order.lastResult;
  const zone = store.view.fair?.timezone ?? 'Asia/Shanghai';
  const coupon = watch.coupons.find((c) => c.code === order.coupon) ?? null;
  const est = estimate(amount, watch.policy, watch.mine, coupon, now);

  return (
    <section class="behalf" id="behalf-view" data-dealer={id}>
      <h1>{t('behalf_title', { name: dealer.name })}</h1>
      <p class="muted">{[dealer.region, dealer.tier && t('tier_n', { t: dealer.tier })].filter(Boolean).join(' · ')}</p>
      <PolicyBox watch={watch} currency={currency} zone={zone} now={now} />
      <div class="behalf-grid">
        <section class="panel" aria-labelledby="behalf-items">
          <h2 id="behalf-items">{t('items_list')}</h2>
          <input type="search" id="behalf-search" value={q} placeholder={t('search_items')} aria-label={t('search_items')}
            onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
          {error && <p class="error" role="alert">{error}</p>}
          <ul class="pick-list">
            {ids.map((pid) => {
              const it = store.view.items.get(pid);
              return it && (
                <li data-product={pid}>
                  <button type="button" aria-pressed={pid === product} onClick={() => setProduct(pid)}>
                    {it.name} <span class="muted small">{it.style} · {money(priceFor(it), currency)}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
        <section class="panel" aria-labelledby="behalf-matrix">
          <h2 id="behalf-matrix">{item ? item.name : t('behalf_pick')}</h2>
          {/* made anew after each order placed: what was typed there has left the form */}
          {item && !item.withdrawn && <Matrix key={`${item.product}:${r?.kind === 'accepted' ? r.order.id : ''}`}
            ctx={ctx} item={item} price={priceFor(item)} currency={currency} sheet={order}
            ordered={ordered.get(item.product) ?? 0} />}
        </section>
      </div>
      <section class="panel" aria-labelledby="behalf-lines">
        <h2 id="behalf-lines">{t('behalf_lines')}</h2>
        {!lines.length ? <p class="muted">{t('sheet_empty')}</p> : (
          <table class="rank" id="behalf-table">
            <thead><tr><th scope="col">{t('product')}</th><th scope="col">{t('color')}</th><th scope="col">{t('size')}</th>
              <th scope="col" class="num">{t('qty')}</th><th scope="col" class="num">{t('amount')}</th></tr></thead>
            <tbody>{lines.map((l) => {
              const v = l.item?.variants.find((x) => x.id === l.variant);
              return (
                <tr><td>{l.item ? nameOf(l.item) : `#${l.variant}`}</td><td>{v ? colorName(v.color) : ''}</td><td>{v?.size}</td>
                  <td class="num">{number(l.qty)}</td><td class="num">{l.item ? money(l.qty * priceFor(l.item), currency) : ''}</td></tr>
              );
            })}</tbody>
          </table>
        )}
        <label class="block">{t('note')}
          <input type="text" maxLength={500} value={order.note} onInput={(e) => { order.note = (e.target as HTMLInputElement).value; }} /></label>
        <ShipToPicker client={client} dealer={id} value={order.shipTo} onChange={(a) => order.setShipTo(a)} />
        <CouponPicker watch={watch} value={order.coupon} onChange={(c) => order.setCoupon(c)} currency={currency}
          zone={zone} amount={amount} />
        <p class="row" aria-live="polite">
          <span>{t('total_units')} <strong id="behalf-units">{number(units)}</strong></span>
          <span>{t('total_amount')} <strong id="behalf-amount">{money(amount, currency)}</strong></span>
          {est && <EstimateRows est={est} currency={currency} />}
          <button type="button" class="primary" id="behalf-submit" disabled={!units || order.sending}
            onClick={() => void order.place()}>{order.sending ? t('submitting') : t('behalf_submit', { name: dealer.name })}</button>
        </p>
        {order.retrying && <p class="result retrying" role="status">{t('retrying')}</p>}
        {r?.kind === 'accepted' && (
          <p class="result ok" role="status" id="behalf-accepted" data-order={r.order.id}>
            {t('behalf_accepted', { id: r.order.id, name: dealer.name })}{' '}
            <a href={withLang(`/orders/${r.order.id}/print`)} target="_blank" rel="noopener">{t('print')}</a>
          </p>
        )}
        {r?.kind === 'accepted' && <OrderDiscount order={r.order} currency={currency} id="behalf-discount" />}
        {r?.kind === 'refused' && (r.error.code === 'insufficient_stock'
          ? <Shortfall id="behalf-short" title={t('short_title')} cells={shortCells(r.error)}
              describe={(v) => { const it = byVariant.get(v); const x = it?.variants.find((y) => y.id === v); return `${it ? nameOf(it) : v} ${x ? colorName(x.color) : ''} ${x?.size ?? ''}`; }} />
          : <p class="result error" role="alert" id="behalf-refused">
              {r.error.code === 'forbidden' ? t('behalf_forbidden', { name: dealer.name })
                : refusalText(r.error, currency, (p) => { const it = store.view.items.get(p); return it && nameOf(it); })}</p>)}
      </section>
    </section>
  );
}
