// The manager's policies and coupons (manager, admin) on the fair's settings page: the tiers
// (a percentage or an amount off from a dealer's total at the fair), the early bird and the
// minimum, edited and saved with policy.set (every order recomputed by the server); the fair's
// coupons with what they gave (issued, used, the discount given), made with coupon.create and
// ended with coupon.end; the points rates per dealer tier (points.rates.set), each row saved on
// its own and said in words ("每付 ¥100 得 2 分，约返 2%"). Amounts in the fair's currency, times
// in its zone.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import { isoToZoned, PolicyWatch, zonedToIso } from '../fair/offers';
import type { Coupon, PointsRates, Policy } from '../fair/protocol';
import { dateTime, errorText, money, moneyInput, number, parseMoney, percent, t, zoneLabel } from '../i18n';
import type { FairContext } from './app';
import { useSubscription } from './hooks';
import { couponTerms, tierText, zoned } from './offers';

interface TierRow { from: string; kind: 'percent' | 'amount'; value: string }
type Result = { ok: boolean; text: string } | null;

/** A percentage typed as "5" or "2.5" in basis points; null unless 0.01–90. */
function parsePercent(text: string): number | null {
  const s = text.trim().replace(/[%％]$/, '');
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(s)) return null;
  const bp = Math.round(Number(s) * 100);
  return bp >= 1 && bp <= 9000 ? bp : null;
}

/** Basis points as the percentage typed ("2.5"). */
const bpText = (bp: number) => String(bp / 100);
function rowsOf(p: Policy | null, currency: string): TierRow[] {
  return (p?.tiers ?? []).map((x) => (x.percent_bp != null
    ? { from: moneyInput(x.from, currency), kind: 'percent', value: bpText(x.percent_bp) }
    : { from: moneyInput(x.from, currency), kind: 'amount', value: moneyInput(x.amount_off ?? 0, currency) }));
}

export function PoliciesPanel({ ctx }: { ctx: FairContext }) {
  const { client, fair, store } = ctx;
  const watch = useMemo(() => new PolicyWatch(client, fair, false), [client, fair]);
  useSubscription(watch);
  useEffect(() => { watch.start(); return () => watch.stop(); }, [watch]);
  const currency = store.view.fair?.currency ?? 'CNY';
  const zone = store.view.fair?.timezone ?? 'Asia/Shanghai';
  const [min, setMin] = useState('');
  const [earlyMin, setEarlyMin] = useState('');
  const [earlyPct, setEarlyPct] = useState('');
  const [rows, setRows] = useState<TierRow[]>([]);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>(null);
  const policy = watch.policy;
  // the form follows the policies in force until the manager edits it
  useEffect(() => {
    if (dirty) return;
    setMin(policy?.min_total ? moneyInput(policy.min_total, currency) : '');
    setEarlyMin(policy?.early ? String(policy.early.minutes) : '');
    setEarlyPct(policy?.early ? bpText(policy.early.percent_bp) : '');
    setRows(rowsOf(policy, currency));
  }, [policy, watch.loaded]);
  const edit = <T,>(set: (v: T) => void) => (v: T) => { set(v); setDirty(true); };
  const setRow = (i: number, r: Partial<TierRow>) => edit(setRows)(rows.map((x, j) => (j === i ? { ...x, ...r } : x)));

  const save = async (e: Event) => {
    e.preventDefault();
    const bad = (text: string) => setResult({ ok: false, text });
    const minTotal = min.trim() ? parseMoney(min, currency) : null;
    if (min.trim() && minTotal === null) return bad(t('bad_money'));
    let early: { minutes: number; percent_bp: number } | null = null;
    if (earlyMin.trim() || earlyPct.trim()) {
      const minutes = Number(earlyMin);
      const bp = parsePercent(earlyPct);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 10080 || bp === null) return bad(t('bad_early'));
      early = { minutes, percent_bp: bp };
    }
    const tiers: ({ from: number; percent_bp: number } | { from: number; amount_off: number })[] = [];
    for (const [i, r] of rows.entries()) {
      const from = parseMoney(r.from, currency);
      if (from === null || from <= 0) return bad(t('bad_tier', { n: i + 1, why: t('bad_money') }));
      if (r.kind === 'percent') {
        const bp = parsePercent(r.value);
        if (bp === null) return bad(t('bad_tier', { n: i + 1, why: t('bad_percent') }));
        tiers.push({ from, percent_bp: bp });
      } else {
        const off = parseMoney(r.value, currency);
        if (off === null || off <= 0) return bad(t('bad_tier', { n: i + 1, why: t('bad_money') }));
        if (off >= from) return bad(t('bad_tier', { n: i + 1, why: t('bad_amount_off') }));
        tiers.push({ from, amount_off: off });
      }
    }
    tiers.sort((a, b) => a.from - b.from);
    setBusy(true);
    try {
      await client.request('policy.set', {
        fair, policy: { ...(minTotal ? { min_total: minTotal } : {}), early, tiers },
      });
      setDirty(false);
      setResult({ ok: true, text: t('policy_saved') });
      await watch.load();
    } catch (err) {
      setResult({ ok: false, text: errorText(err as FairError) });
    } finally {
      setBusy(false);
    }
  };
  const clear = async () => {
    if (!confirm(t('policy_clear_confirm'))) return;
    setBusy(true);
    try {
      await client.request('policy.set', { fair, policy: null });
      setDirty(false);
      setResult({ ok: true, text: t('policy_cleared') });
      await watch.load();
    } catch (err) {
      setResult({ ok: false, text: errorText(err as FairError) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="policies-title" id="policies-panel">
      <h2 id="policies-title">{t('policies')}</h2>
      {/* what is in force now, as the dealers read it */}
      <div id="policy-now">
        {!watch.loaded ? <p class="muted">{t('loading')}</p>
          : !policy ? <p class="muted">{t('policy_none')}</p>
          : (
            <ul class="tier-list">
              {policy.tiers.map((x) => <li>{tierText(x, currency)}</li>)}
              {policy.early && <li>{t('early_bird', { pct: percent(policy.early.percent_bp), until: zoned(policy.early.until, zone) })}</li>}
              {!!policy.min_total && <li>{t('min_total', { amount: money(policy.min_total, currency) })}</li>}
            </ul>
          )}
      </div>
      <form onSubmit={save} id="policy-form" class="policy-form">
        <div class="offer-form">
          <label>{t('policy_min_in')}
            <input type="text" inputMode="decimal" id="policy-min-in" value={min} autoComplete="off"
              onInput={(e) => edit(setMin)((e.target as HTMLInputElement).value)} /></label>
          <label>{t('early_minutes')}
            <input type="number" min={1} max={10080} step={1} id="policy-early-minutes" value={earlyMin}
              onInput={(e) => edit(setEarlyMin)((e.target as HTMLInputElement).value)} /></label>
          <label>{t('early_percent')}
            <input type="text" inputMode="decimal" id="policy-early-percent" value={earlyPct} autoComplete="off"
              onInput={(e) => edit(setEarlyPct)((e.target as HTMLInputElement).value)} /></label>
        </div>
        <fieldset class="tier-rows">
          <legend>{t('tiers')}</legend>
          {rows.map((r, i) => (
            <div class="tier-row" data-tier={i + 1} role="group" aria-label={t('tier_no', { n: i + 1 })}>
              <label>{t('tier_from')}
                <input type="text" inputMode="decimal" value={r.from} autoComplete="off" class="tier-from"
                  onInput={(e) => setRow(i, { from: (e.target as HTMLInputElement).value })} /></label>
              <label>{t('tier_kind')}
                <select value={r.kind} class="tier-kind"
                  onChange={(e) => setRow(i, { kind: (e.target as HTMLSelectElement).value as TierRow['kind'] })}>
                  <option value="percent">{t('kind_percent')}</option>
                  <option value="amount">{t('kind_amount')}</option>
                </select></label>
              <label>{r.kind === 'percent' ? t('kind_percent') : t('kind_amount')}
                <input type="text" inputMode="decimal" value={r.value} autoComplete="off" class="tier-value"
                  onInput={(e) => setRow(i, { value: (e.target as HTMLInputElement).value })} /></label>
              <button type="button" class="link" onClick={() => edit(setRows)(rows.filter((_, j) => j !== i))}>
                {t('tier_remove', { n: i + 1 })}</button>
            </div>
          ))}
          <p><button type="button" id="tier-add" disabled={rows.length >= 20}
            onClick={() => edit(setRows)([...rows, { from: '', kind: 'percent', value: '' }])}>{t('tier_add')}</button></p>
        </fieldset>
        <p class="actions">
          <button type="submit" class="primary" disabled={busy} id="policy-save">{t('policy_save')}</button>
          {policy && <button type="button" class="danger" disabled={busy} onClick={clear} id="policy-clear">{t('policy_clear')}</button>}
        </p>
      </form>
      {result && <p class={result.ok ? 'result ok' : 'result error'} role={result.ok ? 'status' : 'alert'} id="policy-result">{result.text}</p>}
    </section>
  );
}

const REFRESH_MS = 15_000;

export function CouponsPanel({ ctx }: { ctx: FairContext }) {
  const { client, fair, store } = ctx;
  const currency = store.view.fair?.currency ?? 'CNY';
  const zone = store.view.fair?.timezone ?? 'Asia/Shanghai';
  const [coupons, setCoupons] = useState<Coupon[] | null>(null);
  const [listError, setListError] = useState('');
  const [result, setResult] = useState<Result>(null);
  const [busy, setBusy] = useState(false);
  const [f, setF] = useState({
    code: '', name: '', kind: 'amount' as 'amount' | 'percent', value: '', cap: '', threshold: '', tier: '',
    region: '', dealers: '', issued: '', per_dealer: '1', until: '',
  });
  const load = () => client.request<{ coupons: Coupon[] }>('coupon.list', { fair })
    .then((r) => { setCoupons(r.coupons); setListError(''); })
    .catch((e) => setListError(errorText(e)));
  // uses come from orders: read again now and then while the page is shown
  useEffect(() => {
    void load();
    const id = setInterval(() => { if (!document.hidden) void load(); }, REFRESH_MS);
    return () => clearInterval(id);
  }, [fair, client.state === 'live']);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });

  const create = async (e: Event) => {
    e.preventDefault();
    const bad = (text: string) => setResult({ ok: false, text });
    const code = f.code.trim().toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9_-]{2,31}$/.test(code)) return bad(t('bad_code'));
    const c: Record<string, unknown> = { code };
    if (f.name.trim()) c.name = f.name.trim();
    if (f.kind === 'amount') {
      const off = parseMoney(f.value, currency);
      if (off === null || off <= 0) return bad(t('bad_money'));
      c.amount_off = off;
    } else {
      const bp = parsePercent(f.value);
      if (bp === null) return bad(t('bad_percent'));
      c.percent_bp = bp;
      if (f.cap.trim()) {
        const cap = parseMoney(f.cap, currency);
        if (cap === null || cap <= 0) return bad(t('bad_money'));
        c.cap = cap;
      }
    }
    if (f.threshold.trim()) {
      const th = parseMoney(f.threshold, currency);
      if (th === null) return bad(t('bad_money'));
      c.threshold = th;
    }
    if (f.tier.trim()) {
      if (!/^[A-Z]$/.test(f.tier.trim())) return bad(t('tier_letter'));
      c.tier = f.tier.trim();
    }
    if (f.region.trim()) c.region = f.region.trim();
    if (f.dealers.trim()) {
      const ids = f.dealers.split(/[,，\s]+/).filter(Boolean).map(Number);
      if (!ids.length || ids.some((n) => !Number.isInteger(n) || n <= 0)) return bad(t('bad_dealers'));
      c.dealers = ids;
    }
    const issued = Number(f.issued);
    const perDealer = Number(f.per_dealer || '1');
    if (!Number.isInteger(issued) || issued < 1 || !Number.isInteger(perDealer) || perDealer < 1) return bad(t('bad_count'));
    c.issued = issued;
    c.per_dealer = perDealer;
    if (f.until) {
      const iso = zonedToIso(f.until, zone);
      if (!iso) return bad(t('bad_when'));
      c.valid_until = iso;
    }
    setBusy(true);
    try {
      const r = await client.request<{ coupon: Coupon }>('coupon.create', { fair, coupon: c });
      setResult({ ok: true, text: t('coupon_created', { code: r.coupon.code }) });
      setF({ ...f, code: '', name: '', value: '', cap: '', threshold: '', dealers: '', issued: '' });
      await load();
    } catch (err) {
      const e = err as FairError;
      setResult({ ok: false, text: !e.lost && e.code === 'conflict' ? t('coupon_taken', { code }) : errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  const end = async (c: Coupon) => {
    if (!confirm(t('coupon_end_confirm', { code: c.code }))) return;
    try {
      await client.request('coupon.end', { coupon: c.id });
      setResult({ ok: true, text: t('coupon_ended', { code: c.code }) });
      await load();
    } catch (err) {
      setResult({ ok: false, text: errorText(err as FairError) });
    }
  };
  const now = Date.now() + client.clockSkewMs;
  const forWhom = (c: Coupon) => {
    const parts = [c.tier ? t('tier_n', { t: c.tier }) : '', c.region ?? '', c.dealers?.length ? c.dealers.map((d) => `#${d}`).join(' ') : '']
      .filter(Boolean);
    return parts.length ? parts.join(' · ') : t('coupon_for_all');
  };
  const fairEnd = store.view.fair?.ends_at;

  return (
    <section class="panel wide" aria-labelledby="coupons-title" id="coupons-panel">
      <div class="row wrap">
        <h2 id="coupons-title">{t('coupons')} <span class="muted small">{t('time_in_zone', { zone: zoneLabel(zone) })}</span></h2>
        <button type="button" id="coupons-refresh" onClick={() => void load()}>{t('coupon_refresh')}</button>
      </div>
      {listError && <p class="error" role="alert">{listError}</p>}
      {/* positioned: the sr-only header would otherwise escape the scroll box and widen the page */}
      <div class="scroll-x coupon-scroll" tabIndex={0} role="region"
        aria-label={`${t('coupons')}: ${t('coupon_used')}, ${t('coupon_given')}`}>
        <table class="rank coupon-table" id="coupon-table">
          <thead><tr><th scope="col">{t('coupon_code')}</th><th scope="col">{t('coupon_terms')}</th><th scope="col">{t('coupon_for')}</th>
            <th scope="col" class="num">{t('coupon_used')}</th><th scope="col" class="num">{t('coupon_given')}</th>
            <th scope="col">{t('coupon_valid')}</th><th scope="col"><span class="sr-only">{t('coupon_end', { code: '' })}</span></th></tr></thead>
          <tbody>
            {(coupons ?? []).map((c) => {
              const over = Date.parse(c.valid_until) <= now;
              return (
                <tr data-code={c.code} class={over ? 'over' : undefined}>
                  <td><strong>{c.code}</strong>{c.name && <><br /><span class="small">{c.name}</span></>}</td>
                  <td>{couponTerms(c, currency)}{c.per_dealer && c.per_dealer > 1 ? ` · ×${c.per_dealer}` : ''}</td>
                  <td>{forWhom(c)}</td>
                  <td class="num coupon-used">{number(c.used ?? 0)} / {number(c.issued ?? 0)}</td>
                  <td class="num coupon-given">{money(c.discount_given ?? 0, currency)}</td>
                  <td><time dateTime={c.valid_until}>{dateTime(c.valid_until, zone)}</time>{over && <> · <strong>{t('coupon_over')}</strong></>}</td>
                  <td>{!over && <button type="button" class="danger" onClick={() => void end(c)}
                    aria-label={t('coupon_end', { code: c.code })}>{t('coupon_end', { code: '' }).trim()}</button>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {coupons && !coupons.length && <p class="muted" id="coupons-empty">{t('coupon_none_yet')}</p>}
      <form onSubmit={create} id="coupon-form" class="offer-form">
        <label>{t('coupon_code')}<input type="text" id="coupon-code" value={f.code} required maxLength={32} autoComplete="off"
          autoCapitalize="characters" onInput={set('code')} /></label>
        <label>{t('coupon_name')}<input type="text" id="coupon-name" value={f.name} maxLength={100} onInput={set('name')} /></label>
        <label>{t('coupon_kind')}
          <select id="coupon-kind" value={f.kind} onChange={set('kind')}>
            <option value="amount">{t('kind_amount')}</option>
            <option value="percent">{t('kind_percent')}</option>
          </select></label>
        <label>{f.kind === 'amount' ? t('kind_amount') : t('kind_percent')}
          <input type="text" inputMode="decimal" id="coupon-value" value={f.value} required autoComplete="off" onInput={set('value')} /></label>
        {f.kind === 'percent' && (
          <label>{t('coupon_cap_in')}<input type="text" inputMode="decimal" id="coupon-cap" value={f.cap} autoComplete="off" onInput={set('cap')} /></label>
        )}
        <label>{t('coupon_threshold_in')}<input type="text" inputMode="decimal" id="coupon-threshold" value={f.threshold} autoComplete="off" onInput={set('threshold')} /></label>
        <label>{t('coupon_tier_in')}<input type="text" id="coupon-tier" value={f.tier} maxLength={1} autoComplete="off" onInput={set('tier')} /></label>
        <label>{t('coupon_region_in')}<input type="text" id="coupon-region" value={f.region} maxLength={64} onInput={set('region')} /></label>
        <label>{t('coupon_dealers_in')}<input type="text" id="coupon-dealers" value={f.dealers} inputMode="numeric" autoComplete="off" onInput={set('dealers')} /></label>
        <label>{t('coupon_issued_in')}<input type="number" id="coupon-issued" min={1} step={1} value={f.issued} required onInput={set('issued')} /></label>
        <label>{t('coupon_per_dealer_in')}<input type="number" id="coupon-per-dealer" min={1} step={1} value={f.per_dealer} onInput={set('per_dealer')} /></label>
        <label>{t('coupon_until_in')}
          <input type="datetime-local" id="coupon-until" value={f.until} aria-describedby="coupon-until-zone"
            placeholder={fairEnd ? isoToZoned(fairEnd, zone) : undefined} onInput={set('until')} />
          <span class="muted small" id="coupon-until-zone">{zoneLabel(zone)}</span></label>
        <p class="span actions"><button type="submit" class="primary" disabled={busy} id="coupon-create">{t('coupon_create')}</button></p>
      </form>
      {result && <p class={result.ok ? 'result ok' : 'result error'} role={result.ok ? 'status' : 'alert'} id="coupon-result">{result.text}</p>}
    </section>
  );
}

interface RateEdit { per: string; days: string }

/** Points per 100 of the currency typed as a whole number 0–10000; null otherwise. */
function parsePer100(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n <= 10000 ? n : null;
}

/** Validity typed as whole days 1–3650 (empty: the server's 365); undefined when bad. */
function parseDays(text: string): number | null | undefined {
  const s = text.trim();
  if (!s) return null;
  if (!/^\d{1,4}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 3650 ? n : undefined;
}

/** The points rate of every dealer tier (manager, admin): points per 100 of the currency paid and
 * how long they stay valid, one row per tier the dealers have or a rate exists for (and any the
 * manager adds), each saved on its own with points.rates.set and said in words. */
export function PointsRatesPanel({ ctx }: { ctx: FairContext }) {
  const { client, fair, store } = ctx;
  const currency = store.view.fair?.currency ?? 'CNY';
  const [rates, setRates] = useState<PointsRates | null>(null);
  const [dealerTiers, setDealerTiers] = useState<string[]>([]);
  const [added, setAdded] = useState<string[]>([]);
  const [edits, setEdits] = useState<Record<string, RateEdit>>({});
  const [results, setResults] = useState<Record<string, Result>>({});
  const [busy, setBusy] = useState('');
  const [newTier, setNewTier] = useState('');
  const [addError, setAddError] = useState('');
  const [listError, setListError] = useState('');
  const load = () => client.request<PointsRates>('points.rates')
    .then((r) => { setRates(r); setListError(''); })
    .catch((e) => setListError(errorText(e)));
  useEffect(() => {
    void load();
    // the tiers the dealers have (the first 200 dealers by name; another tier can be added)
    client.request<{ dealers: { tier: string }[] }>('dealers.overview', { fair, sort: 'name', limit: 200 })
      .then((r) => setDealerTiers([...new Set(r.dealers.map((d) => d.tier))]))
      .catch(() => {});
  }, [fair, client.state === 'live']);

  const saved = new Map((rates?.rates ?? []).map((r) => [r.tier, r]));
  const tiers = [...new Set([...saved.keys(), ...dealerTiers, ...added])].sort();
  const pointValue = rates?.point_value ?? 100;
  const editOf = (tier: string): RateEdit => edits[tier] ?? {
    per: saved.has(tier) ? String(saved.get(tier)!.per_100) : '',
    days: saved.has(tier) ? String(saved.get(tier)!.validity_days) : '',
  };
  const setEdit = (tier: string, e: Partial<RateEdit>) => {
    setEdits({ ...edits, [tier]: { ...editOf(tier), ...e } });
    setResults({ ...results, [tier]: null });
  };
  /** The rate in words: what a dealer earns per 100 paid, what that gives back, how long it lasts. */
  const meaning = (perText: string, per: number | null, days: number | null | undefined): string => {
    if (!perText.trim()) return t('rate_unset');
    if (per === null) return t('rate_bad_per', { per: money(10000, currency) });
    if (per === 0) return t('rate_none');
    if (days === undefined) return t('rate_bad_days');
    return t('rate_means', { per: money(10000, currency), n: number(per), pct: percent(per * pointValue),
      days: number(days ?? 365) });
  };

  const save = async (e: Event, tier: string) => {
    e.preventDefault();
    const row = editOf(tier);
    const per = parsePer100(row.per);
    const days = parseDays(row.days);
    const bad = (text: string) => setResults({ ...results, [tier]: { ok: false, text } });
    if (per === null) return bad(t('rate_bad_per', { per: money(10000, currency) }));
    if (days === undefined) return bad(t('rate_bad_days'));
    setBusy(tier);
    try {
      const r = await client.request<PointsRates>('points.rates.set', { tier, per_100: per, ...(days !== null ? { validity_days: days } : {}) });
      setRates(r);
      const { [tier]: _, ...rest } = edits;
      setEdits(rest);
      setResults((x) => ({ ...x, [tier]: { ok: true, text: t('rate_saved', { tier }) } }));
    } catch (err) {
      const fe = err as FairError;
      setResults((x) => ({ ...x, [tier]: { ok: false, text: errorText(fe) } }));
      // a lost answer is not guessed: read what the server has
      if (fe.lost) void load();
    } finally {
      setBusy('');
    }
  };
  const add = (e: Event) => {
    e.preventDefault();
    const tier = newTier.trim().toUpperCase();
    if (!/^[A-Z]$/.test(tier)) { setAddError(t('tier_letter')); return; }
    setAddError('');
    setNewTier('');
    if (!tiers.includes(tier)) setAdded([...added, tier]);
    // the new row's first field, once it is drawn
    setTimeout(() => (document.querySelector(`.rate-row[data-tier="${tier}"] .rate-per`) as HTMLInputElement | null)?.focus(), 0);
  };

  return (
    <section class="panel" aria-labelledby="rates-title" id="rates-panel">
      <h2 id="rates-title">{t('rates_title')}</h2>
      <p class="muted small" id="rates-intro">{t('rates_intro', { value: money(pointValue, currency) })}</p>
      {listError && <p class="error" role="alert">{listError}</p>}
      {!rates ? (!listError && <p class="muted">{t('loading')}</p>) : (
        <div class="tier-rows">
          {tiers.map((tier) => {
            const row = editOf(tier);
            const per = parsePer100(row.per);
            const days = parseDays(row.days);
            const res = results[tier];
            const was = saved.get(tier);
            const dirty = !!edits[tier] && (row.per !== String(was?.per_100 ?? '') || row.days !== String(was?.validity_days ?? ''));
            const id = `rate-${tier}`;
            return (
              <form class="rate-row" data-tier={tier} aria-labelledby={`${id}-name`} onSubmit={(e) => void save(e, tier)}>
                <div class="tier-row">
                  <strong class="rate-tier" id={`${id}-name`}>{t('tier_n', { t: tier })}</strong>
                  <label>{t('rate_per_in', { per: money(10000, currency) })}
                    <input type="text" inputMode="numeric" class="rate-per" value={row.per} autoComplete="off" placeholder="0"
                      aria-describedby={`${id}-means`} onInput={(e) => setEdit(tier, { per: (e.target as HTMLInputElement).value })} /></label>
                  <label>{t('rate_days_in')}
                    <input type="text" inputMode="numeric" class="rate-days" value={row.days} autoComplete="off" placeholder="365"
                      onInput={(e) => setEdit(tier, { days: (e.target as HTMLInputElement).value })} /></label>
                  <button type="submit" class="primary rate-save" disabled={busy === tier}
                    aria-label={t('rate_save_tier', { tier })}>{t('save')}</button>
                </div>
                <p class="muted small rate-means" id={`${id}-means`}>
                  {meaning(row.per, per, days)}
                  {dirty && <> · <strong>{t('rate_unsaved')}</strong></>}
                </p>
                {res && <p class={res.ok ? 'result ok rate-result' : 'result error rate-result'} role={res.ok ? 'status' : 'alert'}>{res.text}</p>}
              </form>
            );
          })}
          {!tiers.length && <p class="muted">{t('rates_none')}</p>}
        </div>
      )}
      <form class="row wrap rate-add" onSubmit={add}>
        <label>{t('rate_add_in')}{' '}
          <input type="text" id="rate-new-tier" value={newTier} maxLength={1} autoComplete="off" autoCapitalize="characters"
            class="tier-letter" onInput={(e) => setNewTier((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" id="rate-add">{t('rate_add')}</button>
      </form>
      {addError && <p class="result error" role="alert" id="rate-add-error">{addError}</p>}
    </section>
  );
}
