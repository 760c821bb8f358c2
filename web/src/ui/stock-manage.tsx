// An administrator's fair allocation (库存与配额) on the settings page: an item of the fair
// searched, each of its colours and sizes with what is left now (live: the stock pushes move
// it), and units added to the allocation or unsold units withdrawn (admin.stock.add, one change
// per variant, each its own transaction, audited). A withdrawal never goes below what is sold:
// the server says how many units can go. Dealers see the new counts at once.
import { useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import { colorName, errorText, number, t } from '../i18n';
import type { FairContext } from './app';
import { useSubscription } from './hooks';
import { ItemPicker } from './item-picker';

interface StockAnswer { variant: number; allocation: number; sold: number; remaining: number }
type Outcome = { ok: boolean; text: string };

/** A whole number of units other than 0, as typed ("+20", "-5"), or null. */
function parseUnits(text: string): number | null {
  const s = text.trim().replace(/^\+/, '');
  if (!/^-?\d{1,9}$/.test(s) || Number(s) === 0) return null;
  return Number(s);
}

export function StockPanel({ ctx }: { ctx: FairContext }) {
  const { client, fair, store } = ctx;
  useSubscription(store);
  const [product, setProduct] = useState<number | null>(null);
  const [changes, setChanges] = useState<Record<number, string>>({});
  const [outcomes, setOutcomes] = useState<Record<number, Outcome>>({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const item = product !== null ? store.view.items.get(product) : undefined;

  const pick = (id: number) => { setProduct(id); setChanges({}); setOutcomes({}); setProblem(''); };
  const apply = async (e: Event) => {
    e.preventDefault();
    if (!item) return;
    const wanted = item.variants.filter((v) => (changes[v.id] ?? '').trim());
    const bad = wanted.find((v) => parseUnits(changes[v.id]) === null);
    if (bad) { setProblem(t('stock_bad_units', { variant: `${colorName(bad.color)} ${bad.size}` })); return; }
    if (!wanted.length) { setProblem(t('stock_nothing')); return; }
    setProblem('');
    setBusy(true);
    const next: Record<number, Outcome> = {};
    // one variant after another: each is its own change, and one refused leaves the others
    for (const v of wanted) {
      const qty = parseUnits(changes[v.id])!;
      try {
        const r = await client.request<StockAnswer>('admin.stock.add', { fair, variant: v.id, qty });
        next[v.id] = { ok: true, text: t('stock_done', { allocation: number(r.allocation), sold: number(r.sold), remaining: number(r.remaining) }) };
      } catch (err) {
        const f = err as FairError;
        const left = f.details?.available?.[String(v.id)];
        next[v.id] = { ok: false, text: f.code === 'insufficient_stock' && left !== undefined
          ? t('stock_withdraw_max', { n: number(left) }) : errorText(f) };
      }
    }
    setOutcomes(next);
    setChanges(Object.fromEntries(wanted.filter((v) => !next[v.id].ok).map((v) => [v.id, changes[v.id]])));
    setBusy(false);
  };

  return (
    <section class="panel" aria-labelledby="stock-title" id="stock-panel">
      <h2 id="stock-title">{t('stock_title')}</h2>
      <p class="muted small">{t('stock_intro')}</p>
      <ItemPicker ctx={ctx} searchId="stock-search" label={t('stock_pick')} picked={product} onPick={pick} withWithdrawn />
      {item && (
        <form class="stock-edit" data-product={item.product} onSubmit={apply}>
          <h3>{item.name} <span class="muted small">{item.style}</span></h3>
          <div class="scroll-x">
            <table class="rank" id="stock-table">
              <thead><tr>
                <th scope="col">{t('color')}</th><th scope="col">{t('size')}</th>
                <th scope="col" class="num">{t('stock_left')}</th><th scope="col">{t('stock_change')}</th>
                <th scope="col"><span class="sr-only">{t('stock_outcome')}</span></th>
              </tr></thead>
              <tbody>{item.variants.map((v) => (
                <tr data-variant={v.id}>
                  <td>{colorName(v.color)}</td>
                  <td>{v.size}</td>
                  <td class="num stock-left">{number(store.remaining(v.id))}</td>
                  <td><input type="text" inputMode="numeric" class="stock-change" size={7} maxLength={10}
                    aria-label={t('stock_change_for', { variant: `${colorName(v.color)} ${v.size}` })} placeholder="+0"
                    value={changes[v.id] ?? ''} onInput={(e) => setChanges({ ...changes, [v.id]: (e.target as HTMLInputElement).value })} /></td>
                  <td class="small stock-outcome">{outcomes[v.id] && (
                    <span class={outcomes[v.id].ok ? 'ok-text' : 'error'}>{outcomes[v.id].text}</span>)}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
          <p class="muted small">{t('stock_hint')}</p>
          <button type="submit" class="primary" id="stock-apply" disabled={busy}>{t('stock_apply')}</button>
          {problem && <p class="error" role="alert" id="stock-problem">{problem}</p>}
        </form>
      )}
    </section>
  );
}
