// The server's answers to an order or an amend in words, shared by the sheet and My orders:
// what is left per cell when stock is short, and refusals with their figures (credit, the
// per-dealer limit, the moq, packs, an order whose status moved on).
import type { ComponentChildren } from 'preact';
import type { FairError } from '../fair/client';
import type { OrderStatus } from '../fair/protocol';
import { dateTime, errorText, money, number, ruleText, t, zoneLabel, type Key } from '../i18n';

const STATUSES: OrderStatus[] = ['accepted', 'reviewed', 'shipped', 'in_transit', 'delivered', 'rejected', 'cancelled'];

/** The short cells of an insufficient_stock answer: [variant, units there for it]. */
export function shortCells(e: FairError): [number, number][] {
  return Object.entries(e.details.available ?? {}).map(([v, n]) => [Number(v), n]);
}

/** What is left per short cell, in words ("sold out" when nothing is), with the actions the
 * page offers under it. `count` words a number of units (default: "n left"). */
export function Shortfall({ id, title, cells, describe, count, children }: {
  id: string; title: string; cells: [number, number][]; describe: (variant: number) => string;
  count?: (n: number) => string; children?: ComponentChildren;
}) {
  const words = count ?? ((n: number) => t('left', { n: number(n) }));
  return (
    <div class="result short" role="alert" id={id}>
      <p><strong>{title}</strong></p>
      <ul>{cells.map(([v, n]) => <li data-variant={v}>{describe(v)}: {n ? words(n) : t('sold_out')}</li>)}</ul>
      {children}
    </div>
  );
}

/** A refusal in words, with the figures the server sent: the credit left and the order's
 * total, the product's limit and what was already ordered, the order's new status, the fair's
 * minimum, why a coupon cannot be used. For an amend, `replacing` is the order's total before
 * it: the server counts it as credit available to the order, the dealer thinks of what the
 * change adds against its credit left. Times are shown in `zone`, the fair's. */
export function refusalText(e: FairError, currency: string, productName: (product: number) => string | undefined,
  replacing?: number, zone = 'Asia/Shanghai'): string {
  const d = e.details;
  if (!e.lost && e.code === 'below_minimum' && typeof d.minimum === 'number' && typeof d.would_be === 'number') {
    return t('below_minimum', {
      min: money(d.minimum, currency), total: money(Number(d.total ?? 0), currency), would: money(d.would_be, currency),
      more: money(Math.max(0, d.minimum - d.would_be), currency),
    });
  }
  if (!e.lost && e.code === 'coupon_refused') return couponRefusal(d, currency, zone) ?? errorText(e);
  if (!e.lost && e.code === 'credit_exceeded' && typeof d.total === 'number' && typeof d.available_credit === 'number') {
    if (replacing !== undefined) {
      return t('amend_credit_refused', {
        amount: money(d.total - replacing, currency), left: money(Math.max(0, d.available_credit - replacing), currency),
      });
    }
    return t('credit_refused', { total: money(d.total, currency), left: money(d.available_credit, currency) });
  }
  if (!e.lost && e.code === 'limit_exceeded' && typeof d.product === 'number' && typeof d.limit === 'number') {
    return t('bad_limit', { name: productName(d.product) ?? t('product_n', { id: d.product }), n: number(d.limit),
      o: number(d.ordered ?? 0), r: number(Math.max(0, d.limit - (d.ordered ?? 0))) });
  }
  if (!e.lost && e.code === 'bad_request') {
    const rule = ruleText(d, typeof d.product === 'number' ? productName(d.product) : undefined);
    if (rule) return rule;
  }
  if (!e.lost && e.code === 'conflict' && STATUSES.includes(d.status as OrderStatus)) {
    return t('status_changed', { status: t(`status_${d.status}` as Key) });
  }
  return errorText(e);
}

/** Why a coupon was refused, in words with its figures; null for a reason not known here. */
function couponRefusal(d: FairError['details'], currency: string, zone: string): string | null {
  const code = String(d.coupon ?? '');
  const when = (iso: unknown) => (typeof iso === 'string' ? dateTime(iso, zone) : '');
  switch (d.reason) {
    case 'unknown': return t('coupon_unknown', { code });
    case 'not_valid_now':
      return t('coupon_not_valid_now', { code, from: when(d.valid_from), until: when(d.valid_until), zone: zoneLabel(zone) });
    case 'not_for_dealer': return t('coupon_not_for_dealer', { code });
    case 'used_up': return t('coupon_used_up', { code, n: number(Number(d.issued ?? 0)) });
    case 'per_dealer': return t('coupon_per_dealer', { code, n: number(Number(d.per_dealer ?? 0)) });
    case 'threshold':
      return t('coupon_threshold', { code, threshold: money(Number(d.threshold ?? 0), currency), total: money(Number(d.total ?? 0), currency) });
    default: return null;
  }
}
