// The pages of a long list (the dealers' overview, the accounts): back, "page n of m", on.
// Nothing while there is one page.
import { t } from '../i18n';

export function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  if (pages <= 1) return null;
  return (
    <p class="row pager">
      <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)} aria-label={t('page_prev')}>‹</button>
      <span>{t('page_n', { n: page + 1, of: pages })}</span>
      <button type="button" disabled={page + 1 >= pages} onClick={() => onPage(page + 1)} aria-label={t('page_next')}>›</button>
    </p>
  );
}
