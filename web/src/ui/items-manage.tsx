// An administrator puts products on the fair from the settings page (商品上场): a product of
// the brand found by its style or name (admin.products.list, those already at the fair marked),
// or a new one made with its sizes and colours (admin.product.create); then its price for the
// fair, prices of tiers, the allocation of each colour and size, a limit per dealer, a minimum,
// packs, must-order, and whether it goes on sale now or is prepared for the rep to launch
// (admin.item.add, one transaction, audited). Launched, every dealer's page shows it at once.
import { useEffect, useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import type { Item } from '../fair/protocol';
import { colorName, errorText, money, moneyInput, number, parseMoney, t } from '../i18n';
import type { FairContext } from './app';
import { fieldValue, useNewest, useSubscription } from './hooks';

interface Product {
  id: number; style: string; name: string; name_en: string; category: string; base_price: number;
  description: string; description_en: string;
  offered?: boolean; variants: { id: number; size: string; color: string }[];
}

/** Words typed apart by commas, 、 or spaces, each once, in the order typed. */
const words = (text: string) => [...new Set(text.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean))];
/** A whole number ≥ min as typed, null when it is not one; '' is `empty`. */
function whole(text: string, min: number, empty: number | null = null): number | null | undefined {
  const s = text.trim();
  if (!s) return empty;
  return /^\d{1,9}$/.test(s) && Number(s) >= min ? Number(s) : undefined;
}

export function ItemsPanel({ ctx }: { ctx: FairContext }) {
  const { client, fair } = ctx;
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Product[]>([]);
  const [error, setError] = useState('');
  const [product, setProduct] = useState<Product | null>(null);
  const [making, setMaking] = useState(false);
  const [reload, setReload] = useState(0);
  const [done, setDone] = useState('');
  const newest = useNewest();
  useEffect(() => {
    const timer = setTimeout(() => {
      void newest(client.request<{ products: Product[] }>('admin.products.list', { fair, limit: 8, ...(q.trim() ? { q: q.trim() } : {}) }),
        (r) => { setFound(r.products); setError(''); }, (e) => setError(errorText(e)));
    }, q.trim() ? 250 : 0);
    return () => clearTimeout(timer);
  }, [q, fair, reload, client.state === 'live']);

  return (
    <section class="panel wide" aria-labelledby="items-title" id="items-panel">
      <h2 id="items-title">{t('items_title')}</h2>
      <p class="muted small">{t('items_intro')}</p>
      <div class="row wrap">
        <input type="search" id="items-search" value={q} placeholder={t('items_search')} aria-label={t('items_search')}
          maxLength={100} onInput={(e) => setQ(fieldValue(e))} />
        <button type="button" id="items-new" aria-expanded={making}
          onClick={() => { setMaking(!making); setProduct(null); setDone(''); }}>{t('items_new_product')}</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {!making && (
        <ul class="pick-list" aria-label={t('items_pick')}>
          {found.map((p) => (
            <li data-product={p.id}>
              <button type="button" aria-pressed={product?.id === p.id} onClick={() => { setProduct(p); setDone(''); }}>
                {p.name} <span class="muted small">{p.style}</span>
                {p.offered && <span class="tag">{t('items_offered')}</span>}
              </button>
            </li>
          ))}
          {!found.length && <li class="muted">{t('items_none')}</li>}
        </ul>
      )}
      {making && <NewProduct ctx={ctx} onMade={(p) => { setMaking(false); setProduct(p); setReload(reload + 1); }} />}
      {product && (
        <EditProduct key={`edit-${product.id}`} ctx={ctx} product={product}
          onSaved={(p, text) => { setProduct(p); setDone(text); setReload(reload + 1); }} />
      )}
      {product && !product.offered && (
        <PutOnFair key={product.id} ctx={ctx} product={product}
          onDone={(text) => { setProduct(null); setDone(text); setReload(reload + 1); }} />
      )}
      {done && <p class="notice" role="status" id="item-result">{done}</p>}
    </section>
  );
}

/** A new product of the brand: every size in every colour is a variant. */
function NewProduct({ ctx, onMade }: { ctx: FairContext; onMade: (p: Product) => void }) {
  const { client, store } = ctx;
  const currency = store.view.fair?.currency ?? 'CNY';
  const [f, setF] = useState({ style: '', name: '', name_en: '', category: '', base: '', sizes: '', colors: '', description: '' });
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: fieldValue(e) });
  const submit = async (e: Event) => {
    e.preventDefault();
    const base = parseMoney(f.base, currency);
    const sizes = words(f.sizes);
    const colors = words(f.colors);
    if (base === null) return setProblem(t('bad_money'));
    if (!sizes.length || !colors.length) return setProblem(t('items_need_variants'));
    if (sizes.length * colors.length > 200) return setProblem(t('items_too_many_variants', { n: sizes.length * colors.length })); 
    setBusy(true);
    try {
      const r = await client.request<{ product: Product; variants: Product['variants'] }>('admin.product.create', {
        style: f.style.trim(), name: f.name.trim(), name_en: f.name_en.trim(), category: f.category.trim(),
        description: f.description.trim(), base_price: base,
        variants: colors.flatMap((color) => sizes.map((size) => ({ size, color }))),
      });
      onMade({ ...r.product, variants: r.variants, offered: false });
    } catch (err) {
      setProblem(errorText(err as FairError));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form-grid new-product" id="new-product" onSubmit={submit}>
      <label>{t('items_style')}
        <input type="text" id="new-product-style" required maxLength={40} pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*"
          value={f.style} onInput={set('style')} /></label>
      <label>{t('items_name')}
        <input type="text" id="new-product-name" required maxLength={200} value={f.name} onInput={set('name')} /></label>
      <label>{t('items_name_en')}
        <input type="text" id="new-product-name-en" maxLength={200} value={f.name_en} onInput={set('name_en')} /></label>
      <label>{t('items_category')}
        <input type="text" id="new-product-category" required maxLength={64} value={f.category} onInput={set('category')} /></label>
      <label>{t('items_base_price')}
        <input type="text" inputMode="decimal" id="new-product-price" required maxLength={16} value={f.base} onInput={set('base')} /></label>
      <label>{t('items_sizes')}
        <input type="text" id="new-product-sizes" required maxLength={400} placeholder="S, M, L, XL" value={f.sizes} onInput={set('sizes')} /></label>
      <label>{t('items_colors')}
        <input type="text" id="new-product-colors" required maxLength={800} placeholder={t('items_colors_hint')}
          value={f.colors} onInput={set('colors')} /></label>
      <label class="wide">{t('items_description')}
        <textarea id="new-product-description" rows={2} maxLength={4000} value={f.description} onInput={set('description')} /></label>
      <button type="submit" class="primary" id="new-product-save" disabled={busy}>{t('items_make_product')}</button>
      {problem && <p class="error" role="alert" id="new-product-problem">{problem}</p>}
    </form>
  );
}

/** A product's names, descriptions and list price (admin.product.update): open pages of every
 * fair selling it show the change at once. Its style, category, sizes and colours stay. */
function EditProduct({ ctx, product, onSaved }: { ctx: FairContext; product: Product; onSaved: (p: Product, text: string) => void }) {
  const { client, store } = ctx;
  const currency = store.view.fair?.currency ?? 'CNY';
  const start = {
    name: product.name, name_en: product.name_en, description: product.description,
    description_en: product.description_en, base: moneyInput(product.base_price, currency),
  };
  const [f, setF] = useState(start);
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: fieldValue(e) });
  const submit = async (e: Event) => {
    e.preventDefault();
    const base = parseMoney(f.base, currency);
    if (base === null) return setProblem(t('bad_money'));
    const change: Record<string, unknown> = {};
    for (const k of ['name', 'name_en', 'description', 'description_en'] as const) {
      if (f[k].trim() !== start[k]) change[k] = f[k].trim();
    }
    if (base !== product.base_price) change.base_price = base;
    if (!Object.keys(change).length) return setProblem(t('items_unchanged'));
    setProblem('');
    setBusy(true);
    try {
      const r = await client.request<{ product: Product; variants: Product['variants'] }>('admin.product.update', { product: product.id, ...change });
      onSaved({ ...product, ...r.product, variants: r.variants }, t('items_product_saved', { name: r.product.name }));
    } catch (err) {
      setProblem(errorText(err as FairError));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="product-edit" open={product.offered}>
      <summary>{t('items_edit_product', { style: product.style })}</summary>
      <form class="form-grid" id="edit-product" onSubmit={submit}>
        <label>{t('items_name')}
          <input type="text" id="edit-product-name" required maxLength={200} value={f.name} onInput={set('name')} /></label>
        <label>{t('items_name_en')}
          <input type="text" id="edit-product-name-en" maxLength={200} value={f.name_en} onInput={set('name_en')} /></label>
        <label>{t('items_base_price')}
          <input type="text" inputMode="decimal" id="edit-product-price" required maxLength={16} value={f.base} onInput={set('base')} /></label>
        <label class="wide">{t('items_description')}
          <textarea id="edit-product-description" rows={2} maxLength={4000} value={f.description} onInput={set('description')} /></label>
        <label class="wide">{t('items_description_en')}
          <textarea id="edit-product-description-en" rows={2} maxLength={4000} value={f.description_en} onInput={set('description_en')} /></label>
        <button type="submit" id="edit-product-save" disabled={busy}>{t('save')}</button>
        {problem && <p class="error" role="alert" id="edit-product-problem">{problem}</p>}
      </form>
    </details>
  );
}

/** The product's terms at this fair, and its allocation per colour and size. */
function PutOnFair({ ctx, product, onDone }: { ctx: FairContext; product: Product; onDone: (text: string) => void }) {
  const { client, fair, store } = ctx;
  useSubscription(store);
  const currency = store.view.fair?.currency ?? 'CNY';
  const sizes = [...new Set(product.variants.map((v) => v.size))];
  const colors = [...new Set(product.variants.map((v) => v.color))];
  const cell = new Map(product.variants.map((v) => [`${v.color}\u0000${v.size}`, v]));
  const [price, setPrice] = useState(moneyInput(product.base_price, currency));
  const [tiers, setTiers] = useState('');
  const [units, setUnits] = useState<Record<number, string>>({});
  const [every, setEvery] = useState('');
  const [limit, setLimit] = useState('');
  const [moq, setMoq] = useState('');
  const [pack, setPack] = useState<Record<string, string>>({});
  const [must, setMust] = useState(false);
  const [launch, setLaunch] = useState(true);
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);

  /** "A=899, B 949" as {A: 89900, B: 94900}, or the words of what is wrong. */
  const tierPrices = (): Record<string, number> | string => {
    const out: Record<string, number> = {};
    for (const part of tiers.split(/[,，;；\n]+/).map((s) => s.trim()).filter(Boolean)) {
      const m = /^([A-Za-z])\s*[=:：\s]\s*(.+)$/.exec(part);
      const fen = m ? parseMoney(m[2], currency) : null;
      if (!m || fen === null) return t('items_bad_tier_price', { part });
      out[m[1].toUpperCase()] = fen;
    }
    return out;
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const fen = parseMoney(price, currency);
    if (fen === null) return setProblem(t('bad_money'));
    const tierMap = tierPrices();
    if (typeof tierMap === 'string') return setProblem(tierMap);
    const allocation: Record<string, number> = {};
    for (const v of product.variants) {
      const n = whole(units[v.id] ?? '', 0);
      if (n === undefined) return setProblem(t('items_bad_units', { variant: `${colorName(v.color)} ${v.size}` }));
      if (n !== null) allocation[v.id] = n;
    }
    if (!Object.keys(allocation).length) return setProblem(t('items_need_allocation'));
    const lim = whole(limit, 1);
    const min = whole(moq, 1);
    if (lim === undefined) return setProblem(t('items_bad_limit'));
    if (min === undefined) return setProblem(t('items_bad_moq'));
    const packs: Record<string, number> = {};
    for (const s of sizes) {
      const n = whole(pack[s] ?? '', 1);
      if (n === undefined) return setProblem(t('items_bad_pack', { size: s }));
      if (n !== null) packs[s] = n;
    }
    setBusy(true);
    try {
      const r = await client.request<{ item: Item }>('admin.item.add', {
        fair, product: product.id, price: fen, allocation, must_order: must, launch,
        ...(Object.keys(tierMap).length ? { tier_prices: tierMap } : {}),
        ...(lim !== null ? { limit: lim } : {}), ...(min !== null ? { moq: min } : {}),
        ...(Object.keys(packs).length ? { pack: packs } : {}),
      });
      store.remember([r.item]);
      onDone(t(launch ? 'items_launched' : 'items_prepared', { name: product.name, price: money(r.item.price, currency) }));
    } catch (err) {
      setProblem(errorText(err as FairError));
    } finally {
      setBusy(false);
    }
  };
  const fillAll = () => {
    if (whole(every, 0) === undefined || !every.trim()) return;
    setUnits(Object.fromEntries(product.variants.map((v) => [v.id, every.trim()])));
  };
  const total = product.variants.reduce((sum, v) => sum + (whole(units[v.id] ?? '', 0) ?? 0), 0);

  return (
    <form class="put-on-fair" id="put-on-fair" data-product={product.id} onSubmit={submit}>
      <h3>{product.name} <span class="muted small">{product.style} · {product.category}</span></h3>
      <div class="form-grid">
        <label>{t('items_price', { currency })}
          <input type="text" inputMode="decimal" id="item-price" required maxLength={16} value={price} onInput={(e) => setPrice(fieldValue(e))} /></label>
        <label>{t('items_tier_prices')}
          <input type="text" id="item-tiers" maxLength={200} placeholder="A=899, B=949" value={tiers} onInput={(e) => setTiers(fieldValue(e))} /></label>
        <label>{t('items_limit')}
          <input type="text" inputMode="numeric" id="item-limit" maxLength={9} placeholder={t('items_no_limit')} value={limit} onInput={(e) => setLimit(fieldValue(e))} /></label>
        <label>{t('items_moq')}
          <input type="text" inputMode="numeric" id="item-moq" maxLength={9} placeholder="1" value={moq} onInput={(e) => setMoq(fieldValue(e))} /></label>
      </div>
      <fieldset class="allocation">
        <legend>{t('items_allocation')}</legend>
        <p class="row wrap">
          <label class="inline">{t('items_every_cell')}
            <input type="text" inputMode="numeric" id="item-every" size={6} maxLength={9} value={every} onInput={(e) => setEvery(fieldValue(e))} /></label>
          <button type="button" id="item-fill" onClick={fillAll}>{t('items_fill')}</button>
          <span class="muted small" id="item-total">{t('items_total', { n: number(total) })}</span>
        </p>
        <div class="scroll-x">
          <table class="rank alloc-grid">
            <thead><tr><th scope="col">{t('color')}</th>{sizes.map((s) => <th scope="col">{s}</th>)}</tr></thead>
            <tbody>
              {colors.map((c) => (
                <tr>
                  <th scope="row">{colorName(c)}</th>
                  {sizes.map((s) => {
                    const v = cell.get(`${c}\u0000${s}`);
                    return v ? (
                      <td><input type="text" inputMode="numeric" size={5} maxLength={9} data-variant={v.id}
                        aria-label={t('items_units_for', { variant: `${colorName(c)} ${s}` })}
                        value={units[v.id] ?? ''} onInput={(e) => setUnits({ ...units, [v.id]: fieldValue(e) })} /></td>
                    ) : <td class="muted">—</td>;
                  })}
                </tr>
              ))}
              <tr class="pack-row">
                <th scope="row">{t('items_pack')}</th>
                {sizes.map((s) => (
                  <td><input type="text" inputMode="numeric" size={5} maxLength={4} data-pack={s} placeholder="—"
                    aria-label={t('items_pack_for', { size: s })} value={pack[s] ?? ''}
                    onInput={(e) => setPack({ ...pack, [s]: fieldValue(e) })} /></td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
        <p class="muted small">{t('items_allocation_hint')}</p>
      </fieldset>
      <p class="row wrap">
        <label class="inline"><input type="checkbox" id="item-must" checked={must}
          onChange={(e) => setMust((e.target as HTMLInputElement).checked)} /> {t('items_must')}</label>
        <label class="inline"><input type="radio" name="item-launch" id="item-launch-now" checked={launch} onChange={() => setLaunch(true)} /> {t('items_launch_now')}</label>
        <label class="inline"><input type="radio" name="item-launch" id="item-launch-later" checked={!launch} onChange={() => setLaunch(false)} /> {t('items_launch_later')}</label>
      </p>
      <button type="submit" class="primary" id="item-add" disabled={busy}>{t('items_add')}</button>
      {problem && <p class="error" role="alert" id="item-problem">{problem}</p>}
    </form>
  );
}
