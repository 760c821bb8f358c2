// An administrator's product pictures and videos (商品图片与视频) on the settings page: a
// product of the fair searched, its picture (the product's, or one colour's) and its video
// shown, a new picture or video uploaded to the server's checked routes (POST
// /api/admin/products/<id>/image and /clip: the server decodes and converts them in a limited
// child process and names what it refuses), and the video removed (admin.product.clip.remove).
import { useState } from 'preact/hooks';
import type { FairError } from '../fair/client';
import type { Clip, Images } from '../fair/protocol';
import { colorName, errorText, number, t } from '../i18n';
import { api, type FairContext } from './app';
import { useSubscription } from './hooks';
import { ItemPicker } from './item-picker';

type Status = { kind: 'busy' | 'ok' | 'error'; text: string } | null;

/** POSTs a file to one of the admin's upload routes; the answer's JSON, or throws its error. */
async function uploadFile<T>(url: string, file: File): Promise<T> {
  const { status, json } = await api(url, file);
  if (status !== 200 || !json) throw json?.error ?? { code: status === 503 ? 'unavailable' : 'internal', message: `HTTP ${status}` };
  return json as T;
}

export function MediaPanel({ ctx }: { ctx: FairContext }) {
  const { client, store } = ctx;
  useSubscription(store);
  const [product, setProduct] = useState<number | null>(null);
  const [color, setColor] = useState('');
  const [status, setStatus] = useState<Status>(null);
  const item = product !== null ? store.view.items.get(product) : undefined;
  const colors = item ? [...new Set(item.variants.map((v) => v.color))] : [];
  const busy = status?.kind === 'busy';
  const picture = item && ((color && item.color_images?.[color]) || item.images);

  const fail = (e: unknown) => setStatus({ kind: 'error', text: errorText(e as FairError) });
  const pick = (id: number) => { setProduct(id); setColor(''); setStatus(null); };
  const sendPicture = async (file: File | undefined) => {
    if (!item || !file) return;
    setStatus({ kind: 'busy', text: t('media_uploading') });
    try {
      const r = await uploadFile<{ color?: string | null; images: Images }>(
        `/api/admin/products/${item.product}/image${color ? `?color=${encodeURIComponent(color)}` : ''}`, file);
      store.remember([color
        ? { ...item, color_images: { ...(item.color_images ?? {}), [color]: r.images }, images: item.images ?? r.images }
        : { ...item, images: r.images }]);
      setStatus({ kind: 'ok', text: t('media_picture_saved') });
    } catch (e) { fail(e); }
  };
  const sendVideo = async (file: File | undefined) => {
    if (!item || !file) return;
    setStatus({ kind: 'busy', text: t('media_uploading') });
    try {
      const r = await uploadFile<{ clip: Clip }>(`/api/admin/products/${item.product}/clip`, file);
      store.remember([{ ...item, clip: r.clip }]);
      setStatus({ kind: 'ok', text: t('media_video_saved', { s: number(Math.round(r.clip.duration_ms / 100) / 10) }) });
    } catch (e) { fail(e); }
  };
  const removeVideo = async () => {
    if (!item || !window.confirm(t('media_remove_confirm', { name: item.name }))) return;
    setStatus({ kind: 'busy', text: '…' });
    try {
      await client.request('admin.product.clip.remove', { product: item.product });
      const { clip: _gone, ...rest } = item;
      store.remember([rest]);
      setStatus({ kind: 'ok', text: t('media_video_removed') });
    } catch (e) { fail(e); }
  };

  return (
    <section class="panel" aria-labelledby="media-title" id="media-panel">
      <h2 id="media-title">{t('media_title')}</h2>
      <p class="muted small">{t('media_limits')}</p>
      <ItemPicker ctx={ctx} searchId="media-search" label={t('media_pick')} picked={product} onPick={pick} />
      {item && (
        <div class="media-edit" data-product={item.product}>
          <h3>{item.name} <span class="muted small">{item.style}</span></h3>
          <div class="media-row">
            <figure class="media-picture">
              {picture
                ? <img id="media-thumb" src={picture.card} alt={item.name} width={160} height={160} loading="lazy" />
                : <div class="media-none" id="media-thumb-none">{t('media_picture')}: —</div>}
            </figure>
            <div class="media-actions">
              <label>{t('media_picture_for')}{' '}
                <select id="media-color" value={color} onChange={(e) => setColor((e.target as HTMLSelectElement).value)}>
                  <option value="">{t('media_picture_main')}</option>
                  {colors.map((c) => <option value={c}>{colorName(c)}</option>)}
                </select>
              </label>
              <label class="file-button">{t('media_upload_picture')}
                <input type="file" id="media-picture-file" accept="image/jpeg,image/png,image/webp" disabled={busy}
                  onChange={(e) => { const i = e.target as HTMLInputElement; void sendPicture(i.files?.[0]); i.value = ''; }} />
              </label>
            </div>
          </div>
          <div class="media-row">
            <figure class="media-video">
              {item.clip
                ? <video id="media-clip" src={item.clip.url} poster={item.clip.poster} controls preload="none"
                    width={240} aria-label={`${t('media_video')} ${item.name}`} />
                : <div class="media-none" id="media-no-clip">{t('media_no_video')}</div>}
            </figure>
            <div class="media-actions">
              <label class="file-button">{t('media_upload_video')}
                <input type="file" id="media-video-file" accept="video/mp4,video/quicktime,video/webm" disabled={busy}
                  onChange={(e) => { const i = e.target as HTMLInputElement; void sendVideo(i.files?.[0]); i.value = ''; }} />
              </label>
              {item.clip && (
                <button type="button" class="danger" id="media-remove-clip" disabled={busy} onClick={() => void removeVideo()}>
                  {t('media_remove_video')}
                </button>
              )}
            </div>
          </div>
          {status && (
            <p id="media-status" class={status.kind === 'error' ? 'error' : status.kind === 'ok' ? 'ok-text' : 'muted'}
              role={status.kind === 'error' ? 'alert' : 'status'}>{status.text}</p>
          )}
        </div>
      )}
    </section>
  );
}
