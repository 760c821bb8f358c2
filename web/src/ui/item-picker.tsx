// The settings page's "find an item of the fair, pick one" (the allocation, the pictures and
// videos): a search box, the first matches as buttons, the picked one pressed.
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import type { FairContext } from './app';
import { useSubscription } from './hooks';
import { useItemSearch } from './search';

export function ItemPicker({ ctx, searchId, label, picked, onPick, withWithdrawn = false }: {
  ctx: FairContext; searchId: string; label: string; picked: number | null; onPick: (product: number) => void;
  /** the items not on sale (withdrawn, or prepared for a launch) too */
  withWithdrawn?: boolean;
}) {
  const { store } = ctx;
  useSubscription(store);
  const [q, setQ] = useState('');
  const { ids, error } = useItemSearch(ctx, q, 30, withWithdrawn);
  return (
    <>
      <input type="search" id={searchId} value={q} placeholder={t('search_items')} aria-label={t('search_items')}
        onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
      {error && <p class="error" role="alert">{error}</p>}
      <ul class="pick-list" aria-label={label}>
        {ids.slice(0, 8).map((id) => {
          const it = store.view.items.get(id);
          return it && (
            <li data-product={id}>
              <button type="button" aria-pressed={id === picked} onClick={() => onPick(id)}>
                {it.name} <span class="muted small">{it.style}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
