// The lobby: live fairs first, upcoming ones with a countdown, closed ones with my orders.
// Every time is shown in the fair's own zone, labelled with it. An administrator makes a new
// fair here (fair-create.tsx).
import { useEffect, useState } from 'preact/hooks';
import type { FairClient } from '../fair/client';
import type { Fair } from '../fair/protocol';
import { dateTime, duration, money, nameOf, t, zoneLabel, type Key } from '../i18n';
import { lazyComponent, useNow } from './hooks';

/** An administrator's new fair, a chunk of its own: dealers never load it. */
const LazyFairCreate = lazyComponent<{ client: FairClient }>(() => import('./fair-create').then((m) => m.FairCreate));

export function Lobby({ client }: { client: FairClient }) {
  const [fairs, setFairs] = useState<Fair[]>(client.fairs);
  const now = useNow(1000, client.clockSkewMs);
  useEffect(() => {
    client.request<{ fairs: Fair[] }>('fairs.list', { limit: 100 }).then((r) => setFairs(r.fairs)).catch(() => {});
  }, [client.state === 'live']);

  // the status as of now by the fair's times (a paused fair stays paused)
  const status = (f: Fair) => {
    if (f.status === 'paused' || f.status === 'closed') return f.status;
    const s = Date.parse(f.starts_at);
    const e = Date.parse(f.ends_at);
    return now < s ? 'scheduled' : now < e ? 'live' : 'closed';
  };
  const groups: [Key, Fair[]][] = [
    ['live_now', fairs.filter((f) => ['live', 'paused'].includes(status(f)))],
    ['upcoming', fairs.filter((f) => status(f) === 'scheduled').sort((a, b) => a.starts_at.localeCompare(b.starts_at))],
    ['closed_fairs', fairs.filter((f) => status(f) === 'closed')],
  ];
  return (
    <section id="fairs-view" class="lobby">
      <h1>{t('fairs')}</h1>
      {client.user?.role === 'admin' && <LazyFairCreate client={client} />}
      {!fairs.length && <p class="muted">{t('no_fairs')}</p>}
      {groups.filter(([, list]) => list.length).map(([title, list]) => (
        <section aria-labelledby={`g-${title}`}>
          <h2 id={`g-${title}`}>{t(title)}</h2>
          <ul class="fairs">
            {list.map((f) => {
              const st = status(f);
              return (
                <li class={`fair fair-${st}`} data-fair={f.id}>
                  <div class="fair-head">
                    <a class="fair-name" href={`#/fair/${f.id}`}>{nameOf(f)}</a>
                    <span class={`fair-status ${st}`}>{t(`status_${st}` as Key)}</span>
                  </div>
                  <p class="muted">
                    {f.season} · <time dateTime={f.starts_at}>{dateTime(f.starts_at, f.timezone)}</time>
                    {' – '}<time dateTime={f.ends_at}>{dateTime(f.ends_at, f.timezone)}</time>
                    {' '}<span class="zone">{t('time_in_zone', { zone: zoneLabel(f.timezone) })}</span>
                  </p>
                  {st === 'scheduled' && <p class="countdown">{t('opens_in', { t: duration(Date.parse(f.starts_at) - now) })}</p>}
                  {st === 'live' && <p class="countdown">{t('closes_in', { t: duration(Date.parse(f.ends_at) - now) })}</p>}
                  {f.mine && (
                    <p class="mine" data-orders={f.mine.orders}>
                      {f.mine.orders ? t('lobby_mine', { n: f.mine.orders, amount: money(f.mine.payable, f.currency) }) : t('lobby_mine_none')}
                    </p>
                  )}
                  <p class="actions">
                    {st !== 'closed' && <a class="button primary" href={`#/fair/${f.id}`}>{t('enter_fair')}</a>}
                    {client.user?.dealer && <a class="button" href={`#/fair/${f.id}/orders`}>{t('my_orders')}</a>}
                  </p>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </section>
  );
}
