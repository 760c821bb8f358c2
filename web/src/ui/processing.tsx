// After the fair (rep and admin): the processing queue as orders.queue returns it (urgent,
// high, normal; key dealers first; oldest first), with the automatic review's reason for each
// held order and, as My orders, its discount and what is left to pay; approve or reject with a note, priority, ship with carrier and tracking, in
// transit, delivered, print. Read again whenever an order.status push says another rep (or
// this one) moved an order, and every 10 s for priorities (which push nothing).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import type { Order } from '../fair/protocol';
import { dateTime, errorText, money, number, t, zoneLabel, type Key, withLang } from '../i18n';
import type { FairContext } from './app';
import { useSubscription } from './hooks';
import { OrderDiscount } from './offers';

/** An order of the queue: the order with its dealer, routing and the review's reason. */
interface QueuedOrder extends Order {
  priority: 'normal' | 'high' | 'urgent';
  warehouse: string | null;
  hold_reason: string | null;
  dealer_name: string;
  region: string;
  tier: string;
  key_dealer: boolean;
}

const REFRESH_MS = 10_000;

const FILTERS: [string, Key][] = [
  ['', 'queue_open'], ['accepted', 'status_accepted'], ['reviewed', 'status_reviewed'],
  ['shipped', 'status_shipped'], ['in_transit', 'status_in_transit'], ['delivered', 'status_delivered'],
  ['rejected', 'status_rejected'], ['cancelled', 'status_cancelled'],
];

export function Processing({ ctx }: { ctx: FairContext }) {
  const { client, fair, store } = ctx;
  useSubscription(store);
  const [status, setStatus] = useState('');
  const [orders, setOrders] = useState<QueuedOrder[] | null>(null);
  const [error, setError] = useState('');
  const timer = useRef(0);

  const reload = () => client.request<{ orders: QueuedOrder[] }>('orders.queue', { fair, ...(status ? { status } : {}) })
    .then((r) => { setOrders(r.orders); setError(''); })
    .catch((e: FairError) => { setOrders([]); setError(errorText(e)); });
  useEffect(() => { void reload(); }, [fair, status, client.state === 'live']);
  // another rep's step (or a cancellation) comes as order.status: read the queue again, once
  // for a burst of them; a priority changes no status and sends nothing, so the queue is also
  // read every REFRESH_MS while the page is shown
  useEffect(() => {
    const soon = () => {
      clearTimeout(timer.current);
      timer.current = window.setTimeout(() => { void reload(); }, 300);
    };
    const off = client.onPush((p) => { if (p.ev === 'order.status' && p.fair === fair) soon(); });
    const every = window.setInterval(() => { if (!document.hidden) void reload(); }, REFRESH_MS);
    return () => { off(); clearInterval(every); clearTimeout(timer.current); };
  }, [fair, status]);

  const zone = store.view.fair?.timezone ?? 'Asia/Shanghai';
  // while the fair is open its orders can still change: shown, not processed
  const open = !!store.view.fair && store.view.fair.status !== 'closed';
  const currency = store.view.fair?.currency ?? 'CNY';
  return (
    <section class="processing" id="processing-view">
      <div class="dash-head">
        <h1>{t('processing')}</h1>
        <span class="muted small">{t('time_in_zone', { zone: zoneLabel(zone) })}</span>
        <span class="spacer" />
        <label>
          <span class="sr-only">{t('status_filter')}</span>
          <select id="queue-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            {FILTERS.map(([v, k]) => <option value={v}>{t(k)}</option>)}
          </select>
        </label>
      </div>
      {open && <p class="notice" role="status" id="queue-waits">{t('queue_after_fair')}</p>}
      {error && <p class="error" role="alert" id="queue-error">{error}</p>}
      {orders === null ? <p class="muted">{t('loading')}</p>
        : !orders.length && !error ? <p class="muted">{t('queue_none')}</p>
        : (
          <ol class="queue-orders">
            {orders.map((o) => <QueueRow ctx={ctx} order={o} zone={zone} currency={currency} onDone={reload} readOnly={open} />)}
          </ol>
        )}
    </section>
  );
}

function QueueRow({ ctx, order: o, zone, currency, onDone, readOnly }: {
  ctx: FairContext; order: QueuedOrder; zone: string; currency: string; onDone: () => void; readOnly: boolean;
}) {
  const { client } = ctx;
  const [note, setNote] = useState('');
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const units = o.lines.reduce((s, l) => s + l.qty, 0);
  const act = async (op: string, args: Record<string, unknown>) => {
    setBusy(true);
    try {
      await client.request(op, { order: o.id, ...args });
      setError('');
      onDone();
    } catch (e) {
      setError(errorText(e as FairError));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class={`queued status-${o.status} prio-${o.priority}`} data-order={o.id}>
      <div class="order-head">
        <h2>{t('order_no', { id: o.id })}</h2>
        <span class={`order-status ${o.status}`}>{t(`status_${o.status}` as Key)}</span>
        {o.priority !== 'normal' && <span class={`tag prio ${o.priority}`}>{t(`prio_${o.priority}` as Key)}</span>}
        {o.key_dealer && <span class="tag must">{t('key_dealer')}</span>}
        <span>{o.dealer_name} <span class="muted small">· {o.region} · {t('tier_n', { t: o.tier })}</span></span>
        <span class="muted small"><time dateTime={o.created_at}>{dateTime(o.created_at, zone)}</time></span>
      </div>
      <p>
        {t('units', { n: number(units) })} · <strong>{money(o.total, currency)}</strong>
        {o.warehouse && <> · {t('warehouse', { w: o.warehouse })}</>}
        {o.tracking && <> · {t('tracking', { carrier: o.carrier ?? '', no: o.tracking })}</>}
      </p>
      <OrderDiscount order={o} currency={currency} />
      {o.hold_reason && <p class="warning hold">{t('held', { why: o.hold_reason })}</p>}
      {readOnly ? <p class="row"><a href={withLang(`/orders/${o.id}/print`)} target="_blank" rel="noopener">{t('print')}</a></p> : (
      <div class="row actions">
        {(o.status === 'accepted' || o.status === 'reviewed') && (
          <label>{t('priority')}{' '}
            <select class="prio-select" value={o.priority} disabled={busy}
              onChange={(e) => void act('order.priority', { priority: (e.target as HTMLSelectElement).value })}>
              {['normal', 'high', 'urgent'].map((p) => <option value={p}>{t(`prio_${p}` as Key)}</option>)}
            </select>
          </label>
        )}
        {['accepted', 'reviewed'].includes(o.status) && (
          <>
            <label class="grow"><span class="sr-only">{t('review_note')}</span>
              <input type="text" class="review-note" maxLength={500} value={note} placeholder={t('review_note')}
                onInput={(e) => setNote((e.target as HTMLInputElement).value)} /></label>
            {o.status === 'accepted' && (
              <button type="button" class="primary approve" disabled={busy}
                onClick={() => void act('order.review', { decision: 'approve', ...(note.trim() ? { note: note.trim() } : {}) })}>
                {t('approve')}</button>
            )}
            <button type="button" class="danger reject" disabled={busy || !note.trim()} title={t('reject_needs_note')}
              onClick={() => { if (confirm(t('reject_confirm', { id: o.id }))) void act('order.review', { decision: 'reject', note: note.trim() }); }}>
              {t('reject')}</button>
          </>
        )}
        {o.status === 'reviewed' && (
          <form class="row ship" onSubmit={(e) => { e.preventDefault(); void act('order.ship', { carrier: carrier.trim(), tracking: tracking.trim() }); }}>
            <label><span class="sr-only">{t('carrier')}</span>
              <input type="text" class="carrier" maxLength={64} value={carrier} placeholder={t('carrier')} list="carriers"
                onInput={(e) => setCarrier((e.target as HTMLInputElement).value)} /></label>
            <label><span class="sr-only">{t('tracking_no')}</span>
              <input type="text" class="tracking-no" maxLength={64} value={tracking} placeholder={t('tracking_no')}
                onInput={(e) => setTracking((e.target as HTMLInputElement).value)} /></label>
            <button type="submit" class="primary" disabled={busy || !carrier.trim() || !tracking.trim()}>{t('ship')}</button>
            <datalist id="carriers">{['顺丰速运', '京东物流', '中通快递', '圆通速递', '德邦快递', 'EMS'].map((c) => <option value={c} />)}</datalist>
          </form>
        )}
        {o.status === 'shipped' && (
          <button type="button" class="primary advance" disabled={busy} onClick={() => void act('order.advance', { status: 'in_transit' })}>
            {t('mark_in_transit')}</button>
        )}
        {o.status === 'in_transit' && (
          <button type="button" class="primary advance" disabled={busy} onClick={() => void act('order.advance', { status: 'delivered' })}>
            {t('mark_delivered')}</button>
        )}
        <a href={withLang(`/orders/${o.id}/print`)} target="_blank" rel="noopener">{t('print')}</a>
      </div>
      )}
      {error && <p class="error" role="alert">{error}</p>}
    </li>
  );
}
