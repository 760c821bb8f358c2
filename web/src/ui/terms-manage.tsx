// An administrator's English names of the brand's colours and categories (颜色与品类的英文名)
// on the settings page: every colour and category the products use, those without an English
// name first, each with its English name to type (admin.terms.list, admin.terms.set). The
// English pages and the printed confirmation in English show them; an empty name removes one.
import { useEffect, useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import type { Terms } from '../fair/protocol';
import { errorText, t, type Key } from '../i18n';
import type { FairContext } from './app';

interface TermsList { terms: Terms; unnamed: { colors: string[]; categories: string[] } }
type Kind = 'colors' | 'categories';
const KINDS: { kind: Kind; title: Key }[] = [{ kind: 'colors', title: 'terms_colors' }, { kind: 'categories', title: 'terms_categories' }];

export function TermsPanel({ ctx }: { ctx: FairContext }) {
  const { client, store } = ctx;
  const [list, setList] = useState<TermsList | null>(null);
  // what was typed, by kind and name, until saved
  const [typed, setTyped] = useState<Record<Kind, Record<string, string>>>({ colors: {}, categories: {} });
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    client.request<TermsList>('admin.terms.list', {})
      .then(setList)
      .catch((e) => setStatus({ kind: 'error', text: errorText(e as FairError) }));
  }, [client, client.state === 'live']);

  const changed = (kind: Kind) => Object.fromEntries(Object.entries(typed[kind])
    .filter(([name, text]) => text.trim() !== (list?.terms[kind][name] ?? '')));
  const pending = KINDS.some(({ kind }) => Object.keys(changed(kind)).length > 0);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!pending || saving) return;
    setSaving(true);
    try {
      const r = await client.request<TermsList>('admin.terms.set', { colors: changed('colors'), categories: changed('categories') });
      setList(r);
      setTyped({ colors: {}, categories: {} });
      setStatus({ kind: 'ok', text: t('terms_saved') });
      store.refreshTerms();
    } catch (err) {
      setStatus({ kind: 'error', text: errorText(err as FairError) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="terms-title">
      <h2 id="terms-title">{t('terms_title')}</h2>
      <p class="muted small">{t('terms_hint')}</p>
      {list && (
        <form id="terms-form" onSubmit={save}>
          {KINDS.map(({ kind, title }) => {
            const names = [...list.unnamed[kind], ...Object.keys(list.terms[kind])];
            return (
              <fieldset class="terms" data-kind={kind}>
                <legend>{t(title)}</legend>
                {!names.length ? <p class="muted small">—</p> : (
                  <table class="rank">
                    <tbody>{names.map((name) => {
                      const saved = list.terms[kind][name] ?? '';
                      return (
                        <tr data-name={name}>
                          <th scope="row">{name}</th>
                          <td>
                            <input type="text" maxLength={64} value={typed[kind][name] ?? saved}
                              placeholder={saved ? undefined : t('terms_missing')}
                              aria-label={t('terms_english_of', { name })}
                              onInput={(ev) => setTyped({ ...typed, [kind]: { ...typed[kind], [name]: (ev.target as HTMLInputElement).value } })} />
                          </td>
                        </tr>
                      );
                    })}</tbody>
                  </table>
                )}
              </fieldset>
            );
          })}
          <p class="row">
            <button type="submit" class="primary" id="terms-save" disabled={!pending || saving}>{t('terms_save')}</button>
          </p>
        </form>
      )}
      {status && <p class={status.kind === 'ok' ? 'result ok' : 'error'} role={status.kind === 'ok' ? 'status' : 'alert'} id="terms-status">{status.text}</p>}
    </section>
  );
}
