// The catalog: search (Chinese or English, style codes), categories, sorts, recommendations,
// a grid of cards loaded a page at a time as the dealer scrolls; stock and prices move live.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Item } from '../fair/protocol';
import { categoryName, currentLang, errorText, number, t, type Key } from '../i18n';
import type { FairContext } from './app';
import { ProductCard, remainingOf } from './card';
import { useSubscription } from './hooks';
import { matchesText } from './search';

const PAGE = 60;
const SORTS: [string, Key][] = [
  ['', 'sort_default'], ['hot', 'sort_hot'], ['new', 'sort_new'], ['price_asc', 'sort_price_asc'],
  ['price_desc', 'sort_price_desc'], ['name', 'sort_name'],
];

interface Query { q: string; category: string; sort: string }

export function Catalog({ ctx }: { ctx: FairContext }) {
  const { client, store, fair } = ctx;
  useSubscription(store);
  const [query, setQuery] = useState<Query>(() => {
    const saved = sessionStorage.getItem(`fair.catalog.${fair}`);
    return saved ? JSON.parse(saved) : { q: '', category: '', sort: '' };
  });
  const [ids, setIds] = useState<number[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const [categories, setCategories] = useState<{ name: string; count: number }[]>([]);
  const [recommended, setRecommended] = useState<number[]>([]);
  const generation = useRef(0);
  const sentinel = useRef<HTMLDivElement>(null);

  const load = async (offset: number) => {
    const gen = generation.current;
    setLoading(true);
    try {
      const r = await client.request<{ total: number; items: Item[] }>('catalog.search', {
        fair, limit: PAGE, offset,
        ...(query.q.trim() ? { q: query.q.trim() } : {}),
        ...(query.category ? { category: query.category } : {}),
        ...(query.sort ? { sort: query.sort } : {}),
      });
      if (gen !== generation.current) return;
      store.remember(r.items);
      setIds((old) => (offset ? [...old, ...r.items.map((i) => i.product)] : r.items.map((i) => i.product)));
      setTotal(r.total);
      setError('');
    } catch (e) {
      if (gen === generation.current) setError(errorText(e as any));
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  };

  useEffect(() => {
    generation.current++;
    sessionStorage.setItem(`fair.catalog.${fair}`, JSON.stringify(query));
    const timer = setTimeout(() => { void load(0); }, query.q ? 250 : 0);
    return () => clearTimeout(timer);
  }, [query.q, query.category, query.sort, fair]);

  useEffect(() => {
    client.request<{ categories: { name: string; count: number }[] }>('catalog.categories', { fair })
      .then((r) => setCategories(r.categories)).catch(() => {});
    client.request<{ items: Item[] }>('recommend', { fair, limit: 8 })
      .then((r) => { store.remember(r.items); setRecommended(r.items.map((i) => i.product)); }).catch(() => {});
  }, [fair]);

  // an item launched while the catalog is open joins the unfiltered list where the fair's own
  // order (last) or "newest" (first) puts it; in the fair's order only once the list is read
  // to its end (until then the next page brings it)
  const launched = store.view.announcements[store.view.announcements.length - 1]?.product;
  useEffect(() => {
    if (launched === undefined || total === null || ids.includes(launched) || query.q || query.category) return;
    if (query.sort && query.sort !== 'new') return;
    if (query.sort === 'new') setIds([launched, ...ids]);
    else if (ids.length >= total) setIds([...ids, launched]);
    setTotal(total + 1);
  }, [launched]);

  // the next page when the end of the grid comes into view
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return undefined;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loading && total !== null && ids.length < total) void load(ids.length);
    }, { rootMargin: '800px' });
    io.observe(el);
    return () => io.disconnect();
  }, [ids.length, total, loading]);

  // no connection and no answer: search what this browser saved of the catalog
  const local = client.state !== 'live' && (total === null || error) && store.view.savedAt
    ? localSearch(store.view.items, query) : null;
  const shown = local ?? ids;
  const currency = store.view.fair?.currency ?? 'CNY';
  const card = (id: number) => {
    const item = store.view.items.get(id);
    return item && <ProductCard key={id} item={item} left={remainingOf(store, item)} currency={currency}
      href={`#/fair/${fair}/product/${id}`} skewMs={client.clockSkewMs} lang={currentLang()} />;
  };
  const searching = query.q || query.category || query.sort;
  return (
    <section class="catalog" id="catalog-view">
      <h1 class="sr-only">{t('catalog')}</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label class="grow">
          <span class="sr-only">{t('search')}</span>
          <input type="search" name="q" value={query.q} placeholder={t('search_placeholder')} maxLength={100}
            aria-label={t('search')} onInput={(e) => setQuery({ ...query, q: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          <span class="sr-only">{t('all_categories')}</span>
          <select name="category" value={query.category} aria-label={t('all_categories')}
            onChange={(e) => setQuery({ ...query, category: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('all_categories')}</option>
            {categories.map((c) => <option value={c.name}>{categoryName(c.name)} ({c.count})</option>)}
          </select>
        </label>
        <label>
          <span class="sr-only">{t('sort')}</span>
          <select name="sort" value={query.sort} aria-label={t('sort')}
            onChange={(e) => setQuery({ ...query, sort: (e.target as HTMLSelectElement).value })}>
            {SORTS.map(([v, k]) => <option value={v}>{t(k)}</option>)}
          </select>
        </label>
      </form>
      {!searching && recommended.length > 0 && (
        <section class="recommended" aria-labelledby="rec-title">
          <h2 id="rec-title">{t('recommended')}</h2>
          <ul class="grid strip">{recommended.map(card)}</ul>
        </section>
      )}
      <p class="muted" aria-live="polite" id="results">
        {local ? t('results', { n: number(local.length) })
          : total === null ? t('loading') : total === 0 ? t('nothing_found') : t('results', { n: number(total) })}
      </p>
      {error && !local && <p class="error" role="alert">{error}</p>}
      <ul class="grid" id="grid">{shown.map(card)}</ul>
      <div ref={sentinel} class="sentinel">
        {loading && total !== null && <span class="muted">{t('loading')}</span>}
        {!local && !loading && total !== null && ids.length < total &&
          <button type="button" onClick={() => load(ids.length)}>{t('load_more')}</button>}
      </div>
    </section>
  );
}

/** The saved items matching a query, in the fair's order (what catalog.search would do, roughly). */
function localSearch(items: Map<number, Item>, query: Query): number[] {
  const q = query.q.trim().toLowerCase();
  const hit = (it: Item) => !it.withdrawn && (!query.category || it.category === query.category) && matchesText(it, q);
  return [...items.values()].filter(hit).map((it) => it.product);
}
