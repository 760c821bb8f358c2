// My orders: each with its lines, its live status and tracking (order.status pushes), cancel
// while the fair is live, the printable confirmation and my share card.
import { useEffect, useState } from 'preact/hooks';
import { FairError } from '../fair/client';
import type { Order } from '../fair/protocol';
import { dateTime, errorText, money, number, t, zoneLabel, type Key } from '../i18n';
import type { FairContext } from './app';
import { useSubscription } from './hooks';
import { useSheetItems } from './sheet';

export function OrdersPage({ ctx }: { ctx: FairContext }) {
  const { client, fair } = ctx;
  useSubscription(ctx.store);
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(0);

  const reload = () => client.request<{ orders: Order[] }>('orders.mine', { fair })
    .then((r) => { setOrders(r.orders); setError(''); })
    .catch((e) => setError(errorText(e)));
  useEffect(() => { void reload(); }, [fair, client.state === 'live']);
  // a status change: read the orders again (the push is a notification, not the order)
  useEffect(() => client.onPush((p) => { if (p.ev === 'order.status' && p.fair === fair) void reload(); }), [fair]);

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
      setError(errorText(e as FairError));
    } finally {
      setBusy(0);
    }
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
            {orders.map((o) => (
              <li class={`order status-${o.status}`} data-order={o.id}>
                <div class="order-head">
                  <h2>{t('order_no', { id: o.id })}</h2>
                  <span class={`order-status ${o.status}`}>{t(`status_${o.status}` as Key)}</span>
                  <span class="muted">{t('placed_at')} <time dateTime={o.created_at}>{dateTime(o.created_at, zone)}</time></span>
                </div>
                {o.tracking && <p>{t('tracking', { carrier: o.carrier ?? '', no: o.tracking })}</p>}
                <table class="order-lines">
                  <tbody>
                    {o.lines.map((l) => (
                      <tr>
                        <td>{items.get(l.variant)?.name ?? ''}</td><td>{l.color}</td><td>{l.size}</td>
                        <td class="num">{number(l.qty)}</td><td class="num">{money(l.qty * l.price, currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot><tr><td colSpan={3} /><td class="num">{number(o.lines.reduce((s, l) => s + l.qty, 0))}</td>
                    <td class="num"><strong>{money(o.total, currency)}</strong></td></tr></tfoot>
                </table>
                {o.history && o.history.length > 1 && (
                  <ol class="history">
                    {o.history.map((h) => (
                      <li><time dateTime={h.at}>{dateTime(h.at, zone)}</time> {t(`status_${h.status}` as Key)}
                        {h.by ? ` · ${h.by}` : ''}{h.note ? ` · ${h.note}` : ''}</li>
                    ))}
                  </ol>
                )}
                <p class="actions">
                  <a href={`/orders/${o.id}/print`} target="_blank" rel="noopener">{t('print')}</a>
                  {o.status === 'accepted' && f?.status === 'live' && (
                    <button type="button" class="danger" disabled={busy === o.id} onClick={() => cancel(o)}>{t('cancel_order')}</button>
                  )}
                </p>
              </li>
            ))}
          </ol>
        )}
      <p><a href={`/api/fairs/${fair}/share.png`} target="_blank" rel="noopener">{t('share_card')}</a></p>
    </section>
  );
}
