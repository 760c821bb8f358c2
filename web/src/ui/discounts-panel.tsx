// The dashboard's view of the fair's policies and coupons (issue 25): what they have taken
// off so far (early bird, amount tiers, coupons), how many orders had a discount, what is
// payable, and each coupon's use and discount given; with the way to the settings page where
// they are made and ended. Read with dashboard.discounts when the dashboard opens, again at
// most every 10 s while its totals move (a discount follows an order) and every 30 s.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FairClient, FairError } from '../fair/client';
import type { Coupon } from '../fair/protocol';
import { errorText, money, number, t } from '../i18n';

interface Discounts {
  orders: number;
  discounted: number;
  amount: number;
  early: number;
  tier: number;
  coupon: number;
  discount: number;
  payable: number;
  coupons: Coupon[];
}

const MIN_GAP_MS = 10_000;
const EVERY_MS = 30_000;

export function DiscountsPanel({ client, fair, currency, changedAt }:
  { client: FairClient; fair: number; currency: string; changedAt: number }) {
  const [d, setD] = useState<Discounts | null>(null);
  const [error, setError] = useState('');
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const read = async () => {
    last.current = Date.now();
    try {
      setD(await client.request<Discounts>('dashboard.discounts', { fair }));
      setError('');
    } catch (err) {
      setError(errorText(err as FairError));
    }
  };
  // the totals moved: read again now, or once MIN_GAP_MS has passed since the last read
  useEffect(() => {
    if (timer.current) return;
    const wait = Math.max(0, last.current + MIN_GAP_MS - Date.now());
    timer.current = setTimeout(() => { timer.current = null; void read(); }, wait);
  }, [changedAt, fair]);
  useEffect(() => {
    const every = setInterval(() => { if (Date.now() - last.current >= EVERY_MS) void read(); }, EVERY_MS / 3);
    return () => {
      clearInterval(every);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [fair]);

  const share = d && d.amount > 0 ? `${((d.discount / d.amount) * 100).toFixed(1)}%` : '';
  return (
    <section class="panel" id="discounts-panel" aria-labelledby="discounts-title">
      <h2 id="discounts-title">{t('dd_title')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {d && (
        <>
          {d.discount > 0 ? (
            <p id="discounts-given" data-discount={d.discount}>
              {t('dd_given')} <strong>{money(d.discount, currency)}</strong>{' '}
              <span class="muted small">{t('dd_share', { pct: share })}</span>
            </p>
          ) : <p class="muted" id="discounts-given" data-discount={0}>{t('dd_none')}</p>}
          <table class="rank" id="discounts-kinds">
            <tbody>
              <tr><th scope="row">{t('disc_early')}</th><td class="num">{money(d.early, currency)}</td></tr>
              <tr><th scope="row">{t('disc_tier')}</th><td class="num">{money(d.tier, currency)}</td></tr>
              <tr><th scope="row">{t('dd_coupon')}</th><td class="num">{money(d.coupon, currency)}</td></tr>
              <tr><th scope="row">{t('payable')}</th><td class="num" id="discounts-payable">{money(d.payable, currency)}</td></tr>
            </tbody>
          </table>
          <p class="muted small" id="discounts-orders">{t('dd_orders', { n: number(d.discounted), all: number(d.orders) })}</p>
          {d.coupons.length ? (
            <table class="rank" id="discounts-coupons">
              <thead><tr><th scope="col">{t('coupon_code')}</th><th scope="col" class="num">{t('coupon_used')}</th>
                <th scope="col" class="num">{t('coupon_given')}</th></tr></thead>
              <tbody>{d.coupons.map((c) => (
                <tr data-code={c.code}><td>{c.code}</td><td class="num">{number(c.used ?? 0)} / {number(c.issued ?? 0)}</td>
                  <td class="num">{money(c.discount_given ?? 0, currency)}</td></tr>
              ))}</tbody>
            </table>
          ) : <p class="muted small">{t('dd_coupon_none')}</p>}
        </>
      )}
      <p><a class="button" id="discounts-manage" href={`#/fair/${fair}/manage`}>{t('dd_manage')}</a></p>
    </section>
  );
}
