// An administrator's fair settings (订货会设置) on the settings page: the fair's name and English
// name, its opening and closing times on the fair's clock, and ordering paused, resumed or the
// fair closed for good (admin.fair.update, audited). Every page of the fair hears a new state,
// new times or a new name at once (fair.state); a closed fair, by hand or by its times, can no
// longer be changed.
import { useEffect, useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import { isoToZoned, zonedToIso } from '../fair/offers';
import type { Fair } from '../fair/protocol';
import { errorText, nameOf, t, zoneLabel, type Key } from '../i18n';
import type { FairContext } from './app';

interface Form { name: string; name_en: string; starts: string; ends: string }
const formOf = (f: Fair): Form => ({
  name: f.name, name_en: f.name_en ?? '', starts: isoToZoned(f.starts_at, f.timezone), ends: isoToZoned(f.ends_at, f.timezone),
});

export function FairPanel({ ctx }: { ctx: FairContext }) {
  const { client, store } = ctx;
  const fair = store.view.fair;
  const [form, setForm] = useState<Form | null>(fair ? formOf(fair) : null);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // the form follows the fair until the admin edits it (a fair.state moving its times)
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (fair && !edited) setForm(formOf(fair));
  }, [fair?.id, fair?.name, fair?.name_en, fair?.starts_at, fair?.ends_at, edited]);
  if (!fair || !form) return null;

  const zone = fair.timezone;
  const closed = fair.status === 'closed';
  const set = (key: keyof Form) => (e: Event) => {
    setForm({ ...form, [key]: (e.target as HTMLInputElement).value });
    setEdited(true);
  };
  const update = async (change: Record<string, string>, done: Key) => {
    setBusy(true);
    try {
      const r = await client.request<{ fair: Fair }>('admin.fair.update', { fair: fair.id, ...change });
      store.replaceFair(r.fair);
      setEdited(false);
      setForm(formOf(r.fair));
      setStatus({ kind: 'ok', text: t(done) });
    } catch (e) {
      const err = e as FairError;
      setStatus({ kind: 'error', text: err.code === 'conflict' ? t('fair_closed_final') : errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const save = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const was = formOf(fair);
    const change: Record<string, string> = {};
    if (form.name.trim() !== was.name) change.name = form.name.trim();
    if (form.name_en.trim() !== was.name_en) change.name_en = form.name_en.trim();
    const starts = form.starts !== was.starts ? zonedToIso(form.starts, zone) : fair.starts_at;
    const ends = form.ends !== was.ends ? zonedToIso(form.ends, zone) : fair.ends_at;
    if (!form.name.trim()) return setStatus({ kind: 'error', text: t('fair_name_needed') });
    if (!starts || !ends) return setStatus({ kind: 'error', text: t('fair_time_bad') });
    if (Date.parse(ends) <= Date.parse(starts)) return setStatus({ kind: 'error', text: t('fair_times_bad') });
    if (form.starts !== was.starts) change.starts_at = starts;
    if (form.ends !== was.ends) change.ends_at = ends;
    if (!Object.keys(change).length) return setStatus({ kind: 'ok', text: t('fair_nothing_changed') });
    void update(change, 'fair_saved');
  };
  const close = () => {
    if (busy || !confirm(t('fair_close_confirm', { name: nameOf(fair) }))) return;
    void update({ status: 'closed' }, 'fair_closed');
  };

  return (
    <section class="panel" aria-labelledby="fair-title" id="fair-panel">
      <h2 id="fair-title">{t('fair_settings')}{' '}
        <span class={`fair-status ${fair.status}`} id="fair-status">{t(`status_${fair.status}` as Key)}</span></h2>
      {closed && <p class="muted small">{t('fair_closed_final')}</p>}
      <form id="fair-form" onSubmit={save}>
        <fieldset class="bare" disabled={closed || busy}>
          <label class="block">{t('fair_name_label')}
            <input type="text" id="fair-name" required maxLength={200} value={form.name} onInput={set('name')} /></label>
          <label class="block">{t('fair_name_en_label')}
            <input type="text" id="fair-name-en" maxLength={200} value={form.name_en} onInput={set('name_en')} /></label>
          <div class="row wrap">
            <label>{t('fair_starts')}
              <input type="datetime-local" id="fair-starts" value={form.starts} aria-describedby="fair-zone" onInput={set('starts')} /></label>
            <label>{t('fair_ends')}
              <input type="datetime-local" id="fair-ends" value={form.ends} aria-describedby="fair-zone" onInput={set('ends')} /></label>
            <span class="muted small" id="fair-zone">{zoneLabel(zone)}</span>
          </div>
          <p class="row wrap">
            <button type="submit" class="primary" id="fair-save">{t('fair_save')}</button>
            {fair.status === 'paused'
              ? <button type="button" id="fair-resume" onClick={() => void update({ status: 'live' }, 'fair_resumed')}>{t('fair_resume')}</button>
              : <button type="button" id="fair-pause" disabled={fair.status !== 'live'}
                  onClick={() => void update({ status: 'paused' }, 'fair_paused_now')}>{t('fair_pause')}</button>}
            <button type="button" class="danger" id="fair-close" onClick={close}>{t('fair_close')}</button>
          </p>
        </fieldset>
      </form>
      {status && <p class={status.kind === 'ok' ? 'result ok' : 'error'} role={status.kind === 'ok' ? 'status' : 'alert'} id="fair-result">{status.text}</p>}
    </section>
  );
}
