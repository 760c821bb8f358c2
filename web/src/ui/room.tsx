// The live room: the spotlight product large with my price and the rep's note (it changes the
// moment a rep changes it), flash countdowns, new items announced, the fair's countdown and
// state, my target and missing must-order styles, and the Q&A beside it.
import { useState } from 'preact/hooks';
import type { ChatMessage } from '../fair/protocol';
import { priceNow } from '../fair/store';
import { duration, errorText, money, nameOf, t, time, zoneLabel, type Key } from '../i18n';
import type { FairContext } from './app';
import { srcset } from './card';
import { useNow, useSubscription } from './hooks';
import { Faq, FlashCountdown, useFaq, useItem } from './product';
import { useSpotlightInStep } from './in-step';
import { LiveVideo } from './video';

export function Room({ ctx }: { ctx: FairContext }) {
  const { store } = ctx;
  useSubscription(store);
  const now = useNow(1000, ctx.client.clockSkewMs);
  const f = store.view.fair;
  if (!f) return <p class="muted">{t('loading')}</p>;
  const ends = Date.parse(f.ends_at);
  const starts = Date.parse(f.starts_at);
  return (
    <section class="room" id="room-view">
      <p class={`fairstate ${f.status}`} role="status" id="fair-state">
        <span class={`fair-status ${f.status}`}>{t(`status_${f.status}` as Key)}</span>{' '}
        {f.status === 'live' && t('closes_in', { t: duration(ends - now) })}
        {f.status === 'scheduled' && t('opens_in', { t: duration(starts - now) })}
        {f.status === 'paused' && t('fair_paused')}
        <span class="muted zone"> {t('time_in_zone', { zone: zoneLabel(f.timezone) })}</span>
      </p>
      {store.view.announcements.length > 0 && (
        <ul class="announcements" aria-live="polite">
          {store.view.announcements.slice(-3).map((a) => (
            <li><a href={`#/fair/${ctx.fair}/product/${a.product}`}>{t('new_item', { name: nameOf(store.view.items.get(a.product) ?? a) })}</a></li>
          ))}
        </ul>
      )}
      <div class="room-grid">
        <div class="stage">
          <LiveVideo ctx={ctx} />
          <Spotlight ctx={ctx} now={now} inStep />
        </div>
        <div class="side">
          <Attainment ctx={ctx} />
          <Chat ctx={ctx} />
          <FairFaq ctx={ctx} />
        </div>
      </div>
    </section>
  );
}

/** The spotlight card as the dealers see it (also the rep console's preview). inStep: in the
 * room, shown in step with the live video (in-step.ts); the console shows the latest. */
export function Spotlight({ ctx, now, inStep = false }: { ctx: FairContext; now: number; inStep?: boolean }) {
  const stepped = useSpotlightInStep(ctx.store);
  const s = inStep ? stepped : ctx.store.view.spotlight;
  const { item } = useItem(ctx, s?.product ?? 0);
  const faq = useFaq(ctx, s?.product ?? 0);
  const f = ctx.store.view.fair!;
  if (!s) return <section class="spotlight empty" id="spotlight"><p class="muted">{t('no_spotlight')}</p></section>;
  const p = item ? priceNow(item, now) : null;
  return (
    <section class="spotlight" id="spotlight" aria-labelledby="spot-name" data-product={s.product}>
      <p class="kicker">{t('spotlight')} · <span class="muted">{t('presenter', { name: s.by })}</span></p>
      {item?.images && <img src={item.images.full} srcset={srcset(item.images)} sizes="(max-width: 700px) 100vw, 560px"
        width={1200} height={1500} alt={nameOf(item)} />}
      <h1 id="spot-name">{item ? nameOf(item) : '…'}</h1>
      {item && <p class="muted">{item.style}</p>}
      {p && item && (
        <p class="price-line">
          <span class="muted">{t('my_price')}</span>{' '}
          <strong class={`big${p.flash ? ' flash' : ''}`} id="spot-price">{money(p.price, f.currency)}</strong>
          {item.base_price > p.price && <> <s class="muted">{money(item.base_price, f.currency)}</s></>}
          {p.flash && item.flash && <FlashCountdown ends={item.flash.ends_at} now={now} />}
        </p>
      )}
      {item?.fair_price != null && (
        <p class="muted small" id="spot-fair-price">{t('fair_price')} {money(item.fair_price, f.currency)}</p>
      )}
      {s.note && <p class="note" id="spot-note">{s.note}</p>}
      <Faq items={faq} />
      {ctx.sheet && <a class="button primary" href={`#/fair/${ctx.fair}/product/${s.product}`} id="order-this">{t('order_this')}</a>}
    </section>
  );
}

export function Attainment({ ctx }: { ctx: FairContext }) {
  useSubscription(ctx.store);
  const a = ctx.store.view.attainment;
  const f = ctx.store.view.fair;
  if (!a || !f) return null;
  const pct = a.ratio === null ? null : Math.round(a.ratio * 100);
  return (
    <section class="attainment" aria-labelledby="att-title" id="attainment">
      <h2 id="att-title">{t('attainment')}</h2>
      {a.target && pct !== null && (
        <>
          <progress max={100} value={Math.min(100, pct)} aria-label={t('attainment')}>{pct}%</progress>
          <p>{pct}% · {t('ordered', { amount: money(a.ordered.amount, f.currency) })} / {t('target', { amount: money(a.target.amount, f.currency) })}</p>
        </>
      )}
      {!a.target && <p>{t('ordered', { amount: money(a.ordered.amount, f.currency) })}</p>}
      {a.missing.length > 0
        ? <><p>{t('missing_styles')}</p><ul class="missing">{a.missing.map((m) => (
            <li><a href={`#/fair/${ctx.fair}/product/${m.product}`}>{nameOf(ctx.store.view.items.get(m.product) ?? m)}</a> <span class="muted">{m.style}</span></li>))}</ul></>
        : <p class="muted">{t('all_must_ordered')}</p>}
    </section>
  );
}

/** The questions the reps marked as this fair's FAQ, general ones included. */
function FairFaq({ ctx }: { ctx: FairContext }) {
  const items = useFaq(ctx, null);
  return <Faq items={items} id="fair-faq" title={t('fair_faq')} />;
}

function Chat({ ctx }: { ctx: FairContext }) {
  const { store, client } = ctx;
  const [text, setText] = useState('');
  const [about, setAbout] = useState(true);
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const f = store.view.fair!;
  // a question is about the product the dealer sees
  const spot = useSpotlightInStep(store);
  const spotItem = spot ? store.view.items.get(spot.product) : undefined;
  const messages = [...store.view.chat.values()].sort((a, b) => a.id - b.id);
  const answers = new Map<number, ChatMessage>();
  for (const m of messages) if (m.reply_to) answers.set(m.reply_to, m);
  const questions = messages.filter((m) => !m.reply_to);
  const ask = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setSending(true);
    try {
      await client.request('chat.ask', { fair: ctx.fair, text, ...(about && spot ? { product: spot.product } : {}) });
      setText('');
      setError('');
    } catch (err) {
      setError(errorText(err as any));
    } finally {
      setSending(false);
    }
  };
  return (
    <section class="chat" aria-labelledby="qa-title" id="chat">
      <h2 id="qa-title">{t('qa')}</h2>
      <ol class="messages" aria-live="polite">
        {questions.slice(-30).map((q) => {
          const a = answers.get(q.id);
          const product = q.product ? store.view.items.get(q.product) : undefined;
          return (
            <li class="qa" data-id={q.id}>
              <p class="q"><span class="who">{q.author.name}</span>
                {product && <span class="muted"> · {nameOf(product)}</span>}
                <span class="muted"> · {time(q.at, f.timezone)}</span></p>
              <p class="text">{q.text}</p>
              {a ? <p class="a" data-id={a.id}><span class="who">{a.author.name}</span>
                  {a.private && <span class="tag">{t('answered_privately')}</span>}{' '}<span class="text">{a.text}</span></p>
                : <p class="muted pending">{t('awaiting_answer')}</p>}
            </li>
          );
        })}
      </ol>
      {ctx.user.role === 'dealer' && (
        <form class="ask" onSubmit={ask}>
          {spot && (
            <label class="inline"><input type="checkbox" checked={about} onChange={(e) => setAbout((e.target as HTMLInputElement).checked)} />
              {' '}{t('ask_about', { name: spotItem ? nameOf(spotItem) : '' })}</label>
          )}
          <label class="grow"><span class="sr-only">{t('ask')}</span>
            <textarea id="ask-text" rows={2} maxLength={2000} placeholder={t('ask_placeholder')} value={text}
              onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} /></label>
          <button type="submit" class="primary" disabled={sending || !text.trim()}>{t('send')}</button>
          {error && <p class="error" role="alert">{error}</p>}
        </form>
      )}
    </section>
  );
}
