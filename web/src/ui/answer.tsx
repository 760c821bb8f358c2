// The server's answers to an order or an amend in words, shared by the sheet and My orders:
// what is left per cell when stock is short, and refusals with their figures (credit, the
// per-dealer limit, an order whose status moved on).
import type { ComponentChildren } from 'preact';
import type { FairError } from '../fair/client';
import type { OrderStatus } from '../fair/protocol';
import { errorText, money, number, t, type Key } from '../i18n';

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
 * total, the product's limit and what was already ordered, the order's new status. For an
 * amend, `replacing` is the order's total before it: the server counts it as credit available
 * to the order, the dealer thinks of what the change adds against its credit left. */
export function refusalText(e: FairError, currency: string, productName: (product: number) => string | undefined,
  replacing?: number): string {
  const d = e.details;
  if (!e.lost && e.code === 'credit_exceeded' && typeof d.total === 'number' && typeof d.available_credit === 'number') {
    if (replacing !== undefined) {
      return t('amend_credit_refused', {
        amount: money(d.total - replacing, currency), left: money(Math.max(0, d.available_credit - replacing), currency),
      });
    }
    return t('credit_refused', { total: money(d.total, currency), left: money(d.available_credit, currency) });
  }
  if (!e.lost && e.code === 'limit_exceeded' && typeof d.product === 'number' && typeof d.limit === 'number') {
    return t('bad_limit', { name: productName(d.product) ?? String(d.product), n: number(d.limit), o: number(d.ordered ?? 0) });
  }
  if (!e.lost && e.code === 'conflict' && STATUSES.includes(d.status as OrderStatus)) {
    return t('status_changed', { status: t(`status_${d.status}` as Key) });
  }
  return errorText(e);
}
