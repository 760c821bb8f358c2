// The order sheet: the server's draft line by line, grouped by product, with units and money,
// target and must-order progress, the credit left (warned before submit when the sheet is
// over it); submit places it under one key and shows the answer in words: the order, or what
// is left per cell with "take what is left", "join the waitlist" and "change quantities". An
// order typed offline waits, with its key, for the dealer to send. The fair's policies show
// where the dealer stands (the next tier and what it lacks, the early bird, the minimum); a
// coupon may be picked for the order; the total shows the discount it would get, estimated,
// and the answer the discount it got.
import { useEffect, useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import type { Item, Line, SavedAddress } from '../fair/protocol';
import { estimate } from '../fair/offers';
import { priceNow } from '../fair/store';
import type { PlaceResult } from '../fair/sheet';
import { colorName, errorText, money, nameOf, number, t, time, zoneLabel, withLang } from '../i18n';
import type { FairContext } from './app';
import { refusalText, shortCells, Shortfall } from './answer';
import { useNow, useSubscription } from './hooks';
import { useOrderedUnits } from './product';
import { Attainment } from './room';
import { CouponPicker, EstimateRows, OrderDiscount, PolicyBox, usePolicyWatch } from './offers';

export function useSheetItems(ctx: FairContext, variants: number[]): Map<number, Item> {
  const { store, client, fair } = ctx;
  const byVariant = new Map<number, Item>();
  for (const it of store.view.items.values()) for (const v of it.variants) byVariant.set(v.id, it);
  const unknown = variants.filter((v) => !byVariant.has(v));
  useEffect(() => {
    if (!unknown.length) return;
    client.request<{ items: Item[] }>('catalog.items', { fair, variants: unknown.slice(0, 200) })
      .then((r) => store.remember(r.items)).catch(() => {});
  }, [unknown.join(','), client.state]);
  return byVariant;
}

export function SheetPage({ ctx }: { ctx: FairContext }) {
  const sheet = ctx.sheet!;
  useSubscription(ctx.store);
  useSubscription(sheet);
  const now = useNow(1000, ctx.client.clockSkewMs);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState<string[]>([]);
  const ordered = useOrderedUnits(ctx, true);
  const lines = sheet.asLines();
  // what the rules found is for the sheet as it was sent: a change takes it away
  const typed = lines.map((l) => `${l.variant}:${l.qty}`).join(',');
  useEffect(() => setChecked([]), [typed]);
  const byVariant = useSheetItems(ctx, lines.map((l) => l.variant));
  const fair = ctx.store.view.fair;
  const currency = fair?.currency ?? 'CNY';
  const zone = fair?.timezone ?? 'Asia/Shanghai';
  const watch = usePolicyWatch(ctx.client, ctx.fair, null, sheet.lastResult);

  // lines by product, in the order they were added
  const groups = new Map<number, { item: Item | undefined; lines: Line[] }>();
  for (const l of lines) {
    const item = byVariant.get(l.variant);
    const key = item?.product ?? -l.variant;
    if (!groups.has(key)) groups.set(key, { item, lines: [] });
    groups.get(key)!.lines.push(l);
  }
  const priceOf = (l: Line) => {
    const item = byVariant.get(l.variant);
    return item ? priceNow(item, now).price : 0;
  };
  const units = lines.reduce((s, l) => s + l.qty, 0);
  const amount = lines.reduce((s, l) => s + l.qty * priceOf(l), 0);
  // the fair's rules the page can check before sending: each product's moq in this order, and
  // its per-dealer limit counting the units of earlier orders (the server checks them again)
  const rules = (): string[] => {
    const found: string[] = [];
    for (const { item, lines: ls } of groups.values()) {
      if (!item) continue;
      const n = ls.reduce((s, l) => s + l.qty, 0);
      const before = ordered.get(item.product) ?? 0;
      if (n > 0 && n < item.moq) found.push(t('bad_moq_had', { name: nameOf(item), n: number(item.moq), q: number(n) }));
      if (item.limit !== null && before + n > item.limit) {
        found.push(t('bad_limit', { name: nameOf(item), n: number(item.limit), o: number(before),
          r: number(Math.max(0, item.limit - before)) }));
      }
    }
    return found;
  };
  const submit = async (partial = false) => {
    const found = partial ? [] : rules();
    setChecked(found);
    if (found.length) return;
    setBusy(true);
    try { await sheet.submit(undefined, partial); } finally { setBusy(false); }
  };
  const live = fair?.status === 'live';
  const credit = ctx.store.view.attainment?.credit;
  const overCredit = !!credit && amount > credit.available;
  const coupon = watch.coupons.find((c) => c.code === sheet.coupon) ?? null;
  const est = estimate(amount, watch.policy, watch.mine, coupon, now);
  const underMinimum = !!watch.mine && watch.mine.below_minimum > amount;
  return (
    <section class="sheet" id="sheet-view">
      <h1>{t('sheet')}</h1>
      <SaveState ctx={ctx} />
      <CreditSummary ctx={ctx} />
      {checked.length > 0 && (
        <div class="result error" role="alert" id="order-checked">{checked.map((c) => <p>{c}</p>)}</div>
      )}
      <Result ctx={ctx} byVariant={byVariant} onPartial={() => submit(true)} />
      <PolicyBox watch={watch} currency={currency} zone={zone} now={now} />
      {!lines.length ? <p class="muted" id="sheet-empty">{t('sheet_empty')}</p> : (
        <>
          {[...groups.values()].map(({ item, lines: ls }) => (
            <section class="sheet-product" data-product={item?.product}>
              <h2>
                {item ? <a href={`#/fair/${ctx.fair}/product/${item.product}`}>{nameOf(item)}</a> : '…'}
                {item && <span class="muted"> {item.style}</span>}
              </h2>
              <table class="sheet-lines">
                <thead><tr><th scope="col">{t('color')}</th><th scope="col">{t('size')}</th>
                  <th scope="col" class="num">{t('qty')}</th><th scope="col" class="num">{t('amount')}</th>
                  <th scope="col"><span class="sr-only">{t('remove')}</span></th></tr></thead>
                <tbody>
                  {ls.map((l) => {
                    const v = item?.variants.find((x) => x.id === l.variant);
                    return (
                      <tr data-variant={l.variant}>
                        <td>{v ? colorName(v.color) : l.variant}</td><td>{v?.size ?? ''}</td>
                        <td class="num">{number(l.qty)}</td>
                        <td class="num">{money(l.qty * priceOf(l), currency)}</td>
                        <td><button type="button" class="link" onClick={() => sheet.clear([l.variant])}
                          aria-label={`${t('remove')} ${item ? nameOf(item) : ''} ${v ? colorName(v.color) : ''} ${v?.size ?? ''}`}>{t('remove')}</button></td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </section>
          ))}
          <label class="note">{t('note')}
            <textarea maxLength={1000} value={sheet.note} onInput={(e) => sheet.setNote((e.target as HTMLTextAreaElement).value)} />
          </label>
          {underMinimum && (
            <p class="warning" id="minimum-warning">{t('min_missing', { amount: money(watch.mine!.below_minimum, currency) })}</p>
          )}
          <ShipToPicker client={ctx.client} value={sheet.shipTo} onChange={(a) => sheet.setShipTo(a)} />
          <CouponPicker watch={watch} value={sheet.coupon} onChange={(c) => sheet.setCoupon(c)} currency={currency}
            zone={zone} amount={amount} />
          <div class="sheet-total" aria-live="polite">
            {overCredit && (
              <p class="warning" id="credit-warning">
                {t('credit_over', { amount: money(amount, currency), left: money(credit.available, currency) })}
              </p>
            )}
            <span>{t('total_units')} <strong id="sheet-units">{number(units)}</strong></span>
            <span>{t('total_amount')} <strong id="sheet-amount">{money(amount, currency)}</strong></span>
            {est && <EstimateRows est={est} currency={currency} />}
            {credit && <span>{t('credit_left')} <strong id="sheet-credit">{money(credit.available, currency)}</strong></span>}
            <button type="button" class="primary" id="submit-order" disabled={busy || !!sheet.pending || !live}
              aria-describedby={overCredit ? 'credit-warning' : underMinimum ? 'minimum-warning' : undefined} onClick={() => submit(false)}>
              {busy || sheet.pending?.state === 'sending' ? t('submitting') : t('submit_order')}
            </button>
          </div>
          {fair && !live && <p class="warning">{fair.status === 'paused' ? t('fair_paused') : fair.status === 'closed' ? t('fair_closed') : t('fair_scheduled')}</p>}
        </>
      )}
      <Attainment ctx={ctx} />
    </section>
  );
}

/** Where an order ships: one of the dealer's addresses (the caller's own, or `dealer`'s for
 * the staff), its default first chosen; for a dealer, a link to keep them (#/addresses). */
export function ShipToPicker({ client, dealer, value, onChange }: {
  client: FairContext['client']; dealer?: number; value: number | null; onChange: (address: number | null) => void;
}) {
  const [list, setList] = useState<SavedAddress[] | null>(null);
  useEffect(() => {
    client.request<{ addresses: SavedAddress[] }>('addresses.list', dealer ? { dealer } : {})
      .then((r) => {
        setList(r.addresses);
        // the choice stays while it is still one of the dealer's
        if (!r.addresses.some((a) => a.id === value)) onChange(r.addresses.find((a) => a.default)?.id ?? null);
      }).catch(() => setList(null));
  }, [dealer, client.state === 'live']);
  if (list === null) return null;
  return (
    <div class="ship-to-pick" id="ship-to">
      {list.length ? (
        <label>{t('ship_to')}{' '}
          <select id="ship-to-select" value={String(value ?? '')}
            onChange={(e) => onChange(Number((e.target as HTMLSelectElement).value))}>
            {list.map((a) => (
              <option value={String(a.id)}>{`${a.label ? `${a.label} · ` : ''}${a.recipient} · ${a.address}`}</option>
            ))}
          </select>
        </label>
      ) : <span class="muted">{t('ship_to_none')}</span>}
      {!dealer && <>{' '}<a href="#/addresses" id="ship-to-manage">{t('ship_to_manage')}</a></>}
    </div>
  );
}

/** The dealer's credit from its attainment: limit, open orders (every fair), what is left. */
function CreditSummary({ ctx }: { ctx: FairContext }) {
  const c = ctx.store.view.attainment?.credit;
  const f = ctx.store.view.fair;
  if (!c || !f) return null;
  if (c.limit === 0) return <p class="warning" id="credit">{t('credit_none')}</p>;
  return (
    <p class="credit" id="credit">
      <span id="credit-limit">{t('credit_limit', { amount: money(c.limit, f.currency) })}</span> ·{' '}
      <span id="credit-open">{t('credit_open', { amount: money(c.open, f.currency) })}</span> ·{' '}
      <strong id="credit-available">{t('credit_left')} {money(c.available, f.currency)}</strong>
    </p>
  );
}

function SaveState({ ctx }: { ctx: FairContext }) {
  const sheet = ctx.sheet!;
  const zone = ctx.store.view.fair?.timezone ?? 'Asia/Shanghai';
  const text = sheet.saveState === 'saving' ? t('sheet_saving')
    : sheet.saveState === 'offline' ? t('sheet_offline')
    : sheet.saveState === 'failed' ? t('err_unavailable')
    : sheet.updatedAt ? `${t('sheet_saved', { t: time(sheet.updatedAt, zone) })} ${zoneLabel(zone)}` : '';
  return <p class="muted save-state" id="save-state" data-state={sheet.saveState}>{text}</p>;
}

function Result({ ctx, byVariant, onPartial }: {
  ctx: FairContext; byVariant: Map<number, Item>; onPartial: () => void;
}) {
  const sheet = ctx.sheet!;
  const [note, setNote] = useState('');
  const r: PlaceResult | null = sheet.lastResult;
  const p = sheet.pending;
  if (p?.state === 'waiting') {
    return (
      <div class="result waiting" role="status" id="order-waiting">
        <p>{t('waiting_offline', { key: p.key.slice(0, 8) })}</p>
        <button type="button" class="primary" disabled={ctx.client.state !== 'live'} onClick={() => sheet.sendWaiting()}>{t('send_now')}</button>
        <button type="button" onClick={() => sheet.discardWaiting()}>{t('discard')}</button>
      </div>
    );
  }
  if (p?.state === 'sending' && sheet.retrying) return <p class="result retrying" role="status">{t('retrying')}</p>;
  if (!r) return null;
  if (r.kind === 'accepted') {
    return (
      <div class="result ok" role="status" id="order-accepted" data-order={r.order.id}>
        <p><strong>{t('accepted', { id: r.order.id })}</strong> · {money(r.order.total, ctx.store.view.fair?.currency ?? 'CNY')}</p>
        <OrderDiscount order={r.order} currency={ctx.store.view.fair?.currency ?? 'CNY'} id="accepted-discount" />
        <p><a href={withLang(`/orders/${r.order.id}/print`)} target="_blank" rel="noopener">{t('print')}</a> ·{' '}
          <a href={`#/fair/${ctx.fair}/orders`}>{t('my_orders')}</a></p>
      </div>
    );
  }
  if (r.kind !== 'refused') return null;
  const e: FairError = r.error;
  const currency = ctx.store.view.fair?.currency ?? 'CNY';
  if (e.code !== 'insufficient_stock') {
    return (
      <p class="result error" role="alert" id="order-refused">
        {refusalText(e, currency, (product) => { const it = ctx.store.view.items.get(product); return it && nameOf(it); }, undefined,
          ctx.store.view.fair?.timezone)}
      </p>
    );
  }
  const available = shortCells(e);
  const describe = (variant: number) => {
    const item = byVariant.get(variant);
    const v = item?.variants.find((x) => x.id === variant);
    return item && v ? `${nameOf(item)} ${colorName(v.color)} ${v.size}` : String(variant);
  };
  const waitlist = async () => {
    const done: string[] = [];
    for (const [variant, n] of available) {
      const want = sheet.qty(variant) - n;
      if (want <= 0) continue;
      try {
        const w = await ctx.client.request<{ position: number }>('waitlist.join', { fair: ctx.fair, variant, qty: want });
        done.push(`${describe(variant)}: ${t('waitlisted', { n: w.position })}`);
      } catch (err) {
        done.push(`${describe(variant)}: ${errorText(err as FairError)}`);
      }
    }
    setNote(done.join(' · '));
  };
  const change = () => {
    sheet.set(new Map(available.map(([v, n]) => [v, n])));
    sheet.lastResult = null;
    setNote('');
  };
  return (
    <Shortfall id="order-short" title={t('short_title')} cells={available} describe={describe}>
      <p class="actions">
        <button type="button" class="primary" onClick={onPartial} id="take-left">{t('take_left')}</button>
        <button type="button" onClick={waitlist} id="join-waitlist">{t('join_waitlist')}</button>
        <button type="button" onClick={change} id="change-qty">{t('change_qty')}</button>
      </p>
      {note && <p role="status">{note}</p>}
    </Shortfall>
  );
}
