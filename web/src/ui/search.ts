// The staff pages' item search (console, orders on a dealer's behalf, must-order styles): the
// fair's items matching what is typed, read a moment after the last key, again on reconnect
// and when an item is launched.
import { useEffect, useState } from 'preact/hooks';
import type { Item } from '../fair/protocol';
import { errorText } from '../i18n';
import type { FairContext } from './app';

/** Whether an item's style or names contain `needle` (lower case), as catalog.search matches. */
export function matchesText(item: Item, needle: string): boolean {
  return !needle || [item.name, item.name_en ?? '', item.style].some((s) => s.toLowerCase().includes(needle));
}

/** The ids of the items matching `q`, at most `limit`; `withWithdrawn` adds the withdrawn
 * items this page knows that match (the search has only items on sale), so they can be
 * launched again. */
export function useItemSearch(ctx: FairContext, q: string, limit: number, withWithdrawn = false): { ids: number[]; error: string } {
  const { client, store, fair } = ctx;
  const [ids, setIds] = useState<number[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    const needle = q.trim();
    const timer = setTimeout(() => {
      client.request<{ items: Item[] }>('catalog.search', { fair, limit, ...(needle ? { q: needle } : {}) })
        .then((r) => {
          store.remember(r.items);
          const found = new Set(r.items.map((i) => i.product));
          const withdrawn = withWithdrawn ? [...store.view.items.values()]
            .filter((i) => i.withdrawn && !found.has(i.product) && matchesText(i, needle.toLowerCase())) : [];
          setIds([...found, ...withdrawn.map((i) => i.product)]);
          setError('');
        })
        .catch((e) => setError(errorText(e)));
    }, needle ? 250 : 0);
    return () => clearTimeout(timer);
  }, [q, fair, limit, client.state === 'live', store.view.total]);
  return { ids, error };
}
