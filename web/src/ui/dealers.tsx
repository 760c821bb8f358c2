// The rep's Dealers view (rep, admin; managers may look): who is in the fair now, each
// dealer's order against its target and the must-order styles it still misses, sortable, so the
// rep knows whom to call; a dealer opens the order on its behalf. A rep limited to regions sees
// those regions' dealers only (dealers.overview leaves the others out).
import { useEffect, useState } from 'preact/hooks';
import { compactMoney, errorText, number, t, type Key } from '../i18n';
import type { FairContext } from './app';
import { isPresenter } from './roles';
import { rememberDealer } from './behalf';
import { useNewest, useSubscription } from './hooks';
import { Pager } from './pager';

interface DealerRow {
  dealer: number; code: string; name: string; region: string; tier: string; key_dealer: boolean; online: boolean;
  ordered: { amount: number; units: number; orders: number };
  target: { amount: number; units: number | null } | null; ratio: number | null;
  missing: { product: number; style: string; name: string }[];
}

const PAGE = 50;
const REFRESH_MS = 5_000;
const SORTS: [string, Key][] = [['behind', 'sort_behind'], ['amount', 'sort_amount'], ['name', 'sort_name']];

export function Dealers({ ctx }: { ctx: FairContext }) {
  const { client, fair, store, user } = ctx;
  useSubscription(store);
  const [sort, setSort] = useState('behind');
  const [online, setOnline] = useState(false);
  const [region, setRegion] = useState('');
  const [page, setPage] = useState(0);
  const [rows, setRows] = useState<DealerRow[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState('');
  // answers may come back out of order (a region typed letter by letter): the newest read wins
  const newest = useNewest();
  const load = () => newest(client.request<{ total: number; dealers: DealerRow[] }>('dealers.overview', {
    fair, sort, limit: PAGE, offset: page * PAGE, ...(online ? { online: true } : {}), ...(region.trim() ? { region: region.trim() } : {}),
  }), (r) => { setRows(r.dealers); setTotal(r.total); setError(''); }, (e) => setError(errorText(e)));
  // online and ordered figures move all the time: read again every few seconds while shown
  useEffect(() => {
    void load();
    const every = window.setInterval(() => { if (!document.hidden) void load(); }, REFRESH_MS);
    return () => clearInterval(every);
  }, [fair, sort, online, region, page, client.state === 'live']);

  const currency = store.view.fair?.currency ?? 'CNY';
  const pages = Math.max(1, Math.ceil(total / PAGE));
  return (
    <section class="dealers" id="dealers-view">
      <div class="dash-head">
        <h1>{t('dealers')}</h1>
        <span class="muted small" id="dealers-total">{t('dealers_total', { n: number(total) })}</span>
        <span class="spacer" />
        <label>{t('sort')}{' '}
          <select id="dealers-sort" value={sort} onChange={(e) => { setSort((e.target as HTMLSelectElement).value); setPage(0); }}>
            {SORTS.map(([v, k]) => <option value={v}>{t(k)}</option>)}
          </select></label>
        <label><input type="checkbox" id="dealers-online" checked={online}
          onChange={(e) => { setOnline((e.target as HTMLInputElement).checked); setPage(0); }} /> {t('online_only')}</label>
        <label><span class="sr-only">{t('region')}</span>
          <input type="search" id="dealers-region" value={region} placeholder={t('region')} maxLength={64}
            onInput={(e) => { setRegion((e.target as HTMLInputElement).value); setPage(0); }} /></label>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="scroll-x">
        <table class="rank dealer-table" id="dealers-table">
          <thead><tr>
            <th scope="col">{t('dealer')}</th><th scope="col">{t('region')}</th><th scope="col">{t('online_now')}</th>
            <th scope="col" class="num">{t('kpi_amount')}</th><th scope="col" class="num">{t('kpi_target')}</th>
            <th scope="col">{t('missing_styles')}</th><th scope="col"><span class="sr-only">{t('order_for')}</span></th>
          </tr></thead>
          <tbody>{(rows ?? []).map((d) => (
            <tr data-dealer={d.dealer} class={d.online ? 'online' : ''}>
              <td>{d.name}{d.key_dealer && <span class="tag must">{t('key_dealer')}</span>}<br /><span class="muted small">{d.code} · {t('tier_n', { t: d.tier })}</span></td>
              <td>{d.region}</td>
              <td class="presence">{d.online ? <span class="tag online">● {t('online_now')}</span> : <span class="muted">{t('offline_now')}</span>}</td>
              <td class="num">{compactMoney(d.ordered.amount, currency)}<br /><span class="muted small">{t('units', { n: number(d.ordered.units) })}</span></td>
              <td class="num">{d.ratio === null ? <span class="muted">—</span> : <>
                <progress max={100} value={Math.min(100, d.ratio * 100)} aria-label={t('kpi_target')} />{' '}
                {Math.round(d.ratio * 1000) / 10}%<br /><span class="muted small">{compactMoney(d.target!.amount, currency)}</span></>}</td>
              <td class="small">{d.missing.length ? d.missing.map((m) => m.name).join('、') : <span class="muted">{t('none')}</span>}</td>
              <td>{isPresenter(user) && (
                <a class="button" href={`#/fair/${fair}/behalf/${d.dealer}`}
                  onClick={() => rememberDealer({ dealer: d.dealer, name: d.name, region: d.region, tier: d.tier })}>{t('order_for')}</a>
              )}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} onPage={setPage} />
    </section>
  );
}
