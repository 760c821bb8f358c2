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

/** The ids of the items matching `q`, at most `limit`; `withWithdrawn` (staff) adds the
 * items not on sale that match (withdrawn, or prepared to be launched), after those on sale. */
export function useItemSearch(ctx: FairContext, q: string, limit: number, withWithdrawn = false): { ids: number[]; error: string } {
  const { client, store, fair } = ctx;
  const [ids, setIds] = useState<number[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    const needle = q.trim();
    const timer = setTimeout(() => {
      const search = (extra: Record<string, unknown>) => client.request<{ items: Item[] }>('catalog.search',
        { fair, limit, ...(needle ? { q: needle } : {}), ...extra }).then((r) => r.items);
      Promise.all([search({}), withWithdrawn ? search({ withdrawn: true }) : Promise.resolve([])])
        .then(([onSale, offStage]) => {
          store.remember([...onSale, ...offStage]);
          setIds([...onSale, ...offStage].map((i) => i.product));
          setError('');
        })
        .catch((e) => setError(errorText(e)));
    }, needle ? 250 : 0);
    return () => clearTimeout(timer);
  }, [q, fair, limit, client.state === 'live', store.view.total]);
  return { ids, error };
}
