// The admin's webhook subscriptions (issue 25; PROTOCOL.md "Webhooks"): the URLs the brand's
// systems are called at, with their events and how their calls went; a new one (its secret
// shown once, to give the receiver); removing one. A chunk of its own: only admins open it.
import { useEffect, useState } from 'preact/hooks';
import type { FairClient } from '../fair/client';
import { errorText, t, type Key } from '../i18n';

const EVENTS = ['order.accepted', 'order.amended', 'order.cancelled', 'order.shipped', 'order.repriced', 'fair.closed'] as const;
type HookEvent = (typeof EVENTS)[number];

interface Webhook {
  id: number; url: string; events: HookEvent[]; fair: number | null; active: boolean; created_at: string;
  pending: number; sent: number; failed: number; last_error: string | null;
}

const eventKey = (e: HookEvent) => `webhook_event_${e.replace('.', '_')}` as Key;

export function WebhooksPage({ client }: { client: FairClient }) {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Set<HookEvent>>(new Set(EVENTS));
  const [fair, setFair] = useState('');
  const [secret, setSecret] = useState('');
  const [made, setMade] = useState<{ id: number; secret: string } | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  const load = () => client.request<{ webhooks: Webhook[] }>('webhook.list')
    .then((r) => setHooks(r.webhooks)).catch((e) => setNote(errorText(e)));
  useEffect(() => { void load(); }, [client]);

  const add = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setMade(null);
    try {
      const args: Record<string, unknown> = { url: url.trim(), events: EVENTS.filter((x) => events.has(x)) };
      if (fair.trim()) args.fair = Number(fair.trim());
      if (secret.trim()) args.secret = secret.trim();
      const r = await client.request<{ webhook: Webhook; secret: string }>('webhook.subscribe', args);
      setMade({ id: r.webhook.id, secret: r.secret });
      setUrl(''); setSecret(''); setFair('');
      setNote('');
      await load();
    } catch (e) {
      setNote(errorText(e as any));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (h: Webhook) => {
    if (!confirm(t('webhook_remove_confirm', { url: h.url }))) return;
    try {
      await client.request('webhook.unsubscribe', { id: h.id });
      setNote(t('webhook_removed', { id: h.id }));
      await load();
    } catch (e) {
      setNote(errorText(e as any));
    }
  };
  const toggle = (e: HookEvent, on: boolean) => {
    const next = new Set(events);
    if (on) next.add(e); else next.delete(e);
    setEvents(next);
  };

  return (
    <section class="webhooks" aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">{t('webhooks_title')}</h1>
      <p class="muted">{t('webhooks_intro')}</p>
      {note && <p class="notice" role="status" id="webhook-note">{note}</p>}
      {made && (
        <p class="notice" role="status" id="webhook-secret">
          {t('webhook_added', { id: made.id })} <code>{made.secret}</code>
        </p>
      )}
      {hooks === null ? <p class="muted">{t('loading')}</p>
        : hooks.length === 0 ? <p class="muted" id="webhooks-none">{t('webhooks_none')}</p>
        : (
          <table class="webhook-list" id="webhook-list">
            <thead>
              <tr><th scope="col">{t('webhook_url')}</th><th scope="col">{t('webhook_events')}</th>
                <th scope="col">{t('webhook_fair')}</th><th scope="col">{t('webhook_calls')}</th><th scope="col"><span class="sr-only">{t('webhook_remove')}</span></th></tr>
            </thead>
            <tbody>
              {hooks.map((h) => (
                <tr key={h.id} data-webhook={h.id} class={h.active ? '' : 'inactive'}>
                  <td class="url">{h.url}{!h.active && <> <strong>{t('webhook_inactive')}</strong></>}</td>
                  <td>{h.events.map((e) => t(eventKey(e))).join('、')}</td>
                  <td>{h.fair ?? t('webhook_all_fairs')}</td>
                  <td>
                    {t('webhook_counts', { pending: h.pending, sent: h.sent, failed: h.failed })}
                    {h.last_error && <div class="muted">{t('webhook_last_error', { error: h.last_error })}</div>}
                  </td>
                  <td>{h.active && <button type="button" class="link" onClick={() => remove(h)}>{t('webhook_remove')}</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      <form class="webhook-form" id="webhook-form" onSubmit={add}>
        <h2>{t('webhook_add')}</h2>
        <label>{t('webhook_url')}{' '}
          <input type="url" id="webhook-url" required maxLength={2000} placeholder="https://erp.example.com/hook"
            value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
        </label>
        <fieldset>
          <legend>{t('webhook_events')}</legend>
          {EVENTS.map((e) => (
            <label class="check">
              <input type="checkbox" data-event={e} checked={events.has(e)}
                onChange={(x) => toggle(e, (x.target as HTMLInputElement).checked)} />{' '}{t(eventKey(e))}
            </label>
          ))}
        </fieldset>
        <label>{t('webhook_fair_in')}{' '}
          <input type="text" inputMode="numeric" id="webhook-fair" value={fair} maxLength={18}
            onInput={(e) => setFair((e.target as HTMLInputElement).value)} />
        </label>
        <label>{t('webhook_secret_in')}{' '}
          <input type="text" id="webhook-secret-in" value={secret} maxLength={200} autoComplete="off"
            onInput={(e) => setSecret((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={busy || events.size === 0}>{t('webhook_add')}</button>
      </form>
    </section>
  );
}
