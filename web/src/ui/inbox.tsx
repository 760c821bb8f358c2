// The inbox (站內信): the header's link with the unread count (live), and the page: the
// messages in words, newest first, each marked read by a button or by opening it, all at
// once, and which kinds also come by mail. Text from the server is inserted as text. Each
// message's time is in its fair's zone (the browser's for a message of no fair), labelled.
import { useEffect, useState } from 'preact/hooks';
import type { FairClient } from '../fair/client';
import type { Inbox, InboxMessage, InboxPrefs, MessageKind } from '../fair/inbox';
import { MESSAGE_KINDS } from '../fair/inbox';
import type { Fair } from '../fair/protocol';
import { dateTime, errorText, money, nameOf, t, zoneLabel, type Key } from '../i18n';
import { useSubscription } from './hooks';

export function InboxLink({ inbox }: { inbox: Inbox }) {
  useSubscription(inbox);
  const n = inbox.unread;
  return (
    <a href="#/inbox" class="inbox-link" id="inbox-link" aria-label={t('inbox_aria', { n })}>
      {t('inbox')}
      {n > 0 && <span class="badge" id="inbox-badge" aria-hidden="true">{n > 99 ? '99+' : n}</span>}
    </a>
  );
}

const kindKey = (k: MessageKind) => `inbox_kind_${k.replace('.', '_')}` as Key;

/** A message in words, and where it leads. */
export function messageText(m: InboxMessage): { text: string; href: string | null } {
  const p = m.params;
  const fair = nameOf({ name: p.fair_name ?? '', name_en: p.fair_name_en });
  const base = m.fair ? `#/fair/${m.fair}` : null;
  switch (m.kind) {
    case 'product.launched':
      return { text: t('msg_product_launched', { fair, name: nameOf({ name: p.name ?? '', name_en: p.name_en }), style: p.style ?? '',
        price: typeof p.price === 'number' ? money(p.price, p.currency ?? 'CNY') : '' }),
      href: base && p.product ? `${base}/product/${p.product}` : base };
    case 'coupon': {
      const terms = p.amount_off ? t('msg_coupon_amount', { off: money(p.amount_off, p.currency ?? 'CNY'), from: money(p.threshold ?? 0, p.currency ?? 'CNY') })
        : p.percent_bp ? t('msg_coupon_percent', { pct: String(p.percent_bp / 100) }) : '';
      return { text: t('msg_coupon', { fair, name: p.name ?? p.title ?? '', code: p.code ?? '', terms }), href: base && `${base}/sheet` };
    }
    case 'promotion':
      // a promotion of no fair: its title alone
      return { text: [fair ? t('msg_promotion', { fair, title: p.title ?? '' }) : p.title, p.text].filter(Boolean).join('\n'), href: base };
    case 'fair.reminder':
      return { text: t(p.when === 'hour' ? 'msg_reminder_hour' : 'msg_reminder_day', { fair,
        time: p.starts_at ? dateTime(p.starts_at, p.timezone ?? 'Asia/Shanghai') : '' }), href: base };
    case 'order.status': {
      const status = t(`status_${p.status}` as Key);
      const text = t('msg_order_status', { order: p.order ?? '', status });
      return { text: p.tracking ? `${text} ${t('msg_tracking', { carrier: p.carrier ?? '', tracking: p.tracking })}` : text,
        href: base && `${base}/orders` };
    }
    case 'chat.answer':
      return { text: t('msg_chat_answer', { question: p.question ?? '', answer: p.answer ?? '' }), href: base };
    default:
      return { text: '', href: base };
  }
}

/** The browser's own zone: the times of messages that belong to no fair. */
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function InboxPage({ inbox, client }: { inbox: Inbox; client: FairClient }) {
  useSubscription(inbox);
  const [error, setError] = useState('');
  const [fairs, setFairs] = useState<Fair[]>(client.fairs);
  useEffect(() => inbox.watch(), [inbox]);
  useEffect(() => {
    client.request<{ fairs: Fair[] }>('fairs.list', { limit: 100 }).then((r) => setFairs(r.fairs)).catch(() => {});
  }, [client.state === 'live']);
  const zones = new Map(fairs.map((f) => [f.id, f.timezone]));
  // a message's zone: its fair's (a reminder names it too), else the browser's
  const zoneOf = (m: InboxMessage) => (m.fair && zones.get(m.fair)) || (m.fair && m.params.timezone) || LOCAL_ZONE;
  // one zone for the page: labelled once in the heading; several: each time labelled
  const shown = new Set(inbox.messages.map(zoneOf));
  const oneZone = shown.size <= 1 ? ([...shown][0] ?? LOCAL_ZONE) : null;
  const act = (p: Promise<unknown>) => p.then(() => setError('')).catch((e) => setError(errorText(e)));

  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <div class="inbox-head">
        <h1 id="inbox-title">{t('inbox_title')}</h1>
        <span class="muted" id="inbox-count" role="status">{t('inbox_unread_n', { n: inbox.unread })}</span>
        {oneZone && <span class="muted zone" id="inbox-zone">{t('time_in_zone', { zone: zoneLabel(oneZone) })}</span>}
        {inbox.unread > 0 && (
          <button type="button" id="inbox-read-all" onClick={() => act(inbox.read('all'))}>{t('inbox_mark_all')}</button>
        )}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {!inbox.loaded ? <p class="muted">{t('loading')}</p>
        : inbox.messages.length === 0 ? <p class="muted" id="inbox-empty">{t('inbox_empty')}</p>
        : (
          <ul class="inbox-list" id="inbox-list">
            {inbox.messages.map((m) => {
              const { text, href } = messageText(m);
              const zone = zoneOf(m);
              return (
                <li key={m.id} class={m.read ? 'message read' : 'message unread'} data-message={m.id} data-kind={m.kind}>
                  <div class="message-meta">
                    {!m.read && <strong class="unread-mark">{t('inbox_unread')}</strong>}
                    <span class="kind">{t(kindKey(m.kind))}</span>
                    <time dateTime={m.at}>{dateTime(m.at, zone)}</time>
                    {!oneZone && <span class="zone message-zone">{zoneLabel(zone, new Date(m.at))}</span>}
                  </div>
                  <p class="message-text">
                    {href ? <a href={href} onClick={() => { if (!m.read) void inbox.read([m.id]).catch(() => {}); }}>{text}</a> : text}
                  </p>
                  {!m.read && (
                    <button type="button" class="link mark-read" onClick={() => act(inbox.read([m.id]))}>{t('inbox_mark_read')}</button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      {inbox.more && <button type="button" id="inbox-more" onClick={() => act(inbox.loadMore())}>{t('load_more')}</button>}
      <MailPrefs inbox={inbox} />
    </section>
  );
}

function MailPrefs({ inbox }: { inbox: Inbox }) {
  const [prefs, setPrefs] = useState<InboxPrefs | null>(null);
  const [email, setEmail] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => {
    inbox.prefs().then((p) => { setPrefs(p); setEmail(p.email ?? ''); }).catch(() => {});
  }, [inbox]);
  if (!prefs) return null;
  const save = (change: Parameters<Inbox['setPrefs']>[0]) =>
    inbox.setPrefs(change).then((p) => { setPrefs(p); setEmail(p.email ?? ''); setNote(t('inbox_saved')); })
      .catch((e) => setNote(errorText(e)));
  return (
    <form class="mail-prefs" id="mail-prefs" onSubmit={(e) => { e.preventDefault(); void save({ email: email.trim() }); }}>
      <h2>{t('inbox_mail')}</h2>
      <div class="mail-address">
        <label>{t('inbox_email')}{' '}
          <input type="email" id="mail-address" value={email} maxLength={254} autoComplete="email"
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">{t('save')}</button>
      </div>
      <label>{t('inbox_mail_lang')}{' '}
        <select id="mail-lang" value={prefs.lang} onChange={(e) => void save({ lang: (e.target as HTMLSelectElement).value })}>
          <option value="zh-Hans">简体中文</option>
          <option value="zh-Hant">繁體中文</option>
          <option value="en">English</option>
        </select>
      </label>
      <fieldset>
        <legend>{t('inbox_mail_kinds')}</legend>
        {MESSAGE_KINDS.map((k) => (
          <label class="check">
            <input type="checkbox" data-kind={k} checked={prefs.kinds[k]}
              onChange={(e) => void save({ kinds: { [k]: (e.target as HTMLInputElement).checked } })} />
            {' '}{t(kindKey(k))}
          </label>
        ))}
      </fieldset>
      {note && <p class="muted" role="status" id="mail-prefs-note">{note}</p>}
    </form>
  );
}
