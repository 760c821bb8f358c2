// The manager's settings of a fair (manager, admin): order targets (订货指标) per region or
// dealer, must-order styles (必订款), the audit log (who changed which price when, filtered),
// and the reports: the CSV, the server's chart pictures and a dealer's share card; the fair's
// ordering policies, coupons and the points rates per dealer tier (offers-manage.tsx); the
// promotions sent to the fair's dealers (promote-manage.tsx); for an
// administrator, products put on the fair, new ones made (items-manage.tsx), the fair's
// allocation of each colour and size (stock-manage.tsx), the products'
// pictures and videos (media-manage.tsx), the English names of
// the colours and categories (terms-manage.tsx) and the fair's own settings: names, times,
// paused or closed (fair-manage.tsx).
import { useEffect, useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import type { Item } from '../fair/protocol';
import { dateTime, errorText, money, nameOf, parseMoney, t, zoneLabel, type Key, withLang } from '../i18n';
import type { FairContext } from './app';
import { useSubscription } from './hooks';
import { MediaPanel } from './media-manage';
import { CouponsPanel, PointsRatesPanel, PoliciesPanel } from './offers-manage';
import { PromotePanel } from './promote-manage';
import { FairPanel } from './fair-manage';
import { ItemsPanel } from './items-manage';
import { StockPanel } from './stock-manage';
import { TermsPanel } from './terms-manage';
import { useItemSearch } from './search';

interface AuditEntry {
  id: number; at: string; actor: { id: number; name: string } | null; action: string;
  fair: number | null; target: string; old: unknown; new: unknown;
}

export function Manage({ ctx }: { ctx: FairContext }) {
  useSubscription(ctx.store);
  return (
    <section class="manage" id="manage-view">
      <h1>{t('manage')}</h1>
      <div class="dash-grid">
        {ctx.user.role === 'admin' && <FairPanel ctx={ctx} />}
        {ctx.user.role === 'admin' && <StockPanel ctx={ctx} />}
        {ctx.user.role === 'admin' && <ItemsPanel ctx={ctx} />}
        <Targets ctx={ctx} />
        <Reports ctx={ctx} />
        <PoliciesPanel ctx={ctx} />
        <PointsRatesPanel ctx={ctx} />
        <MustOrder ctx={ctx} />
        <CouponsPanel ctx={ctx} />
        <PromotePanel ctx={ctx} />
        {ctx.user.role === 'admin' && <MediaPanel ctx={ctx} />}
        {ctx.user.role === 'admin' && <TermsPanel ctx={ctx} />}
        <Audit ctx={ctx} />
      </div>
    </section>
  );
}

function Targets({ ctx }: { ctx: FairContext }) {
  const { client, fair, store } = ctx;
  const [who, setWho] = useState<'region' | 'dealer'>('region');
  const [name, setName] = useState('');
  const [amount, setAmount] = useState('');
  const [units, setUnits] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const currency = store.view.fair?.currency ?? 'CNY';
  const submit = async (e: Event) => {
    e.preventDefault();
    const fen = parseMoney(amount, currency);
    const n = units.trim() ? Number(units) : null;
    if (fen === null) { setResult({ ok: false, text: t('bad_money') }); return; }
    if (n !== null && (!Number.isInteger(n) || n < 0)) { setResult({ ok: false, text: t('bad_units') }); return; }
    const id = who === 'dealer' ? Number(name) : null;
    if (who === 'dealer' && (!Number.isInteger(id) || id! <= 0)) { setResult({ ok: false, text: t('bad_dealer_id') }); return; }
    try {
      await client.request('target.set', {
        fair, amount: fen, ...(who === 'dealer' ? { dealer: id } : { region: name.trim() }), ...(n !== null ? { units: n } : {}),
      });
      setResult({ ok: true, text: t('target_saved', { who: who === 'dealer' ? `#${id}` : name.trim(), amount: money(fen, currency) }) });
    } catch (err) {
      setResult({ ok: false, text: errorText(err as FairError) });
    }
  };
  return (
    <section class="panel" aria-labelledby="targets-title">
      <h2 id="targets-title">{t('targets')}</h2>
      <form class="row wrap" onSubmit={submit} id="target-form">
        <label>{t('target_for')}{' '}
          <select id="target-who" value={who} onChange={(e) => setWho((e.target as HTMLSelectElement).value as any)}>
            <option value="region">{t('region')}</option>
            <option value="dealer">{t('dealer_id')}</option>
          </select></label>
        <label class="grow"><span class="sr-only">{who === 'region' ? t('region') : t('dealer_id')}</span>
          <input type="text" id="target-name" value={name} required maxLength={64}
            placeholder={who === 'region' ? '华东' : '42'} inputMode={who === 'dealer' ? 'numeric' : 'text'}
            onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
        <label><span class="sr-only">{t('target_amount')}</span>
          <input type="text" id="target-amount" inputMode="decimal" value={amount} required placeholder={t('target_amount')}
            onInput={(e) => setAmount((e.target as HTMLInputElement).value)} /></label>
        <label><span class="sr-only">{t('target_units')}</span>
          <input type="number" id="target-units" min={0} step={1} value={units} placeholder={t('target_units')}
            onInput={(e) => setUnits((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" class="primary">{t('save')}</button>
      </form>
      {result && <p class={result.ok ? 'result ok' : 'result error'} role={result.ok ? 'status' : 'alert'} id="target-result">{result.text}</p>}
    </section>
  );
}

function MustOrder({ ctx }: { ctx: FairContext }) {
  const { client, fair, store } = ctx;
  const [q, setQ] = useState('');
  const { ids, error: searchError } = useItemSearch(ctx, q, 100);
  const [error, setError] = useState('');
  const toggle = async (it: Item) => {
    try {
      await client.request('mustorder.set', { fair, product: it.product, required: !it.must_order });
      store.remember([{ ...it, must_order: !it.must_order }]);
      setError('');
    } catch (e) {
      setError(errorText(e as FairError));
    }
  };
  return (
    <section class="panel" aria-labelledby="must-title">
      <h2 id="must-title">{t('must_order_styles')}</h2>
      <input type="search" id="must-search" value={q} placeholder={t('search_items')} aria-label={t('search_items')}
        onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
      {(error || searchError) && <p class="error" role="alert">{error || searchError}</p>}
      <ul class="must-list">
        {ids.map((id) => {
          const it = store.view.items.get(id);
          return it && (
            <li data-product={id}>
              <label><input type="checkbox" checked={it.must_order} onChange={() => void toggle(it)} />{' '}
                {nameOf(it)} <span class="muted small">{it.style}</span></label>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Reports({ ctx }: { ctx: FairContext }) {
  const { fair } = ctx;
  const [dealer, setDealer] = useState('');
  const base = `/api/fairs/${fair}`;
  return (
    <section class="panel" aria-labelledby="reports-title">
      <h2 id="reports-title">{t('reports')}</h2>
      <ul class="links">
        <li><a href={`${base}/report.csv`} download id="link-csv">{t('report_csv')}</a></li>
        {(['units_by_product', 'amount_per_minute', 'by_region', 'sell_through'] as const).map((m) => (
          <li><a href={withLang(`${base}/chart.png?metric=${m}&width=1200&height=700`)} target="_blank" rel="noopener">{t(`chart_png_${m}` as Key)}</a></li>
        ))}
      </ul>
      <form class="row" onSubmit={(e) => { e.preventDefault(); if (/^\d+$/.test(dealer)) window.open(withLang(`${base}/share.png?dealer=${dealer}`), '_blank', 'noopener'); }}>
        <label class="grow"><span class="sr-only">{t('dealer_id')}</span>
          <input type="text" inputMode="numeric" value={dealer} placeholder={t('dealer_id')} onInput={(e) => setDealer((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">{t('share_card')}</button>
      </form>
    </section>
  );
}

function Audit({ ctx }: { ctx: FairContext }) {
  const { client, fair, store } = ctx;
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [action, setAction] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const load = () => client.request<{ entries: AuditEntry[] }>('audit.list', { fair, limit: 500 })
    .then((r) => { setEntries(r.entries); setError(''); })
    .catch((e) => setError(errorText(e)));
  useEffect(() => { void load(); }, [fair, client.state === 'live']);
  const zone = store.view.fair?.timezone ?? 'Asia/Shanghai';
  const actions = [...new Set((entries ?? []).map((e) => e.action))].sort();
  const needle = text.trim().toLowerCase();
  const shown = (entries ?? []).filter((e) => (!action || e.action === action) &&
    (!needle || `${e.actor?.name ?? 'fairctl'} ${e.target} ${JSON.stringify(e.new)} ${JSON.stringify(e.old)}`.toLowerCase().includes(needle)));
  return (
    <section class="panel wide" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit_log')} <span class="muted small">{t('time_in_zone', { zone: zoneLabel(zone) })}</span></h2>
      <div class="row wrap">
        <label>{t('audit_action')}{' '}
          <select id="audit-action" value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value)}>
            <option value="">{t('audit_all')}</option>
            {actions.map((a) => <option value={a}>{a}</option>)}
          </select></label>
        <label class="grow"><span class="sr-only">{t('audit_filter')}</span>
          <input type="search" id="audit-text" value={text} placeholder={t('audit_filter')} onInput={(e) => setText((e.target as HTMLInputElement).value)} /></label>
        <button type="button" onClick={() => void load()}>{t('refresh')}</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="scroll-x">
        <table class="rank audit" id="audit-table">
          <thead><tr><th scope="col">{t('audit_when')}</th><th scope="col">{t('audit_who')}</th><th scope="col">{t('audit_action')}</th>
            <th scope="col">{t('audit_target')}</th><th scope="col">{t('audit_change')}</th></tr></thead>
          <tbody>{shown.slice(0, 200).map((e) => (
            <tr data-id={e.id}>
              <td><time dateTime={e.at}>{dateTime(e.at, zone)}</time></td>
              <td>{e.actor?.name ?? 'fairctl'}</td>
              <td><code>{e.action}</code></td>
              <td>{e.target}</td>
              <td class="change"><span class="muted">{brief(e.old)}</span>{e.old !== null && ' → '}{brief(e.new)}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      {entries && <p class="muted small">{t('audit_count', { n: shown.length, all: entries.length })}</p>}
    </section>
  );
}

/** A change's value in a line: the JSON, shortened. */
function brief(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}
