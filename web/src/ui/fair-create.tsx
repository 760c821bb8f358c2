// An administrator makes a new fair from the lobby (新建订货会; admin.fair.create, audited): its
// name and English name, season, currency, time zone, and its opening and closing times on that
// zone's clock. Made, the fair's settings page opens, where its products are put on it. A chunk
// of its own: only administrators load it.
import { useState } from 'preact/hooks';
import type { FairClient, FairError } from '../fair/client';
import { zonedToIso } from '../fair/offers';
import type { Fair } from '../fair/protocol';
import { errorText, t, zoneLabel } from '../i18n';

const CURRENCIES = ['CNY', 'HKD', 'TWD', 'USD', 'EUR', 'JPY', 'SGD'];
const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'America/New_York'];

export function FairCreate({ client }: { client: FairClient }) {
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ name: '', name_en: '', season: '', currency: 'CNY', timezone: 'Asia/Shanghai', starts: '', ends: '' });
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  let zoneKnown = true;
  try { zoneLabel(f.timezone); } catch { zoneKnown = false; }

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!zoneKnown) return setProblem(t('fair_new_bad_zone', { zone: f.timezone }));
    const starts = zonedToIso(f.starts, f.timezone);
    const ends = zonedToIso(f.ends, f.timezone);
    if (!starts || !ends) return setProblem(t('fair_time_bad'));
    if (Date.parse(ends) <= Date.parse(starts)) return setProblem(t('fair_times_bad'));
    setProblem('');
    setBusy(true);
    try {
      const r = await client.request<{ fair: Fair }>('admin.fair.create', {
        name: f.name.trim(), name_en: f.name_en.trim(), season: f.season.trim(), currency: f.currency.trim().toUpperCase(),
        timezone: f.timezone.trim(), starts_at: starts, ends_at: ends,
      });
      location.hash = `#/fair/${r.fair.id}/manage`;
    } catch (err) {
      setProblem(errorText(err as FairError));
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return <p><button type="button" class="primary" id="fair-new" onClick={() => setOpen(true)}>{t('fair_new')}</button></p>;
  }
  return (
    <section class="panel fair-new" aria-labelledby="fair-new-title">
      <h2 id="fair-new-title">{t('fair_new')}</h2>
      <form class="form-grid" id="fair-new-form" onSubmit={submit}>
        <label>{t('fair_name_label')}
          <input type="text" id="fair-new-name" required maxLength={200} value={f.name} onInput={set('name')} /></label>
        <label>{t('fair_name_en_label')}
          <input type="text" id="fair-new-name-en" maxLength={200} value={f.name_en} onInput={set('name_en')} /></label>
        <label>{t('fair_new_season')}
          <input type="text" id="fair-new-season" required maxLength={100} placeholder="2027SS" value={f.season} onInput={set('season')} /></label>
        <label>{t('fair_new_currency')}
          <input type="text" id="fair-new-currency" required list="fair-new-currencies" minLength={3} maxLength={3} pattern="[A-Za-z]{3}"
            value={f.currency} onInput={set('currency')} />
          <datalist id="fair-new-currencies">{CURRENCIES.map((c) => <option value={c} />)}</datalist></label>
        <label>{t('fair_new_zone')}
          <input type="text" id="fair-new-zone" required list="fair-new-zones" maxLength={64} value={f.timezone} onInput={set('timezone')} />
          <datalist id="fair-new-zones">{ZONES.map((z) => <option value={z} />)}</datalist></label>
        <label>{t('fair_starts')}
          <input type="datetime-local" id="fair-new-starts" required value={f.starts} aria-describedby="fair-new-zone-label" onInput={set('starts')} /></label>
        <label>{t('fair_ends')}
          <input type="datetime-local" id="fair-new-ends" required value={f.ends} aria-describedby="fair-new-zone-label" onInput={set('ends')} /></label>
        <p class="muted small wide" id="fair-new-zone-label">{zoneKnown ? t('time_in_zone', { zone: zoneLabel(f.timezone) }) : ''}</p>
        <p class="row wrap wide">
          <button type="submit" class="primary" id="fair-new-save" disabled={busy}>{t('fair_new_make')}</button>
          <button type="button" onClick={() => setOpen(false)}>{t('cancel')}</button>
        </p>
        {problem && <p class="error" role="alert" id="fair-new-problem">{problem}</p>}
      </form>
    </section>
  );
}
