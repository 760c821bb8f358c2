// A product card: picture (lazy, srcset over the three stored sizes), name, style, my price now,
// badges (must-order, flash, low stock, sold out: in words, not colour alone) and what is left.
import { Component } from 'preact';
import type { FairStore } from '../fair/store';
import { priceNow } from '../fair/store';
import type { Images, Item } from '../fair/protocol';
import { money, nameOf, number, t } from '../i18n';
import { useNow } from './hooks';

const LOW_STOCK = 20;

export function srcset(img: Images): string {
  return `${img.thumb} 160w, ${img.card} 480w, ${img.full} 1200w`;
}

export function remainingOf(store: FairStore, item: Item): number {
  return item.variants.reduce((sum, v) => sum + Math.max(0, store.view.stock.get(v.id) ?? v.remaining), 0);
}

/** The item's badges; `flash: false` where a countdown already says it is a flash price. */
export function Badges({ item, left, now, flash: withFlash = true }: {
  item: Item; left: number; now: number; flash?: boolean;
}) {
  const flash = withFlash && priceNow(item, now).flash;
  return (
    <span class="badges">
      {item.withdrawn && <span class="tag out">{t('withdrawn')}</span>}
      {item.must_order && <span class="tag must">{t('must_order')}</span>}
      {flash && <span class="tag flash">{t('flash')}</span>}
      {!item.withdrawn && left === 0 && <span class="tag out">{t('sold_out')}</span>}
      {left > 0 && left <= LOW_STOCK && <span class="tag low">{t('low_stock')}</span>}
    </span>
  );
}

/** What a card shows, in one comparable value: a card is drawn again only when it changes. */
interface CardProps { item: Item; left: number; currency: string; href: string; skewMs: number; lang: string }

/** A product card that redraws only when its item (replaced on every change by the store), its
 * stock left or the language changed: a catalog of hundreds of cards under 20 stock pushes a
 * second redraws the few whose stock moved. A card in a flash window ticks on its own. */
export class ProductCard extends Component<CardProps> {
  shouldComponentUpdate(next: CardProps): boolean {
    const p = this.props;
    return next.item !== p.item || next.left !== p.left || next.currency !== p.currency || next.lang !== p.lang ||
      next.href !== p.href;
  }

  render({ item, left, currency, href, skewMs }: CardProps) {
    return (
      <li class={`pcard${left === 0 || item.withdrawn ? ' soldout' : ''}`} data-product={item.product}>
        <a href={href}>
          {item.images
            ? <img src={item.images.card} srcset={srcset(item.images)} sizes="(max-width: 600px) 45vw, 220px"
                loading="lazy" decoding="async" width={480} height={600} alt="" />
            : <span class="noimg" aria-hidden="true" />}
          <span class="pname">{nameOf(item)}</span>
        </a>
        <span class="pstyle">{item.style}</span>
        {item.flash ? <CardPrice item={item} left={left} currency={currency} skewMs={skewMs} ticking />
          : <CardPrice item={item} left={left} currency={currency} skewMs={skewMs} />}
        <span class="pleft">{left > 0 ? t('left', { n: number(left) }) : ''}</span>
      </li>
    );
  }
}

/** The price now and the badges; with a flash window, redrawn every second (it opens and
 * closes while the card is shown). */
function CardPrice({ item, left, currency, skewMs, ticking = false }: {
  item: Item; left: number; currency: string; skewMs: number; ticking?: boolean;
}) {
  const now = useNow(ticking ? 1000 : 2 ** 30, skewMs);
  const p = priceNow(item, now);
  return (
    <>
      <span class="pprice">
        <strong class={p.flash ? 'flash' : ''}>{money(p.price, currency)}</strong>
        {item.base_price > p.price && <s class="muted">{money(item.base_price, currency)}</s>}
      </span>
      <Badges item={item} left={left} now={now} />
    </>
  );
}
