// The shell: who is logged in, the connection state, the language switch, and the page the
// location's hash names. Logged out: the login form; a temporary password: the new one first.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FairClient } from '../fair/client';
import { FairStore, openQuestions } from '../fair/store';
import { OrderSheet } from '../fair/sheet';
import { savedUser, saveUser } from '../fair/offline';
import type { User } from '../fair/protocol';
import { LANGS, currentLang, dateTime, nameOf, setLang, t, type Key } from '../i18n';
import { lazyComponent, useLanguage, useRoute, useSubscription } from './hooks';
import { Login, PasswordChange } from './login';
import { Lobby } from './lobby';
import { Catalog } from './catalog';
import { ProductPage } from './product';
import { SheetPage } from './sheet';
import { OrdersPage } from './orders';
import { Room } from './room';
import { Inbox } from '../fair/inbox';
import { InboxLink, InboxPage } from './inbox';
import { isManager, isPresenter, isStaff, mayOpen } from './roles';

/** GET path, or POST body to it: JSON, or a file (a Blob: sent as it is, with its type). */
export async function api(path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const file = body instanceof Blob;
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': file ? (body.type || 'application/octet-stream') : 'application/json' },
    body: body === undefined ? undefined : file ? body : JSON.stringify(body),
    credentials: 'same-origin',
  });
  let json: any = null;
  try { json = await res.json(); } catch { /* empty or not JSON */ }
  return { status: res.status, json };
}

export interface FairContext {
  client: FairClient;
  store: FairStore;
  sheet: OrderSheet | null;
  user: User;
  fair: number;
}

export function App({ client }: { client: FairClient }) {
  useLanguage();
  useSubscription(useMemo(() => ({ subscribe: (fn: () => void) => client.onChange(fn) }), [client]));
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const inbox = useMemo(() => new Inbox(client), [client]);

  useEffect(() => {
    // no answer at all (offline, the server down): the user this browser saw last, if any,
    // with what it saved; the client keeps trying and the server decides once it answers
    api('/api/me').then((me) => {
      if (me.status === 200) { saveUser(me.json.user); setUser(me.json.user); }
      else if (me.status === 401) { saveUser(null); setUser(null); }
      else setUser(savedUser());
    }).catch(() => setUser(savedUser()));
  }, []);
  useEffect(() => {
    if (user && !user.must_change_password) client.start();
  }, [user]);
  useEffect(() => {
    if (client.state === 'logged_out' && client.user === null && user) setUser(null);
  }, [client.state]);

  const logout = async () => {
    await api('/api/logout', {}).catch(() => undefined);
    client.stop('logged_out');
    setUser(null);
  };

  return (
    <>
      <Header client={client} user={user ?? null} onLogout={logout} inbox={inbox} />
      <main id="main">
        {user === undefined ? <p class="muted">{t('loading')}</p>
          : user === null ? <Login onLogin={setUser} />
          : user.must_change_password ? <PasswordChange onDone={setUser} />
          : <Pages client={client} user={client.user ?? user} inbox={inbox} />}
      </main>
    </>
  );
}

function Header({ client, user, onLogout, inbox }: { client: FairClient; user: User | null; onLogout: () => void; inbox: Inbox }) {
  const state = user ? client.state : 'logged_out';
  const route = useRoute();
  return (
    <header class="top">
      <a class="brand" href="#/">{t('app_name')}</a>
      {/* before anyone logs in there is no connection to speak of */}
      {user && (
        <span class={`conn conn-${state}`} role="status" aria-live="polite" data-state={state}>
          {t(`conn_${state}` as Key)}
        </span>
      )}
      <span class="spacer" />
      <label class="lang">
        <span class="sr-only">{t('language_switch')}</span>
        <select value={currentLang()} onChange={(e) => void setLang((e.target as HTMLSelectElement).value as any)}>
          {LANGS.map((l) => <option value={l.id}>{l.label}</option>)}
        </select>
      </label>
      {user && (
        <>
          <InboxLink inbox={inbox} />
          {user.role === 'admin' && <a href="#/accounts" class="admin-link" id="accounts-link"
            aria-current={route === '/accounts' ? 'page' : undefined}>{t('accounts_link')}</a>}
          {user.role === 'admin' && <a href="#/webhooks" class="admin-link" id="webhooks-link"
            aria-current={route === '/webhooks' ? 'page' : undefined}>{t('webhooks_link')}</a>}
          {user.dealer && <a href="#/points" class="points-link" id="points-link"
            aria-current={route === '/points' ? 'page' : undefined}>{t('points_link')}</a>}
          <span class="who" id="who">{user.dealer ? user.dealer.name : user.name}</span>
          <button type="button" class="link" id="logout" onClick={onLogout}>{t('log_out')}</button>
        </>
      )}
    </header>
  );
}


/** The staff's pages, fetched the first time one is opened (the dealers' pages never are). */
const LazyStaff = lazyComponent<{ ctx: FairContext; page: string; id: number }>(() => import('./staff').then((m) => m.default));
/** The admin's accounts and dealers, a chunk of its own. */
const LazyAccounts = lazyComponent<{ client: FairClient }>(() => import('./accounts').then((m) => m.AccountsPage));
/** The admin's webhooks, a chunk of its own. */
const LazyWebhooks = lazyComponent<{ client: FairClient }>(() => import('./webhooks').then((m) => m.WebhooksPage));
/** The dealer's ship-to addresses, a chunk of its own. */
const LazyAddresses = lazyComponent<{ client: FairClient }>(() => import('./addresses').then((m) => m.AddressesPage));
/** The dealer's points, a chunk of its own: not part of what a phone downloads to start. */
const LazyPoints = lazyComponent<{ client: FairClient }>(() => import('./points').then((m) => m.PointsPage));

/** The page for the route: #/ lobby; #/inbox the user's messages; #/accounts an admin's accounts and dealers;
 * #/webhooks an admin's webhooks; #/addresses a dealer's ship-to addresses; #/points a dealer's points;
 * #/fair/ID[/catalog|/product/PID|/sheet|/orders|/console|/queue|/dashboard|/bigscreen|/manage|/behalf/DEALER|/dealers]. */
function Pages({ client, user, inbox }: { client: FairClient; user: User; inbox: Inbox }) {
  const route = useRoute();
  const store = useMemo(() => new FairStore(client), [client]);
  const m = route.match(/^\/fair\/(\d+)(?:\/(catalog|product|sheet|orders|console|queue|dashboard|bigscreen|manage|behalf|dealers))?(?:\/(\d+))?/);
  const fair = m ? Number(m[1]) : 0;
  const sheet = useMemo(
    () => (fair && user.dealer ? new OrderSheet(client, fair, user.dealer.id) : null), [client, fair, user.dealer?.id]);

  useEffect(() => {
    if (!fair) return;
    void store.open(fair).catch(() => {});
    void sheet?.load();
  }, [fair, sheet]);
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [route]);

  if (route === '/inbox') return <InboxPage inbox={inbox} client={client} />;
  if (route === '/accounts' && user.role === 'admin') return <LazyAccounts client={client} />;
  if (route === '/webhooks' && user.role === 'admin') return <LazyWebhooks client={client} />;
  if (route === '/points' && user.dealer) return <LazyPoints client={client} />;
  if (route === '/addresses' && user.dealer) return <LazyAddresses client={client} />;
  if (!fair) return <Lobby client={client} />;
  const ctx: FairContext = { client, store, sheet, user, fair };
  return (
    <>
      <FairNav ctx={ctx} page={m?.[2] ?? 'room'} />
      <SavedCopyNotice store={store} />
      {m?.[2] === 'catalog' ? <Catalog ctx={ctx} />
        : m?.[2] === 'product' ? <ProductPage ctx={ctx} product={Number(m[3])} />
        : m?.[2] === 'sheet' ? <SheetPage ctx={ctx} />
        : m?.[2] === 'orders' ? <OrdersPage ctx={ctx} />
        : mayOpen(m?.[2], user) ? <LazyStaff ctx={ctx} page={m![2]} id={Number(m![3] ?? 0)} />
        : <Room ctx={ctx} />}
    </>
  );
}

/** Says so while the fair shown is this browser's saved copy, not yet the server's. */
function SavedCopyNotice({ store }: { store: FairStore }) {
  useSubscription(store);
  const savedAt = store.view.savedAt;
  if (!savedAt) return null;
  return (
    <p class="notice offline-copy" role="status" id="offline-copy">
      {t('offline_copy', { time: dateTime(new Date(savedAt).toISOString(), store.view.fair?.timezone ?? 'Asia/Shanghai') })}
    </p>
  );
}

function FairNav({ ctx, page }: { ctx: FairContext; page: string }) {
  useSubscription(ctx.store);
  useSubscription(ctx.sheet);
  const units = ctx.sheet ? [...ctx.sheet.lines.values()].reduce((a, b) => a + b, 0) : 0;
  const base = `#/fair/${ctx.fair}`;
  // a rep working in another tab sees the open questions in this tab's title
  const n = isPresenter(ctx.user) ? openQuestions(ctx.store.view.chat).length : 0;
  const open = n ? String(n) : '';
  const fair = ctx.store.view.fair;
  useEffect(() => {
    document.title = `${open ? `(${open}) ` : ''}${fair ? nameOf(fair) : t('app_name')}`;
  }, [open, fair?.name, fair?.name_en, currentLang()]);
  const link = (to: string, key: Key, extra?: string) => (
    <a href={`${base}${to}`} aria-current={page === (to.slice(1) || 'room') ? 'page' : undefined}>
      {t(key)}{extra && <span class="badge">{extra}</span>}
    </a>
  );
  return (
    <nav class="fairnav" aria-label={fair ? nameOf(fair) : ''}>
      <a href="#/" class="back">‹ {t('lobby')}</a>
      <strong class="fairname">{fair ? nameOf(fair) : ''}</strong>
      {link('', 'room')}
      {link('/catalog', 'catalog')}
      {ctx.sheet && link('/sheet', 'sheet', units ? String(units) : undefined)}
      {ctx.sheet && link('/orders', 'my_orders')}
      {isPresenter(ctx.user) && link('/console', 'console', open || undefined)}
      {isStaff(ctx.user) && link('/dealers', 'dealers')}
      {isPresenter(ctx.user) && link('/queue', 'processing')}
      {isStaff(ctx.user) && link('/dashboard', 'dashboard')}
      {isManager(ctx.user) && link('/manage', 'manage')}
    </nav>
  );
}
