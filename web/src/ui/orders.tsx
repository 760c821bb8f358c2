// My orders: each with its lines, its live status and tracking (order.status pushes), the
// printable confirmation and my share card. While the fair is live an accepted order can be
// changed in place (quantities, lines removed; the new total at today's prices, warned when it
// is over the credit left) and sent as order.amend, answered in words; or cancelled. Each order
// shows its discount (early bird, tier, coupon) and what is left to pay, each line its share.
import { useEffect, useRef, useState } from 'preact/hooks';
import { FairError } from '../fair/client';
import { amendOrder } from '../fair/amend';
import type { Item, Order, OrderLine } from '../fair/protocol';
import { priceNow } from '../fair/store';
import { colorName, dateTime, errorText, money, nameOf, number, t, withLang, zoneLabel, type Key } from '../i18n';
import type { FairContext } from './app';
import { refusalText, shortCells, Shortfall } from './answer';
import { useNow, useSubscription } from './hooks';
import { OrderDiscount } from './offers';
import { useSheetItems } from './sheet';

export function OrdersPage({ ctx }: { ctx: FairContext }) {
  const { client, fair } = ctx;
  useSubscription(ctx.store);
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(0);
  const [editing, setEditing] = useState(0);
  const [amended, setAmended] = useState<Order | null>(null);
  const [focus, setFocus] = useState('');

  const reload = () => client.request<{ orders: Order[] }>('orders.mine', { fair })
    .then((r) => { setOrders(r.orders); setError(''); })
    .catch((e) => setError(errorText(e)));
  useEffect(() => { void reload(); }, [fair, client.state === 'live']);
  // a status change: read the orders again (the push is a notification, not the order)
  useEffect(() => client.onPush((p) => { if (p.ev === 'order.status' && p.fair === fair) void reload(); }), [fair]);
  // keyboard focus after the amend form closes: back to its button, or to the answer
  useEffect(() => {
    if (!focus) return;
    document.getElementById(focus)?.focus();
    setFocus('');
  }, [focus]);

  const items = useSheetItems(ctx, (orders ?? []).flatMap((o) => o.lines.map((l) => l.variant)));
  const f = ctx.store.view.fair;
  const zone = f?.timezone ?? 'Asia/Shanghai';
  const currency = f?.currency ?? 'CNY';
  const cancel = async (o: Order) => {
    if (!confirm(t('cancel_confirm', { id: o.id }))) return;
    setBusy(o.id);
    try {
      await client.request('order.cancel', { order: o.id });
      await reload();
    } catch (e) {
      setError(refusalText(e as FairError, currency, () => undefined));
    } finally {
      setBusy(0);
    }
  };
  const amendDone = (o: Order) => {
    setOrders((all) => all && all.map((x) => (x.id === o.id ? o : x)));
    setEditing(0);
    setAmended(o);
    setFocus(`amended-${o.id}`);
  };
  const amendClosed = (id: number) => {
    setEditing(0);
    setFocus(`amend-${id}`);
  };
  return (
    <section class="orders" id="orders-view">
      <h1>{t('my_orders')}</h1>
      <p class="muted zone">{t('time_in_zone', { zone: zoneLabel(zone) })}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {orders === null ? <p class="muted">{t('loading')}</p>
        : !orders.length ? <p class="muted">{t('orders_empty')}</p>
        : (
          <ol class="order-list">
            {orders.map((read) => {
              // a status pushed since the orders were read shows at once (they are read again)
              const pushed = ctx.store.view.orderStatus.get(read.id);
              const o = pushed && pushed.at > (read.history?.at(-1)?.at ?? read.created_at)
                ? { ...read, status: pushed.status, carrier: pushed.carrier ?? read.carrier, tracking: pushed.tracking ?? read.tracking }
                : read;
              const changeable = o.status === 'accepted' && f?.status === 'live';
              return (
                <li key={o.id} class={`order status-${o.status}`} data-order={o.id}>
                  <div class="order-head">
                    <h2>{t('order_no', { id: o.id })}</h2>
                    <span class={`order-status ${o.status}`}>{t(`status_${o.status}` as Key)}</span>
                    <span class="muted">{t('placed_at')} <time dateTime={o.created_at}>{dateTime(o.created_at, zone)}</time></span>
                  </div>
                  {amended?.id === o.id && editing !== o.id && (
                    <p class="result ok" role="status" id={`amended-${o.id}`} tabIndex={-1}>
                      <strong>{t('amend_accepted', { id: o.id })}</strong> · {money(amended.total, currency)}
                      {!!amended.discount && ` · ${t('payable')} ${money(amended.payable ?? amended.total - amended.discount, currency)}`}
                    </p>
                  )}
                  {o.on_behalf && o.placed_by_name && <p class="behalf-note">{t('placed_on_behalf', { name: o.placed_by_name })}</p>}
                  {o.tracking && <p>{t('tracking', { carrier: o.carrier ?? '', no: o.tracking })}</p>}
                  {o.ship_to && (
                    <p class="ship-to small">{t('ship_to_is', { recipient: o.ship_to.recipient, phone: o.ship_to.phone, address: o.ship_to.address })}</p>
                  )}
                  {o.note && <p class="order-note small">{t('order_note_is', { note: o.note })}</p>}
                  {editing === o.id
                    ? <AmendForm ctx={ctx} order={o} items={items} currency={currency}
                        onDone={amendDone} onClose={() => amendClosed(o.id)} />
                    : <OrderLines order={o} items={items} currency={currency} />}
                  {o.history && o.history.length > 1 && (
                    <ol class="history">
                      {o.history.map((h) => (
                        <li><time dateTime={h.at}>{dateTime(h.at, zone)}</time> {t(`status_${h.status}` as Key)}
                          {h.by ? ` · ${h.by}` : ''}{h.note ? ` · ${h.note === 'amended' ? t('note_amended') : h.note}` : ''}</li>
                      ))}
                    </ol>
                  )}
                  {editing !== o.id && (
                    <p class="actions">
                      <a href={withLang(`/orders/${o.id}/print`)} target="_blank" rel="noopener">{t('print')}</a>
                      {changeable && (
                        <button type="button" id={`amend-${o.id}`} class="amend-open"
                          onClick={() => { setAmended(null); setEditing(o.id); }}>{t('amend_order')}</button>
                      )}
                      {changeable && (
                        <button type="button" class="danger" disabled={busy === o.id} onClick={() => cancel(o)}>{t('cancel_order')}</button>
                      )}
                    </p>
                  )}
                </li>
              );
            })}
          </ol>
        )}
      <p><a href={withLang(`/api/fairs/${fair}/share.png`)} target="_blank" rel="noopener">{t('share_card')}</a></p>
    </section>
  );
}

/** A line's product name in the reader's language ('' until the catalog has it). */
function lineName(items: Map<number, Item>, l: OrderLine): string {
  const item = items.get(l.variant);
  return item ? nameOf(item) : '';
}

function OrderLines({ order, items, currency }: { order: Order; items: Map<number, Item>; currency: string }) {
  return (
    <>
      <table class="order-lines">
        <tbody>
          {order.lines.map((l) => (
            <tr data-variant={l.variant}>
              <td>{lineName(items, l)}</td><td>{colorName(l.color)}</td><td>{l.size}</td>
              <td class="num">{number(l.qty)}</td>
              <td class="num">{money(l.qty * l.price, currency)}
                {!!l.discount && <span class="line-discount"><span class="sr-only">{t('discount')} </span>−{money(l.discount, currency)}</span>}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot><tr><td colSpan={3} /><td class="num">{number(order.lines.reduce((s, l) => s + l.qty, 0))}</td>
          <td class="num"><strong class="order-total">{money(order.total, currency)}</strong></td></tr></tfoot>
      </table>
      <OrderDiscount order={order} currency={currency} />
    </>
  );
}

/** A typed quantity: empty is 0; NaN or a fraction when it is not a whole number. */
function parseQty(text: string): number {
  return text.trim() === '' ? 0 : Number(text);
}

/** An accepted order's lines as inputs: quantities changed, lines removed (and restored), the
 * new total at today's prices; sent as one order.amend, its answer shown in words. Escape or
 * "discard" closes it unchanged. */
function AmendForm({ ctx, order, items, currency, onDone, onClose }: {
  ctx: FairContext; order: Order; items: Map<number, Item>; currency: string;
  onDone: (o: Order) => void; onClose: () => void;
}) {
  const now = useNow(1000, ctx.client.clockSkewMs);
  const [typed, setTyped] = useState<Record<number, string>>(
    () => Object.fromEntries(order.lines.map((l) => [l.variant, String(l.qty)])));
  const [removed, setRemoved] = useState<Set<number>>(new Set());
  const [sending, setSending] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [answer, setAnswer] = useState<FairError | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => { first.current?.focus(); }, []);

  const qtyOf = (l: OrderLine) => (removed.has(l.variant) ? 0 : parseQty(typed[l.variant] ?? ''));
  const badQty = (l: OrderLine) => {
    const n = qtyOf(l);
    return !Number.isInteger(n) || n < 0 || n > 100000;
  };
  // the dealer's price now (flash or tier), as the server will price the amended lines
  const priceOf = (l: OrderLine) => {
    const item = items.get(l.variant);
    return item ? priceNow(item, now).price : l.price;
  };
  const kept = order.lines.filter((l) => !badQty(l) && qtyOf(l) > 0);
  const units = kept.reduce((s, l) => s + qtyOf(l), 0);
  const total = kept.reduce((s, l) => s + qtyOf(l) * priceOf(l), 0);
  const problem = order.lines.some(badQty) ? t('amend_bad_qty')
    : !kept.length ? t('amend_empty')
    : order.lines.every((l) => qtyOf(l) === l.qty) ? t('amend_unchanged') : '';
  const credit = ctx.store.view.attainment?.credit;
  const over = !problem && !!credit && total - order.total > credit.available;
  // the lines by product, in the order's order (the first line of each product first)
  const groups: { product: number; item: Item | undefined; lines: OrderLine[] }[] = [];
  for (const l of order.lines) {
    const g = groups.find((x) => x.product === l.product);
    if (g) g.lines.push(l);
    else groups.push({ product: l.product, item: items.get(l.variant), lines: [l] });
  }
  const describe = (variant: number) => {
    const l = order.lines.find((x) => x.variant === variant);
    return l ? `${lineName(items, l)} ${colorName(l.color)} ${l.size}`.trim() : String(variant);
  };

  const send = async (e: Event) => {
    e.preventDefault();
    if (problem || sending) return;
    setSending(true);
    setAnswer(null);
    const r = await amendOrder(ctx.client, order.id, kept.map((l) => ({ variant: l.variant, qty: qtyOf(l) })),
      () => setRetrying(true));
    setSending(false);
    setRetrying(false);
    if (r.kind === 'accepted') onDone(r.order);
    else setAnswer(r.error);
  };
  const toggle = (variant: number) => {
    const next = new Set(removed);
    if (!next.delete(variant)) next.add(variant);
    setRemoved(next);
  };
  // the short cells set to what is there for this order (nothing there: the line removed)
  const takeLeft = (cells: [number, number][]) => {
    const nextTyped = { ...typed };
    const nextRemoved = new Set(removed);
    for (const [v, n] of cells) {
      if (n > 0) nextTyped[v] = String(n);
      else nextRemoved.add(v);
    }
    setTyped(nextTyped);
    setRemoved(nextRemoved);
    setAnswer(null);
  };
  const id = order.id;
  return (
    <form class="amend" id={`amend-form-${id}`} aria-label={t('amend_title', { id })} onSubmit={send}
      onKeyDown={(e) => { if (e.key === 'Escape' && !sending) onClose(); }}>
      <div class="scroll-x">
        <table class="sheet-lines amend-lines">
          <thead>
            <tr><th scope="col">{t('color')} {t('size')}</th>
              <th scope="col" class="num">{t('qty')}</th><th scope="col" class="num">{t('amount')}</th>
              <th scope="col"><span class="sr-only">{t('remove')}</span></th></tr>
          </thead>
          {groups.map((g) => (
            <tbody data-product={g.product}>
              <tr><th scope="colgroup" colSpan={4}>{g.item ? nameOf(g.item) : ''} <span class="muted">{g.item?.style ?? ''}</span></th></tr>
              {g.lines.map((l) => {
                const gone = removed.has(l.variant);
                const label = `${lineName(items, l)} ${colorName(l.color)} ${l.size}`.trim();
                return (
                  <tr data-variant={l.variant} data-removed={gone ? 'true' : undefined}>
                    <td>{gone ? <s>{colorName(l.color)} {l.size}</s> : `${colorName(l.color)} ${l.size}`}</td>
                    <td class="num">
                      {gone ? t('removed') : (
                        <input type="text" inputMode="numeric" pattern="[0-9]*" size={3} autoComplete="off"
                          ref={l.variant === order.lines[0].variant ? first : undefined} value={typed[l.variant] ?? ''}
                          aria-label={t('qty_line', { name: lineName(items, l), color: colorName(l.color), size: l.size })}
                          aria-invalid={badQty(l) ? 'true' : undefined} disabled={sending}
                          onInput={(e) => setTyped({ ...typed, [l.variant]: (e.target as HTMLInputElement).value })} />
                      )}
                    </td>
                    <td class="num">{gone || badQty(l) ? '—' : money(qtyOf(l) * priceOf(l), currency)}</td>
                    <td>
                      <button type="button" class="link" disabled={sending} onClick={() => toggle(l.variant)}
                        aria-label={`${gone ? t('restore') : t('remove')} ${label}`}>{gone ? t('restore') : t('remove')}</button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          ))}
          <tfoot>
            <tr><th scope="row">{t('new_total')}</th><td class="num">{number(units)}</td>
              <td class="num"><strong id={`amend-total-${id}`} aria-live="polite">{money(total, currency)}</strong></td><td /></tr>
          </tfoot>
        </table>
      </div>
      <p class="muted">{t('amend_prices', { amount: money(order.total, currency) })}</p>
      {problem && <p class="muted" id={`amend-problem-${id}`}>{problem}</p>}
      {over && credit && (
        <p class="warning" id={`amend-over-${id}`}>
          {t('amend_over', { amount: money(total - order.total, currency), left: money(credit.available, currency) })}
        </p>
      )}
      {retrying && <p class="result retrying" role="status">{t('amend_retrying')}</p>}
      {answer && (answer.code === 'insufficient_stock'
        ? (
          <Shortfall id={`amend-short-${id}`} title={t('amend_short_title')} cells={shortCells(answer)}
            describe={describe} count={(n) => t('units', { n: number(n) })}>
            <p class="actions">
              <button type="button" onClick={() => takeLeft(shortCells(answer))}>{t('amend_take_left')}</button>
            </p>
          </Shortfall>
        )
        : (
          <p class="result error" role="alert" id={`amend-refused-${id}`}>
            {refusalText(answer, currency, (product) => { const it = [...items.values()].find((x) => x.product === product); return it && nameOf(it); },
              order.total, ctx.store.view.fair?.timezone)}
          </p>
        ))}
      <p class="actions">
        <button type="submit" class="primary" disabled={!!problem || sending}
          aria-describedby={problem ? `amend-problem-${id}` : over ? `amend-over-${id}` : undefined}>
          {sending ? t('submitting') : t('amend_send')}
        </button>
        <button type="button" onClick={onClose} disabled={sending}>{t('amend_discard')}</button>
      </p>
    </form>
  );
}
