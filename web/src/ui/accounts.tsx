// The administrator's accounts page (账号与经销商, #/accounts): every login and every dealer,
// found by a word. During a fair the admin resets a forgotten password (the temporary one shown
// once), shuts an account out or lets it back in, changes a rep's regions or a staff role, and
// changes a dealer's credit limit, tier, region or name; before it, makes a dealer and its
// first account, or a staff account. admin.users.list, admin.dealers.list, admin.user.create,
// admin.user.update, admin.dealer.create, admin.dealer.update. A chunk of its own: only admins
// open it.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { FairClient, FairError } from '../fair/client';
import { dateTime, errorText, money, moneyInput, number, parseMoney, t, zoneLabel, type Key } from '../i18n';
import { fieldValue, useNewest } from './hooks';
import { Pager } from './pager';
import { AddressBook } from './addresses';

type Role = 'dealer' | 'rep' | 'manager' | 'admin';
const ROLES: Role[] = ['dealer', 'rep', 'manager', 'admin'];
const STAFF_ROLES: Role[] = ['rep', 'manager', 'admin'];

interface Account {
  id: number; login: string; name: string; role: Role; regions: string[]; disabled: boolean;
  must_change_password: boolean; created_at: string; last_login: string | null;
  /** until when its failed logins shut it out (a password reset lets it in), or null */
  shut_out_until: string | null;
  dealer: { id: number; code: string; name: string; region: string; tier: string } | null;
}
interface Dealer {
  id: number; code: string; name: string; region: string; tier: string; credit_limit: number;
  key_dealer: boolean; users: number;
}
/** A temporary password to hand over, shown once. */
interface Handover { login: string; password: string }

const PAGE = 50;
const roleKey = (r: Role) => `role_${r}` as Key;
/** The admin's own clock: the accounts belong to no fair. */
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const regionList = (text: string) => text.split(/[,，、]/).map((s) => s.trim()).filter(Boolean);

export function AccountsPage({ client }: { client: FairClient }) {
  const [tab, setTab] = useState<'users' | 'dealers'>('users');
  const [handover, setHandover] = useState<Handover | null>(null);
  /** The dealer whose accounts are listed, or for whom an account is being made. */
  const [dealer, setDealer] = useState<Dealer | null>(null);
  const [reload, setReload] = useState(0);
  // credit limits are in the money the brand's fairs order in
  const currency = client.fairs[0]?.currency ?? 'CNY';
  const tabButton = (id: 'users' | 'dealers', key: Key) => (
    <button type="button" id={`accounts-tab-${id}`} aria-pressed={tab === id} class={tab === id ? 'on' : ''}
      onClick={() => setTab(id)}>{t(key)}</button>
  );
  return (
    <section class="accounts" aria-labelledby="accounts-title">
      <h1 id="accounts-title">{t('accounts_title')}</h1>
      <p class="muted">{t('accounts_intro')}</p>
      <div class="row segmented" role="group" aria-label={t('accounts_title')}>
        {tabButton('users', 'accounts_users')}{tabButton('dealers', 'accounts_dealers')}
      </div>
      {handover && <HandoverNotice handover={handover} onDone={() => setHandover(null)} />}
      {tab === 'users'
        ? <Users client={client} dealer={dealer} onDealerClear={() => setDealer(null)} onHandover={setHandover}
            reload={reload} onMade={() => setReload(reload + 1)} />
        : <Dealers client={client} currency={currency}
            onAccounts={(d) => { setDealer(d); setTab('users'); }} />}
    </section>
  );
}

function HandoverNotice({ handover, onDone }: { handover: Handover; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = () => navigator.clipboard?.writeText(handover.password).then(() => setCopied(true), () => undefined);
  return (
    <div class="notice handover" role="status" id="account-password">
      <p>{t('account_password_is', { login: handover.login })} <code id="account-password-value">{handover.password}</code>{' '}
        <button type="button" class="link" onClick={copy}>{copied ? t('copied') : t('copy')}</button></p>
      <p class="small">{t('account_password_once')}</p>
      <button type="button" onClick={onDone}>{t('account_password_done')}</button>
    </div>
  );
}

function Users({ client, dealer, onDealerClear, onHandover, reload, onMade }: {
  client: FairClient; dealer: Dealer | null; onDealerClear: () => void; onHandover: (h: Handover) => void;
  reload: number; onMade: () => void;
}) {
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [page, setPage] = useState(0);
  const [rows, setRows] = useState<Account[] | null>(null);
  const [total, setTotal] = useState(0);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const newest = useNewest();
  const load = () => newest(client.request<{ total: number; users: Account[] }>('admin.users.list', {
    limit: PAGE, offset: page * PAGE, ...(q.trim() ? { q: q.trim() } : {}), ...(role ? { role } : {}),
    ...(dealer ? { dealer: dealer.id } : {}),
  }), (r) => { setRows(r.users); setTotal(r.total); }, (e) => setNote({ ok: false, text: errorText(e) }));
  useEffect(() => { void load(); }, [q, role, page, dealer?.id, reload, client.state === 'live']);

  const update = async (u: Account, change: Record<string, unknown>, done: Key) => {
    try {
      const r = await client.request<{ user: Account; temporary_password?: string }>('admin.user.update', { user: u.id, ...change });
      if (r.temporary_password) onHandover({ login: u.login, password: r.temporary_password });
      setNote({ ok: true, text: t(done, { login: u.login }) });
      setEditing(null);
      await load();
    } catch (e) {
      setNote({ ok: false, text: errorText(e as FairError) });
    }
  };
  const reset = (u: Account) => {
    if (confirm(t('account_reset_confirm', { login: u.login }))) void update(u, { reset_password: true }, 'account_reset_done');
  };
  const disable = (u: Account, off: boolean) => {
    if (!off || confirm(t('account_disable_confirm', { login: u.login }))) {
      void update(u, { disabled: off }, off ? 'account_disabled_done' : 'account_enabled_done');
    }
  };
  const me = client.user?.id;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  return (
    <>
      <section class="panel" aria-labelledby="users-title">
        <h2 id="users-title">{t('accounts_users')}</h2>
        <form class="row wrap" role="search" onSubmit={(e) => e.preventDefault()}>
          <label class="grow"><span class="sr-only">{t('accounts_search')}</span>
            <input type="search" id="users-q" value={q} maxLength={100} placeholder={t('accounts_search')}
              onInput={(e) => { setQ(fieldValue(e)); setPage(0); }} /></label>
          <label>{t('account_role')}{' '}
            <select id="users-role" value={role} onChange={(e) => { setRole(fieldValue(e) as Role | ''); setPage(0); }}>
              <option value="">{t('role_all')}</option>
              {ROLES.map((r) => <option value={r}>{t(roleKey(r))}</option>)}
            </select></label>
          {dealer && (
            <span class="tag" id="users-dealer">{t('accounts_of', { name: dealer.name })}{' '}
              <button type="button" class="link" onClick={() => { onDealerClear(); setPage(0); }}>{t('accounts_all')}</button></span>
          )}
          <span class="muted small" id="users-total">{t('accounts_found', { n: number(total) })}</span>
        </form>
        {note && <p class={note.ok ? 'notice' : 'error'} role={note.ok ? 'status' : 'alert'} id="users-note">{note.text}</p>}
        <div class="scroll-x">
          <table class="rank account-table" id="users-table">
            <thead><tr>
              <th scope="col">{t('login')}</th><th scope="col">{t('account_name')}</th><th scope="col">{t('account_role')}</th>
              <th scope="col">{t('account_scope')}</th><th scope="col">{t('account_state')}</th>
              <th scope="col">{t('account_last_login')}</th><th scope="col"><span class="sr-only">{t('account_actions')}</span></th>
            </tr></thead>
            <tbody>{(rows ?? []).map((u) => (<Fragment key={u.id}>
              <tr data-user={u.id} data-login={u.login} class={u.disabled ? 'inactive' : ''}>
                <td data-label={t('login')}><code>{u.login}</code></td>
                <td data-label={t('account_name')}>{u.name}</td>
                <td data-label={t('account_role')}>{t(roleKey(u.role))}</td>
                <td data-label={t('account_scope')} class="small">{u.dealer ? <>{u.dealer.name}<br /><span class="muted">{u.dealer.code} · {u.dealer.region} · {t('tier_n', { t: u.dealer.tier })}</span></>
                  : u.role === 'rep' ? (u.regions.length ? u.regions.join('、') : <span class="muted">{t('account_all_regions')}</span>)
                  : <span class="muted">—</span>}</td>
                <td data-label={t('account_state')} class="account-state">{u.disabled ? <strong>{t('account_disabled')}</strong>
                  : u.must_change_password ? t('account_temporary') : t('account_active')}
                  {u.shut_out_until && !u.disabled && (
                    <div class="warning small shut-out">{t('account_shut_out', { time: dateTime(u.shut_out_until, ZONE) })}</div>
                  )}</td>
                <td data-label={t('account_last_login')} class="small">{u.last_login ? dateTime(u.last_login, ZONE) : <span class="muted">{t('account_never')}</span>}</td>
                <td class="actions">
                  {u.id !== me && <>
                    <button type="button" class="link" data-action="reset" onClick={() => reset(u)}>{t('account_reset')}</button>
                    <button type="button" class="link" data-action={u.disabled ? 'enable' : 'disable'}
                      onClick={() => disable(u, !u.disabled)}>{t(u.disabled ? 'account_enable' : 'account_disable')}</button>
                    {u.role !== 'dealer' && <button type="button" class="link" data-action="edit" aria-expanded={editing === u.id}
                      onClick={() => setEditing(editing === u.id ? null : u.id)}>{t('account_edit')}</button>}
                  </>}
                </td>
              </tr>
              {editing === u.id && (
                <tr class="edit-row" data-edit-login={u.login}><td colSpan={7}>
                  <StaffEdit account={u} onSave={(change) => update(u, change, 'account_saved')} />
                </td></tr>
              )}
            </Fragment>))}</tbody>
          </table>
        </div>
        {rows?.length === 0 ? <p class="muted" id="users-none">{t('accounts_none')}</p>
          : <p class="muted small">{t('time_in_zone', { zone: zoneLabel(ZONE) })}</p>}
        <Pager page={page} pages={pages} onPage={setPage} />
      </section>
      <NewAccount client={client} dealer={dealer} onHandover={onHandover} onMade={onMade} />
    </>
  );
}

/** A staff account's role and, for a rep, its regions (either change logs it out). */
function StaffEdit({ account, onSave }: { account: Account; onSave: (change: Record<string, unknown>) => void }) {
  const [role, setRole] = useState<Role>(account.role);
  const [regions, setRegions] = useState(account.regions.join('、'));
  const submit = (e: Event) => {
    e.preventDefault();
    const change: Record<string, unknown> = {};
    if (role !== account.role) change.role = role;
    const list = regionList(regions);
    if (role === 'rep' && list.join('\n') !== account.regions.join('\n')) change.regions = list;
    if (Object.keys(change).length && confirm(t('account_edit_confirm', { login: account.login }))) onSave(change);
  };
  return (
    <form class="row wrap staff-edit" onSubmit={submit}>
      <label>{t('account_role')}{' '}
        <select class="edit-role" value={role} onChange={(e) => setRole(fieldValue(e) as Role)}>
          {STAFF_ROLES.map((r) => <option value={r}>{t(roleKey(r))}</option>)}
        </select></label>
      {role === 'rep' && (
        <label>{t('account_regions')}{' '}
          <input type="text" class="edit-regions" value={regions} maxLength={2000} placeholder={t('account_regions_hint')}
            onInput={(e) => setRegions(fieldValue(e))} /></label>
      )}
      <button type="submit" class="primary">{t('save')}</button>
    </form>
  );
}

/** A new account: staff, or a dealer's (an existing dealer, found by its code). Without a
 * password the server makes a temporary one. */
function NewAccount({ client, dealer, onHandover, onMade }: {
  client: FairClient; dealer: Dealer | null; onHandover: (h: Handover) => void; onMade: () => void;
}) {
  const [login, setLogin] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('dealer');
  const [code, setCode] = useState('');
  const [found, setFound] = useState<Dealer[]>([]);
  const [regions, setRegions] = useState('');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const newest = useNewest();
  useEffect(() => { if (dealer) { setRole('dealer'); setCode(dealer.code); } }, [dealer?.id]);
  // the dealers whose code or name has what is typed, offered as the admin types
  useEffect(() => {
    if (role !== 'dealer' || !code.trim()) { setFound([]); return; }
    const timer = setTimeout(() => {
      void newest(client.request<{ dealers: Dealer[] }>('admin.dealers.list', { q: code.trim(), limit: 8 }),
        (r) => setFound(r.dealers), () => setFound([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [code, role]);
  const chosen = found.find((d) => d.code.toLowerCase() === code.trim().toLowerCase())
    ?? (dealer && dealer.code === code.trim() ? dealer : null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (role === 'dealer' && !chosen) { setResult({ ok: false, text: t('account_no_dealer', { code: code.trim() }) }); return; }
    setBusy(true);
    try {
      const r = await client.request<{ user: Account; temporary_password?: string }>('admin.user.create', {
        login: login.trim(), name: name.trim(), role,
        ...(role === 'dealer' ? { dealer: chosen!.id } : {}),
        ...(role === 'rep' ? { regions: regionList(regions) } : {}),
        ...(password ? { password } : {}),
      });
      onHandover({ login: r.user.login, password: r.temporary_password ?? password });
      setResult({ ok: true, text: t('account_made', { login: r.user.login }) });
      setLogin(''); setName(''); setPassword(''); setRegions('');
      onMade();
    } catch (err) {
      setResult({ ok: false, text: errorText(err as FairError) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="new-account-title">
      <h2 id="new-account-title">{t('account_new')}</h2>
      <form class="form-grid" id="new-account" onSubmit={submit}>
        <label>{t('account_role')}{' '}
          <select id="new-account-role" value={role} onChange={(e) => setRole(fieldValue(e) as Role)}>
            {ROLES.map((r) => <option value={r}>{t(roleKey(r))}</option>)}
          </select></label>
        {role === 'dealer' && (
          <label>{t('account_dealer_code')}{' '}
            <input type="text" id="new-account-dealer" list="new-account-dealers" required maxLength={32} value={code}
              autoComplete="off" onInput={(e) => setCode(fieldValue(e))} />
            <datalist id="new-account-dealers">
              {found.map((d) => <option value={d.code}>{d.name} · {d.region}</option>)}
            </datalist>
            <span class="muted small" id="new-account-dealer-name">{chosen ? `${chosen.name} · ${chosen.region} · ${t('tier_n', { t: chosen.tier })}` : ''}</span>
          </label>
        )}
        <label>{t('login')}{' '}
          <input type="text" id="new-account-login" required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9_.@\-]*" autoComplete="off"
            value={login} onInput={(e) => setLogin(fieldValue(e))} /></label>
        <label>{t('account_name')}{' '}
          <input type="text" id="new-account-name" required maxLength={200} value={name} onInput={(e) => setName(fieldValue(e))} /></label>
        {role === 'rep' && (
          <label>{t('account_regions')}{' '}
            <input type="text" id="new-account-regions" maxLength={2000} placeholder={t('account_regions_hint')}
              value={regions} onInput={(e) => setRegions(fieldValue(e))} /></label>
        )}
        <label>{t('account_password')}{' '}
          <input type="text" id="new-account-password" minLength={8} maxLength={256} autoComplete="off"
            placeholder={t('account_password_hint')} value={password} onInput={(e) => setPassword(fieldValue(e))} /></label>
        <button type="submit" class="primary" id="new-account-save" disabled={busy}>{t('account_make')}</button>
      </form>
      {result && <p class={result.ok ? 'notice' : 'error'} role={result.ok ? 'status' : 'alert'} id="new-account-result">{result.text}</p>}
    </section>
  );
}

function Dealers({ client, currency, onAccounts }: { client: FairClient; currency: string; onAccounts: (d: Dealer) => void }) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const [rows, setRows] = useState<Dealer[] | null>(null);
  const [total, setTotal] = useState(0);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const newest = useNewest();
  const load = () => newest(client.request<{ total: number; dealers: Dealer[] }>('admin.dealers.list', {
    limit: PAGE, offset: page * PAGE, ...(q.trim() ? { q: q.trim() } : {}),
  }), (r) => { setRows(r.dealers); setTotal(r.total); }, (e) => setNote({ ok: false, text: errorText(e) }));
  useEffect(() => { void load(); }, [q, page, client.state === 'live']);

  const save = async (d: Dealer, change: Record<string, unknown>) => {
    try {
      await client.request('admin.dealer.update', { dealer: d.id, ...change });
      setNote({ ok: true, text: t('dealer_saved', { name: (change.name as string) ?? d.name }) });
      setEditing(null);
      await load();
    } catch (e) {
      setNote({ ok: false, text: errorText(e as FairError) });
    }
  };
  const pages = Math.max(1, Math.ceil(total / PAGE));
  return (
    <>
      <section class="panel" aria-labelledby="dealers-title">
        <h2 id="dealers-title">{t('accounts_dealers')}</h2>
        <form class="row wrap" role="search" onSubmit={(e) => e.preventDefault()}>
          <label class="grow"><span class="sr-only">{t('dealers_search')}</span>
            <input type="search" id="dealers-q" value={q} maxLength={100} placeholder={t('dealers_search')}
              onInput={(e) => { setQ(fieldValue(e)); setPage(0); }} /></label>
          <span class="muted small" id="dealers-found">{t('dealers_found', { n: number(total) })}</span>
        </form>
        {note && <p class={note.ok ? 'notice' : 'error'} role={note.ok ? 'status' : 'alert'} id="dealers-note">{note.text}</p>}
        <div class="scroll-x">
          <table class="rank account-table" id="dealer-table">
            <thead><tr>
              <th scope="col">{t('dealer_code')}</th><th scope="col">{t('dealer')}</th><th scope="col">{t('region')}</th>
              <th scope="col">{t('dealer_tier')}</th><th scope="col" class="num">{t('dealer_credit')}</th>
              <th scope="col" class="num">{t('dealer_accounts')}</th><th scope="col"><span class="sr-only">{t('account_actions')}</span></th>
            </tr></thead>
            <tbody>{(rows ?? []).map((d) => (<Fragment key={d.id}>
              <tr data-dealer={d.id} data-code={d.code}>
                <td data-label={t('dealer_code')}><code>{d.code}</code></td>
                <td data-label={t('dealer')}>{d.name}{d.key_dealer && <span class="tag must">{t('key_dealer')}</span>}</td>
                <td data-label={t('region')}>{d.region}</td>
                <td data-label={t('dealer_tier')}>{t('tier_n', { t: d.tier })}</td>
                <td data-label={t('dealer_credit')} class="num credit">{money(d.credit_limit, currency)}</td>
                <td data-label={t('dealer_accounts')} class="num">{number(d.users)}</td>
                <td class="actions">
                  <button type="button" class="link" data-action="accounts" onClick={() => onAccounts(d)}>{t('dealer_accounts_open')}</button>
                  <button type="button" class="link" data-action="edit" aria-expanded={editing === d.id}
                    onClick={() => setEditing(editing === d.id ? null : d.id)}>{t('account_edit')}</button>
                </td>
              </tr>
              {editing === d.id && (
                <tr class="edit-row" data-edit-dealer={d.id}><td colSpan={7}>
                  <DealerEdit dealer={d} currency={currency} onSave={(change) => save(d, change)} />
                  <h3 class="small">{t('addresses_title')}</h3>
                  <AddressBook client={client} dealer={d.id} />
                </td></tr>
              )}
            </Fragment>))}</tbody>
          </table>
        </div>
        {rows?.length === 0 && <p class="muted">{t('dealers_none')}</p>}
        <Pager page={page} pages={pages} onPage={setPage} />
      </section>
      <NewDealer client={client} currency={currency} onMade={(d) => { void load(); onAccounts(d); }} />
    </>
  );
}

/** The fields a dealer has, as a form: for a change (what differs is sent) or a new dealer. */
function useDealerFields(start: Partial<Dealer>, currency: string) {
  const [name, setName] = useState(start.name ?? '');
  const [region, setRegion] = useState(start.region ?? '');
  const [tier, setTier] = useState(start.tier ?? 'A');
  const [credit, setCredit] = useState(start.credit_limit === undefined ? '' : moneyInput(start.credit_limit, currency));
  const [key, setKey] = useState(start.key_dealer ?? false);
  /** The fields, or the words of the first one that is wrong. */
  const read = (): Record<string, unknown> | string => {
    const fen = credit.trim() ? parseMoney(credit, currency) : 0;
    if (fen === null) return t('bad_money');
    if (!/^[A-Z]$/.test(tier)) return t('dealer_bad_tier');
    return { name: name.trim(), region: region.trim(), tier, credit_limit: fen, key_dealer: key };
  };
  const fields = (
    <>
      <label>{t('dealer')}{' '}
        <input type="text" class="dealer-name" required maxLength={200} value={name} onInput={(e) => setName(fieldValue(e))} /></label>
      <label>{t('region')}{' '}
        <input type="text" class="dealer-region" required maxLength={64} value={region} onInput={(e) => setRegion(fieldValue(e))} /></label>
      <label>{t('dealer_tier')}{' '}
        <input type="text" class="dealer-tier" required maxLength={1} size={2} value={tier}
          onInput={(e) => setTier(fieldValue(e).toUpperCase())} /></label>
      <label>{t('dealer_credit')}{' '}
        <input type="text" inputMode="decimal" class="dealer-credit" maxLength={20} value={credit}
          onInput={(e) => setCredit(fieldValue(e))} /></label>
      <label class="check"><input type="checkbox" class="dealer-key" checked={key}
        onChange={(e) => setKey((e.target as HTMLInputElement).checked)} /> {t('key_dealer')}</label>
    </>
  );
  return { fields, read };
}

function DealerEdit({ dealer, currency, onSave }: { dealer: Dealer; currency: string; onSave: (change: Record<string, unknown>) => void }) {
  const { fields, read } = useDealerFields(dealer, currency);
  const [why, setWhy] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    const all = read();
    if (typeof all === 'string') { setWhy(all); return; }
    const change = Object.fromEntries(Object.entries(all).filter(([k, v]) => (dealer as any)[k] !== v));
    if (!Object.keys(change).length) { setWhy(t('dealer_unchanged')); return; }
    // a new tier or region logs the dealer's accounts out (their sessions keep the old ones)
    if ((change.tier || change.region) && dealer.users > 0
      && !confirm(t('dealer_relogin_confirm', { name: dealer.name, n: dealer.users }))) return;
    setWhy('');
    onSave(change);
  };
  return (
    <form class="form-grid dealer-edit" onSubmit={submit}>
      {fields}
      <button type="submit" class="primary">{t('save')}</button>
      {why && <p class="error" role="alert">{why}</p>}
    </form>
  );
}

/** A new dealer with its ship-to address; then its first account is made on the accounts tab. */
function NewDealer({ client, currency, onMade }: { client: FairClient; currency: string; onMade: (d: Dealer) => void }) {
  const { fields, read } = useDealerFields({}, currency);
  const [code, setCode] = useState('');
  const [recipient, setRecipient] = useState('');
  const [phone, setPhone] = useState('');
  const [address, setAddress] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const all = read();
    if (typeof all === 'string') { setResult({ ok: false, text: all }); return; }
    if (!recipient.trim() !== !address.trim()) { setResult({ ok: false, text: t('dealer_address_half') }); return; }
    setBusy(true);
    try {
      const r = await client.request<{ dealer: Dealer }>('admin.dealer.create', {
        ...all, ...(code.trim() ? { code: code.trim() } : {}),
        ...(address.trim() ? { addresses: [{ recipient: recipient.trim(), address: address.trim(), phone: phone.trim() }] } : {}),
      });
      setResult({ ok: true, text: t('dealer_made', { name: r.dealer.name, code: r.dealer.code }) });
      onMade({ ...r.dealer, users: 0 });
    } catch (err) {
      setResult({ ok: false, text: errorText(err as FairError) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="new-dealer-title">
      <h2 id="new-dealer-title">{t('dealer_new')}</h2>
      <form class="form-grid" id="new-dealer" onSubmit={submit}>
        <label>{t('dealer_code')}{' '}
          <input type="text" id="new-dealer-code" maxLength={32} pattern="[A-Za-z0-9_\-]+" placeholder={t('dealer_code_hint')}
            value={code} onInput={(e) => setCode(fieldValue(e))} /></label>
        {fields}
        <label>{t('dealer_recipient')}{' '}
          <input type="text" id="new-dealer-recipient" maxLength={100} value={recipient} onInput={(e) => setRecipient(fieldValue(e))} /></label>
        <label>{t('dealer_phone')}{' '}
          <input type="tel" id="new-dealer-phone" maxLength={40} value={phone} onInput={(e) => setPhone(fieldValue(e))} /></label>
        <label class="wide">{t('dealer_address')}{' '}
          <input type="text" id="new-dealer-address" maxLength={500} value={address} onInput={(e) => setAddress(fieldValue(e))} /></label>
        <button type="submit" class="primary" id="new-dealer-save" disabled={busy}>{t('dealer_make')}</button>
      </form>
      {result && <p class={result.ok ? 'notice' : 'error'} role={result.ok ? 'status' : 'alert'} id="new-dealer-result">{result.text}</p>}
    </section>
  );
}
