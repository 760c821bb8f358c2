// The dealer's points (積分): the balance and what it is worth, the dealer's rate, what expires
// in the next 30 days, the history in words, and the redeem form: a fair that is not closed and a
// number of points, the coupon it makes shown before it is confirmed, then its code and validity
// with the balance after. Times in the fairs' zone, labelled. A lost answer to a redemption is
// never guessed: the page reads the points again and says to look at the history.
import { useEffect, useRef, useState } from 'preact/hooks';
import { FairError, type FairClient } from '../fair/client';
import type { Fair, PointsEntry, PointsMine, PointsRedeemed } from '../fair/protocol';
import { dateTime, errorText, money, nameOf, number, t, zoneLabel, type Key } from '../i18n';
import { useNow } from './hooks';

/** Whether a fair still takes a redemption, by its status and times as the lobby reads them. */
function fairState(f: Fair, now: number): 'live' | 'paused' | 'scheduled' | 'closed' {
  if (f.status === 'paused' || f.status === 'closed') return f.status;
  return now < Date.parse(f.starts_at) ? 'scheduled' : now < Date.parse(f.ends_at) ? 'live' : 'closed';
}

export function PointsPage({ client }: { client: FairClient }) {
  const [mine, setMine] = useState<PointsMine | null>(null);
  const [fairs, setFairs] = useState<Fair[]>(client.fairs);
  const [error, setError] = useState('');
  const now = useNow(60_000, client.clockSkewMs);

  const reload = () => client.request<PointsMine>('points.mine')
    .then((r) => { setMine(r); setError(''); })
    .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void reload();
    client.request<{ fairs: Fair[] }>('fairs.list', { limit: 100 }).then((r) => setFairs(r.fairs)).catch(() => {});
  }, [client.state === 'live']);

  const open = fairs.filter((f) => fairState(f, now) !== 'closed')
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  // the page's times in the zone of the fairs it can redeem for (the first), labelled once
  const zone = open[0]?.timezone ?? fairs[0]?.timezone ?? 'Asia/Shanghai';
  const currency = open[0]?.currency ?? fairs[0]?.currency ?? 'CNY';

  return (
    <section class="points" id="points-view" aria-labelledby="points-title">
      <h1 id="points-title">{t('points_title')}</h1>
      <p class="muted zone">{t('time_in_zone', { zone: zoneLabel(zone) })}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {!mine ? <p class="muted">{t('loading')}</p> : (
        <>
          <div class="points-summary">
            <p class="points-balance">
              <span class="label">{t('points_balance')}</span>
              <strong id="points-balance">{number(mine.balance)}</strong>
              <span class="unit">{t('points_unit')}</span>
            </p>
            <p id="points-worth">{t('points_worth', { amount: money(mine.balance * mine.point_value, currency) })}</p>
            <p id="points-rate" class="muted">
              {mine.rate && mine.rate.per_100 > 0
                ? t('points_rate', { tier: mine.rate.tier, per: money(10000, currency), n: number(mine.rate.per_100),
                  days: number(mine.rate.validity_days) })
                : t('points_no_rate')}
              {' '}{t('points_value', { value: money(mine.point_value, currency) })}
            </p>
          </div>
          <section aria-labelledby="expiring-title" class="points-expiring">
            <h2 id="expiring-title">{t('points_expiring')}</h2>
            {mine.expiring.length ? (
              <ul id="points-expiring">
                {mine.expiring.map((x) => (
                  <li>
                    <strong>{t('points_n', { n: number(x.points) })}</strong>{' '}
                    <Timed k="points_expires_at" iso={x.expires_at} zone={zone} />
                  </li>
                ))}
              </ul>
            ) : <p class="muted" id="points-expiring-none">{t('points_expiring_none')}</p>}
          </section>
          <RedeemForm client={client} mine={mine} fairs={open} now={now}
            onRedeemed={(balance) => { setMine({ ...mine, balance }); void reload(); }} onLost={() => void reload()} />
          <History mine={mine} zone={zone} />
        </>
      )}
    </section>
  );
}

type Step = { kind: 'edit' } | { kind: 'confirm' } | { kind: 'sending' } | { kind: 'done'; r: PointsRedeemed; fair: Fair };

function RedeemForm({ client, mine, fairs, now, onRedeemed, onLost }: {
  client: FairClient; mine: PointsMine; fairs: Fair[]; now: number;
  onRedeemed: (balance: number) => void; onLost: () => void;
}) {
  const [fairId, setFairId] = useState(0);
  const [text, setText] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'edit' });
  const [problem, setProblem] = useState('');
  const confirmRef = useRef<HTMLButtonElement>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  const fair = fairs.find((f) => f.id === fairId) ?? fairs[0];
  const points = text.trim() === '' ? NaN : Number(text);
  const valid = Number.isInteger(points) && points >= 1 && points <= mine.balance;
  const value = valid ? points * mine.point_value : 0;

  useEffect(() => {
    if (step.kind === 'confirm') confirmRef.current?.focus();
    if (step.kind === 'done') doneRef.current?.focus();
  }, [step.kind]);

  const check = (): string => {
    if (!fair) return t('redeem_no_fair');
    if (!Number.isInteger(points) || points < 1) return t('redeem_bad_points');
    if (points > mine.balance) return t('redeem_over', { n: number(mine.balance) });
    return '';
  };
  const send = async () => {
    if (!fair) return;
    setStep({ kind: 'sending' });
    setProblem('');
    try {
      const r = await client.request<PointsRedeemed>('points.redeem', { fair: fair.id, points });
      setStep({ kind: 'done', r, fair });
      setText('');
      onRedeemed(r.balance);
    } catch (e) {
      const err = e instanceof FairError ? e : new FairError({ code: 'internal', message: String(e) });
      setStep({ kind: 'edit' });
      if (err.lost) { setProblem(t('redeem_lost')); onLost(); return; }
      if (err.code === 'conflict' && typeof err.details.balance === 'number') {
        setProblem(t('redeem_refused_balance', { n: number(points), balance: number(err.details.balance) }));
        onLost();
      } else if (err.code === 'fair_not_live') setProblem(t('redeem_refused_closed', { fair: nameOf(fair) }));
      else if (err.code === 'not_found') setProblem(t('redeem_refused_unknown'));
      else setProblem(errorText(err));
    }
  };

  const fairLabel = (f: Fair) => t('redeem_fair_option', { name: nameOf(f), state: t(`status_${fairState(f, now)}` as Key) });

  return (
    <section class="redeem" aria-labelledby="redeem-title">
      <h2 id="redeem-title">{t('redeem_title')}</h2>
      {step.kind === 'done' ? (
        <div class="result ok coupon-made" id="redeem-done" role="status" tabIndex={-1} ref={doneRef}>
          <p><strong>{t('redeem_done')}</strong></p>
          <p class="coupon-code">{t('coupon_code')} <code id="redeem-code">{step.r.coupon.code}</code></p>
          <p id="redeem-coupon">
            {t('redeem_coupon_terms', { amount: money(step.r.coupon.amount_off, step.fair.currency), fair: nameOf(step.fair) })}
          </p>
          <p id="redeem-valid">
            <Timed k="redeem_valid" iso={step.r.coupon.valid_until} zone={step.fair.timezone} />
            {' '}<span class="zone muted">{t('time_in_zone', { zone: zoneLabel(step.fair.timezone) })}</span>
          </p>
          <p id="redeem-balance">{t('redeem_balance_after', { n: number(step.r.balance) })}</p>
          <p class="actions">
            <a class="button primary" href={`#/fair/${step.fair.id}/sheet`}>{t('redeem_use')}</a>
            <button type="button" onClick={() => setStep({ kind: 'edit' })}>{t('redeem_again')}</button>
          </p>
        </div>
      ) : !fairs.length ? (
        <p class="muted" id="redeem-no-fair">{t('redeem_no_fair')}</p>
      ) : mine.balance <= 0 ? (
        <p class="muted" id="redeem-nothing">{t('redeem_nothing')}</p>
      ) : (
        <form id="redeem-form" class="redeem-form" noValidate
          onSubmit={(e) => { e.preventDefault(); const why = check(); setProblem(why); if (!why) setStep({ kind: 'confirm' }); }}>
          <label>{t('redeem_fair')}
            <select id="redeem-fair" value={fair?.id} disabled={step.kind !== 'edit'}
              onChange={(e) => setFairId(Number((e.target as HTMLSelectElement).value))}>
              {fairs.map((f) => <option value={f.id}>{fairLabel(f)}</option>)}
            </select>
          </label>
          <label>{t('redeem_points', { n: number(mine.balance) })}
            <input id="redeem-points" type="number" inputMode="numeric" min={1} max={mine.balance} step={1}
              value={text} disabled={step.kind !== 'edit'} aria-describedby="redeem-preview"
              onInput={(e) => { setText((e.target as HTMLInputElement).value); setProblem(''); }} />
          </label>
          <p id="redeem-preview" class={valid ? 'redeem-preview' : 'muted'} aria-live="polite">
            {valid && fair ? t('redeem_preview', { amount: money(value, fair.currency), fair: nameOf(fair),
              until: dateTime(fair.ends_at, fair.timezone), zone: zoneLabel(fair.timezone) }) : t('redeem_hint')}
          </p>
          {step.kind === 'edit' && <p><button type="submit" class="primary">{t('redeem_next')}</button></p>}
          {step.kind !== 'edit' && fair && (
            <div class="result confirm" id="redeem-confirm" role="group" aria-labelledby="redeem-question">
              <p id="redeem-question"><strong>
                {t('redeem_question', { n: number(points), amount: money(value, fair.currency), fair: nameOf(fair) })}
              </strong></p>
              <p class="muted">{t('redeem_final')}</p>
              <p class="actions">
                <button type="button" class="primary" id="redeem-confirm-button" ref={confirmRef}
                  disabled={step.kind === 'sending'} onClick={() => void send()}>
                  {step.kind === 'sending' ? t('redeem_sending') : t('redeem_confirm')}
                </button>
                <button type="button" disabled={step.kind === 'sending'} onClick={() => setStep({ kind: 'edit' })}>{t('redeem_back')}</button>
              </p>
            </div>
          )}
        </form>
      )}
      {problem && <p class="error" role="alert" id="redeem-refused">{problem}</p>}
    </section>
  );
}

/** A text with its {t} as a <time>, in the zone given. */
function Timed({ k, iso, zone }: { k: Key; iso: string; zone: string }) {
  const [before, after] = t(k, { t: '\u0000' }).split('\u0000');
  return <>{before}<time dateTime={iso}>{dateTime(iso, zone)}</time>{after}</>;
}

/** An entry of the ledger in words. */
function entryText(h: PointsEntry): string {
  switch (h.kind) {
    case 'earned': return h.order ? t('points_earned', { order: h.order }) : t('points_kind_earned');
    case 'redeemed': return h.coupon ? t('points_redeemed', { code: h.coupon }) : t('points_kind_redeemed');
    case 'expired': return t('points_kind_expired');
    default: return h.note ? t('points_adjusted', { note: h.note }) : t('points_kind_adjusted');
  }
}

function History({ mine, zone }: { mine: PointsMine; zone: string }) {
  return (
    <section aria-labelledby="history-title" class="points-history">
      <h2 id="history-title">{t('points_history')}</h2>
      {!mine.history.length ? <p class="muted" id="points-history-none">{t('points_history_none')}</p> : (
        <ol id="points-history">
          {mine.history.map((h) => (
            <li class={`entry ${h.kind}`} data-kind={h.kind}>
              <span class={`delta ${h.points > 0 ? 'plus' : 'minus'}`}>
                {h.points > 0 ? '+' : '−'}{number(Math.abs(h.points))}
              </span>
              <span class="what">{entryText(h)}</span>
              <span class="when muted">
                <time dateTime={h.at}>{dateTime(h.at, zone)}</time>
                {h.kind === 'earned' && h.expires_at && (
                  <> · <Timed k="points_expires_at" iso={h.expires_at} zone={zone} /></>
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
