// The manager's promotions (促销通知) on the fair's settings page (manager, admin): a title and
// a message for the fair's dealers, all of them or those of one tier, one region or named
// dealers. How many dealers it reaches is asked of the server (message.promote with preview,
// which writes nothing) whenever the audience changes, and the message is shown as a dealer's
// inbox will show it; sending (message.promote) writes one inbox message per dealer user, also
// mailed to those who asked for mail. Text from the manager is inserted as text.
import { useEffect, useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import { errorText, nameOf, number, t } from '../i18n';
import type { FairContext } from './app';

type Who = 'all' | 'tier' | 'region' | 'dealers';
type Audience = { tier?: string; region?: string; dealers?: number[] };
interface Reach { dealers: number; users: number }

const TITLE_MAX = 100;
const BODY_MAX = 2000;
const PREVIEW_DELAY_MS = 300; // typing a region or ids: ask once the typing pauses

/** Characters as the server counts them (code points). */
const chars = (s: string) => [...s].length;

/** The audience as message.promote takes it, or null while what is typed is not one yet. */
function audienceOf(who: Who, value: string): Audience | null {
  const v = value.trim();
  if (who === 'all') return {};
  if (who === 'tier') return /^[A-Z]$/.test(v.toUpperCase()) ? { tier: v.toUpperCase() } : null;
  if (who === 'region') return v && chars(v) <= 64 ? { region: v } : null;
  const ids = v.split(/[,，\s]+/).filter(Boolean).map(Number);
  return ids.length && ids.length <= 500 && ids.every((n) => Number.isInteger(n) && n > 0) ? { dealers: ids } : null;
}

export function PromotePanel({ ctx }: { ctx: FairContext }) {
  const { client, fair, store } = ctx;
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [who, setWho] = useState<Who>('all');
  const [value, setValue] = useState('');
  const [reach, setReach] = useState<Reach | null>(null);
  const [reachError, setReachError] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const audience = audienceOf(who, value);
  const audienceKey = JSON.stringify(audience);

  // what the audience reaches, from the server, a moment after it last changed
  useEffect(() => {
    setReach(null);
    setReachError('');
    if (!audience) return;
    let stale = false;
    const id = setTimeout(() => {
      client.request<Reach>('message.promote', { fair, title: '-', body: '-', audience, preview: true })
        .then((r) => { if (!stale) setReach({ dealers: r.dealers, users: r.users }); })
        .catch((e) => { if (!stale) setReachError(errorText(e as FairError)); });
    }, PREVIEW_DELAY_MS);
    return () => { stale = true; clearTimeout(id); };
  }, [fair, audienceKey, client.state === 'live']);

  const send = async (e: Event) => {
    e.preventDefault();
    const bad = (text: string) => setResult({ ok: false, text });
    const tt = title.trim();
    const bb = body.trim();
    if (!tt || chars(tt) > TITLE_MAX || /[\u0000-\u001f\u007f]/.test(tt)) return bad(t('promo_bad_title'));
    if (!bb || chars(bb) > BODY_MAX) return bad(t('promo_bad_body'));
    if (!audience) return bad(t(who === 'tier' ? 'tier_letter' : who === 'dealers' ? 'bad_dealers' : 'promo_bad_region'));
    if (reach && !reach.dealers) return bad(t('promo_reach_none'));
    if (reach && !confirm(t('promo_confirm', { dealers: number(reach.dealers) }))) return;
    setBusy(true);
    try {
      const r = await client.request<{ sent: number; dealers: number }>('message.promote', { fair, title: tt, body: bb, audience });
      setResult({ ok: true, text: t('promo_sent', { dealers: number(r.dealers), n: number(r.sent) }) });
      setTitle('');
      setBody('');
    } catch (err) {
      setResult({ ok: false, text: errorText(err as FairError) });
    } finally {
      setBusy(false);
    }
  };

  const fairName = store.view.fair ? nameOf(store.view.fair) : '';
  const reachText = !audience ? t('promo_reach_incomplete')
    : reachError ? reachError
      : !reach ? t('promo_reach_wait')
        : reach.dealers ? t('promo_reach', { dealers: number(reach.dealers), users: number(reach.users) }) : t('promo_reach_none');
  return (
    <section class="panel wide" aria-labelledby="promo-title" id="promo-panel">
      <h2 id="promo-title">{t('promo_title')}</h2>
      <p class="muted small">{t('promo_intro')}</p>
      <form onSubmit={send} id="promo-form" class="offer-form">
        <label class="span">{t('promo_subject')}
          <input type="text" id="promo-subject" value={title} required maxLength={TITLE_MAX} autoComplete="off"
            aria-describedby="promo-subject-count" onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          <span class="muted small" id="promo-subject-count">{t('promo_chars', { n: chars(title), max: TITLE_MAX })}</span></label>
        <label class="span">{t('promo_body')}
          <textarea id="promo-body" value={body} required rows={4} maxLength={BODY_MAX} aria-describedby="promo-body-count"
            onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} />
          <span class="muted small" id="promo-body-count">{t('promo_chars', { n: chars(body), max: BODY_MAX })}</span></label>
        <label>{t('promo_to')}
          <select id="promo-who" value={who} onChange={(e) => { setWho((e.target as HTMLSelectElement).value as Who); setValue(''); }}>
            <option value="all">{t('promo_all')}</option>
            <option value="tier">{t('promo_tier')}</option>
            <option value="region">{t('promo_region')}</option>
            <option value="dealers">{t('promo_dealers')}</option>
          </select></label>
        {who !== 'all' && (
          <label>{who === 'tier' ? t('promo_tier_in') : who === 'region' ? t('promo_region_in') : t('promo_dealers_in')}
            <input type="text" id="promo-value" value={value} required autoComplete="off"
              maxLength={who === 'tier' ? 1 : who === 'region' ? 64 : 4000}
              inputMode={who === 'dealers' ? 'numeric' : 'text'} autoCapitalize={who === 'tier' ? 'characters' : undefined}
              onInput={(e) => setValue((e.target as HTMLInputElement).value)} /></label>
        )}
        <p class="span muted" id="promo-reach" role="status" aria-live="polite">{reachText}</p>
        {(title.trim() || body.trim()) && (
          <div class="span promo-preview" id="promo-preview">
            <p class="small muted">{t('promo_looks')}</p>
            {/* the words of the dealer's inbox (inbox.tsx, messageText) */}
            <p class="message-text promo-text">{[fairName ? t('msg_promotion', { fair: fairName, title: title.trim() }) : title.trim(),
              body.trim()].filter(Boolean).join('\n')}</p>
          </div>
        )}
        <p class="span actions">
          <button type="submit" class="primary" id="promo-send" disabled={busy || !!(reach && !reach.dealers)}>{t('promo_send')}</button>
        </p>
      </form>
      {result && <p class={result.ok ? 'result ok' : 'result error'} role={result.ok ? 'status' : 'alert'} id="promo-result">{result.text}</p>}
    </section>
  );
}
