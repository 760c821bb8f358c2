// A dealer's ship-to addresses (收货地址): the dealer's own page (#/addresses) and, for an
// administrator, the dealer's row on the accounts page. Listed with the default first; one
// added, changed, made the default or removed (addresses.list, address.save, address.remove:
// every change audited; orders keep the address they shipped to). A chunk of its own.
import { useEffect, useState } from 'preact/hooks';
import type { FairClient, FairError } from '../fair/client';
import type { SavedAddress } from '../fair/protocol';
import { errorText, t } from '../i18n';
import { fieldValue } from './hooks';

type Fields = Pick<SavedAddress, 'label' | 'recipient' | 'phone' | 'address'>;
const EMPTY: Fields = { label: '', recipient: '', phone: '', address: '' };

/** The dealer's own page. */
export function AddressesPage({ client }: { client: FairClient }) {
  return (
    <section class="addresses-page" aria-labelledby="addresses-title">
      {/* back where the dealer came from (the sheet) */}
      {history.length > 1 && <button type="button" class="link" id="addresses-back" onClick={() => history.back()}>‹ {t('back')}</button>}
      <h1 id="addresses-title">{t('addresses_title')}</h1>
      <p class="muted">{t('addresses_intro')}</p>
      <AddressBook client={client} />
    </section>
  );
}

/** The addresses of the caller's dealer, or of `dealer` (the staff). */
export function AddressBook({ client, dealer }: { client: FairClient; dealer?: number }) {
  const [list, setList] = useState<SavedAddress[] | null>(null);
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const whose = dealer ? { dealer } : {};
  useEffect(() => {
    client.request<{ addresses: SavedAddress[] }>('addresses.list', whose)
      .then((r) => setList(r.addresses)).catch((e) => setNote({ ok: false, text: errorText(e) }));
  }, [dealer, client.state === 'live']);

  const call = async (op: string, args: Record<string, unknown>, done: string) => {
    setBusy(true);
    try {
      const r = await client.request<{ addresses: SavedAddress[] }>(op, { ...whose, ...args });
      setList(r.addresses);
      setEditing(null);
      setNote({ ok: true, text: done });
    } catch (e) {
      setNote({ ok: false, text: errorText(e as FairError) });
    } finally {
      setBusy(false);
    }
  };
  const remove = (a: SavedAddress) => {
    if (confirm(t('address_remove_confirm', { address: a.address }))) void call('address.remove', { id: a.id }, t('address_removed'));
  };

  return (
    <div class="address-book">
      {note && <p class={note.ok ? 'notice' : 'error'} role={note.ok ? 'status' : 'alert'} id="address-note">{note.text}</p>}
      {list === null ? <p class="muted">{t('loading')}</p>
        : !list.length ? <p class="muted" id="addresses-none">{t('addresses_none')}</p>
        : (
          <ul class="address-list">
            {list.map((a) => (
              <li key={a.id} data-address={a.id} class={a.default ? 'default' : ''}>
                {editing === a.id
                  ? <AddressForm start={a} busy={busy} onCancel={() => setEditing(null)}
                      onSave={(f) => void call('address.save', { id: a.id, ...f }, t('address_saved'))} />
                  : <>
                    <p><strong>{a.label || t('address_unnamed')}</strong>
                      {a.default && <span class="tag">{t('address_default')}</span>}</p>
                    <p class="small">{a.recipient} {a.phone}</p>
                    <p class="small">{a.address}</p>
                    <p class="actions">
                      {!a.default && <button type="button" class="link" data-action="default" disabled={busy}
                        onClick={() => void call('address.save', { id: a.id, default: true }, t('address_saved'))}>{t('address_make_default')}</button>}
                      <button type="button" class="link" data-action="edit" onClick={() => setEditing(a.id)}>{t('address_edit')}</button>
                      <button type="button" class="link" data-action="remove" disabled={busy} onClick={() => remove(a)}>{t('address_remove')}</button>
                    </p>
                  </>}
              </li>
            ))}
          </ul>
        )}
      {editing === 'new'
        ? <AddressForm start={EMPTY} busy={busy} onCancel={() => setEditing(null)} withDefault={!!list?.length}
            onSave={(f, makeDefault) => void call('address.save', { ...f, ...(makeDefault ? { default: true } : {}) }, t('address_saved'))} />
        : list && list.length < 20 && (
          <button type="button" id="address-add" onClick={() => { setEditing('new'); setNote(null); }}>{t('address_add')}</button>
        )}
    </div>
  );
}

function AddressForm({ start, busy, onSave, onCancel, withDefault = false }: {
  start: Fields; busy: boolean; onSave: (f: Fields, makeDefault: boolean) => void; onCancel: () => void; withDefault?: boolean;
}) {
  const [f, setF] = useState<Fields>({ label: start.label, recipient: start.recipient, phone: start.phone, address: start.address });
  const [makeDefault, setMakeDefault] = useState(false);
  const set = (k: keyof Fields) => (e: Event) => setF({ ...f, [k]: fieldValue(e) });
  const submit = (e: Event) => {
    e.preventDefault();
    onSave({ label: f.label.trim(), recipient: f.recipient.trim(), phone: f.phone.trim(), address: f.address.trim() }, makeDefault);
  };
  return (
    <form class="form-grid address-form" onSubmit={submit}>
      <label>{t('address_label')}
        <input type="text" class="address-label" maxLength={100} placeholder={t('address_label_hint')} value={f.label} onInput={set('label')} /></label>
      <label>{t('dealer_recipient')}
        <input type="text" class="address-recipient" required maxLength={100} value={f.recipient} onInput={set('recipient')} /></label>
      <label>{t('dealer_phone')}
        <input type="tel" class="address-phone" maxLength={40} value={f.phone} onInput={set('phone')} /></label>
      <label class="wide">{t('dealer_address')}
        <input type="text" class="address-text" required maxLength={500} value={f.address} onInput={set('address')} /></label>
      {withDefault && (
        <label class="check"><input type="checkbox" class="address-default" checked={makeDefault}
          onChange={(e) => setMakeDefault((e.target as HTMLInputElement).checked)} /> {t('address_make_default')}</label>
      )}
      <p class="row wrap wide">
        <button type="submit" class="primary" disabled={busy}>{t('save')}</button>
        <button type="button" onClick={onCancel}>{t('cancel')}</button>
      </p>
    </form>
  );
}
