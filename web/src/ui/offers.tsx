// The fair's policies and coupons on the dealer's pages: where the dealer stands (the tier it
// reached, what the next one still lacks, the early-bird window, the minimum), the coupon
// picker with its terms, the discount a sheet would get, and an order's discounts as placed.
import { useEffect, useMemo } from 'preact/hooks';
import type { FairClient } from '../fair/client';
import type { Coupon, Order, PolicyTier } from '../fair/protocol';
import { PolicyWatch, type Estimate } from '../fair/offers';
import type { PlaceResult } from '../fair/sheet';
import { useSubscription } from './hooks';
import { dateTime, money, number, percent, t, zoneLabel } from '../i18n';

/** The fair's policies and where a dealer stands, read while the page shows them (a dealer's
 * own; dealer: the one a rep orders for), and again once an order was placed or refused (its
 * standing and coupons changed). */
export function usePolicyWatch(client: FairClient, fair: number, dealer: number | null,
  last: PlaceResult | null): PolicyWatch {
  const watch = useMemo(() => new PolicyWatch(client, fair, true, dealer), [client, fair, dealer]);
  useSubscription(watch);
  useEffect(() => { watch.start(); return () => watch.stop(); }, [watch]);
  const answered = last?.kind === 'accepted' ? last.order.id : last?.kind === 'refused' ? last.error.code : null;
  useEffect(() => { if (answered !== null) watch.refresh(0); }, [answered]);
  return watch;
}

/** "5% off from ¥200,000" / "¥15,000 off from ¥500,000". */
export function tierText(tier: PolicyTier, currency: string): string {
  return tier.percent_bp != null
    ? t('tier_percent', { from: money(tier.from, currency), pct: percent(tier.percent_bp) })
    : t('tier_amount', { from: money(tier.from, currency), off: money(tier.amount_off ?? 0, currency) });
}

/** "¥18,000 more for 5% off". */
export function nextText(next: PolicyTier & { more: number }, currency: string): string {
  return next.percent_bp != null
    ? t('next_percent', { more: money(next.more, currency), pct: percent(next.percent_bp) })
    : t('next_amount', { more: money(next.more, currency), off: money(next.amount_off ?? 0, currency) });
}

/** A coupon's terms: "¥200 off · orders from ¥1,000", "10% off, at most ¥150". */
export function couponTerms(c: Coupon, currency: string): string {
  const off = c.amount_off != null
    ? t('coupon_amount', { off: money(c.amount_off, currency) })
    : t('coupon_percent', { pct: percent(c.percent_bp ?? 0) }) + (c.cap != null ? t('coupon_cap', { cap: money(c.cap, currency) }) : '');
  return c.threshold > 0 ? `${off} · ${t('coupon_from', { threshold: money(c.threshold, currency) })}` : off;
}

/** A time in the fair's zone, labelled with it. */
export function zoned(iso: string, zone: string): string {
  return `${dateTime(iso, zone)} ${zoneLabel(zone, new Date(iso))}`;
}

/** The fair's policies and where this dealer stands. Nothing when the fair has none. */
export function PolicyBox({ watch, currency, zone, now }: {
  watch: PolicyWatch; currency: string; zone: string; now: number;
}) {
  const { policy, mine } = watch;
  if (!policy) return null;
  const early = policy.early;
  const earlyOpen = !!early && now < Date.parse(early.until);
  return (
    <section class="policy" id="policy" aria-labelledby="policy-title">
      <h2 id="policy-title">{t('policies')}</h2>
      {mine && mine.next && (
        <div class="policy-next">
          <p id="policy-next"><strong>{nextText(mine.next, currency)}</strong></p>
          <progress max={mine.next.from} value={Math.min(mine.total, mine.next.from)} aria-labelledby="policy-next" />
        </div>
      )}
      {mine?.tier && (
        <p id="policy-tier" class="ok-text">✓ {t('tier_reached', { tier: tierText(mine.tier, currency) })}
          {!mine.next && ` · ${t('top_tier')}`}</p>
      )}
      {mine && (
        <p class="muted small" id="policy-total">
          {t('fair_total', { amount: money(mine.total, currency), discount: money(mine.discount, currency) })}
        </p>
      )}
      {policy.tiers.length > 0 && (
        <ul class="tier-list">
          {policy.tiers.map((tier) => {
            const reached = !!mine?.tier && tier.from <= mine.tier.from;
            return <li data-reached={reached ? 'true' : undefined}>{reached ? '✓ ' : ''}{tierText(tier, currency)}</li>;
          })}
        </ul>
      )}
      {early && (
        <p id="policy-early" class={earlyOpen ? 'early' : 'muted'}>
          {earlyOpen
            ? t('early_bird', { pct: percent(early.percent_bp), until: zoned(early.until, zone) })
            : t('early_over', { until: zoned(early.until, zone) })}
        </p>
      )}
      {policy.min_total != null && policy.min_total > 0 && (
        <p id="policy-min">
          {t('min_total', { amount: money(policy.min_total, currency) })}
          {mine && (mine.below_minimum > 0
            ? <strong class="warning"> · {t('min_missing', { amount: money(mine.below_minimum, currency) })}</strong>
            : <span class="ok-text"> · ✓ {t('min_reached')}</span>)}
        </p>
      )}
    </section>
  );
}

/** The coupons the dealer may use now: one picked for the next order, its terms shown. */
export function CouponPicker({ watch, value, onChange, currency, zone, amount }: {
  watch: PolicyWatch; value: string | null; onChange: (code: string | null) => void;
  currency: string; zone: string; amount: number;
}) {
  const coupons = watch.coupons;
  const chosen = coupons.find((c) => c.code === value) ?? null;
  if (!coupons.length && !value) return null;
  return (
    <div class="coupon-pick" id="coupon-pick">
      <label>{t('coupon')}{' '}
        <select id="coupon" value={value ?? ''} aria-describedby={chosen ? 'coupon-terms' : undefined}
          onChange={(e) => onChange((e.target as HTMLSelectElement).value || null)}>
          <option value="">{t('coupon_none')}</option>
          {coupons.map((c) => <option value={c.code}>{c.code}{c.name ? ` · ${c.name}` : ''}</option>)}
          {value && !chosen && <option value={value}>{value}</option>}
        </select>
      </label>
      {chosen && (
        <p class="muted small" id="coupon-terms">
          {couponTerms(chosen, currency)} · {t('coupon_until', { t: zoned(chosen.valid_until, zone) })}
          {chosen.left != null && ` · ${t('coupon_left', { n: number(chosen.left) })}`}
        </p>
      )}
      {chosen && amount > 0 && amount < chosen.threshold && (
        <p class="warning" id="coupon-under">{t('coupon_under', { threshold: money(chosen.threshold, currency) })}</p>
      )}
    </div>
  );
}

/** The discount a sheet would get, marked as an estimate. */
export function EstimateRows({ est, currency }: { est: Estimate; currency: string }) {
  if (!est.discount && !est.reaches) return null;
  const parts = discountParts(est.early, est.tier, est.coupon, null, currency);
  return (
    <>
      {est.discount > 0 && (
        <span title={t('est_note')}>{t('est_discount')}{' '}
          <strong id="sheet-discount" class="discount">−{money(est.discount, currency)}</strong>
          {parts && <span class="muted small wide-only"> ({parts})</span>}</span>
      )}
      {est.discount > 0 && <span>{t('est_payable')} <strong id="sheet-payable">{money(est.payable, currency)}</strong></span>}
      {est.reaches && <span class="reaches" id="sheet-reaches">{t('sheet_reaches', { tier: tierText(est.reaches, currency) })}</span>}
    </>
  );
}

function discountParts(early: number, tier: number, coupon: number, code: string | null, currency: string): string {
  const out: string[] = [];
  if (early) out.push(`${t('disc_early')} ${money(early, currency)}`);
  if (tier) out.push(`${t('disc_tier')} ${money(tier, currency)}`);
  if (coupon) out.push(`${t('disc_coupon', { code: code ?? '' }).trim()} ${money(coupon, currency)}`);
  return out.join(' · ');
}

/** An order's discounts as the server stamped them: the discount with its parts and what is
 * left to pay. Nothing for an order without a discount. */
export function OrderDiscount({ order, currency, id }: { order: Order; currency: string; id?: string }) {
  if (!order.discount) return null;
  const d = order.discounts ?? { early: 0, tier: 0, coupon: 0 };
  const parts = discountParts(d.early, d.tier, d.coupon, order.coupon ?? null, currency);
  return (
    <p class="order-discount" id={id}>
      <span>{t('discount')} <strong class="discount">−{money(order.discount, currency)}</strong></span>
      {parts && <span class="muted small"> ({parts})</span>}
      {' · '}<span>{t('payable')} <strong class="payable">{money(order.payable ?? order.total - order.discount, currency)}</strong></span>
    </p>
  );
}

