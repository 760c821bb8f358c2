// Replays (回放) of the fair's live video (issue 24): each recorded session as an MP4 the
// browser plays itself (served with byte ranges, so seeking fetches only what is needed), with
// a chapter for every product the rep put in the spotlight. A chapter seeks there; the
// product of the moment is named under the video with the way to order it while the fair is
// open. Shown in the room when no stream is live.
import { useRef, useState } from 'preact/hooks';
import type { Chapter, Replay } from '../fair/protocol';
import { currentLang, dateTime, duration, t, zoneLabel } from '../i18n';
import type { FairContext } from './app';

const chapterName = (c: Chapter) => (currentLang() === 'en' && c.name_en ? c.name_en : c.name);

/** "12:34" or "1:02:03": where a chapter is in the replay. */
function offset(ms: number): string {
  const s = Math.floor(ms / 1000);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(s >= 3600 ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function Replays({ ctx, replays }: { ctx: FairContext; replays: Replay[] }) {
  const [picked, setPicked] = useState(replays[0].id);
  const [at, setAt] = useState(0); // the video's currentTime, ms
  const video = useRef<HTMLVideoElement>(null);
  const f = ctx.store.view.fair;
  const r = replays.find((x) => x.id === picked) ?? replays[0];
  let current: Chapter | null = null;
  for (const c of r.chapters) if (c.offset_ms <= at + 250) current = c;

  const seek = (c: Chapter) => {
    const v = video.current;
    if (!v) return;
    v.currentTime = c.offset_ms / 1000;
    setAt(c.offset_ms);
    void v.play().catch(() => undefined);
  };

  return (
    <section class="live-video replay" id="replay" aria-labelledby="replay-title">
      <p class="kicker" id="replay-title">{t('replay')}</p>
      {replays.length > 1 && (
        <label class="replay-pick">{t('replay_pick')}{' '}
          <select id="replay-pick" value={r.id} onChange={(e) => { setPicked(Number((e.target as HTMLSelectElement).value)); setAt(0); }}>
            {replays.map((x) => <option value={x.id}>{f ? dateTime(x.started_at, f.timezone) : x.started_at} · {duration(x.duration_ms)}</option>)}
          </select>
        </label>
      )}
      {f && <p class="muted">{t('replay_of', { at: dateTime(r.started_at, f.timezone), t: duration(r.duration_ms) })} <span class="zone">{zoneLabel(f.timezone)}</span></p>}
      <div class="video-box">
        <video ref={video} key={r.id} id="replay-video" src={r.url} controls preload="metadata" playsInline
          aria-label={t('replay')} onTimeUpdate={(e) => setAt(Math.round((e.target as HTMLVideoElement).currentTime * 1000))} />
      </div>
      {current && (
        <p class="chapter-now" id="replay-product" data-product={current.product} role="status">
          {t('chapter_now', { name: chapterName(current) })}
          {ctx.sheet && f?.status === 'live' && (
            <> <a class="button primary" id="replay-order" href={`#/fair/${ctx.fair}/product/${current.product}`}>{t('order_this')}</a></>
          )}
        </p>
      )}
      {r.chapters.length > 0 && (
        <>
          <h2 class="chapters-title" id="chapters-title">{t('chapters')}</h2>
          <ol class="chapters" id="replay-chapters" aria-labelledby="chapters-title">
            {r.chapters.map((c) => (
              <li>
                <button type="button" class={c === current ? 'chapter current' : 'chapter'} aria-current={c === current ? 'true' : undefined}
                  data-offset={c.offset_ms} data-product={c.product} onClick={() => seek(c)}>
                  <span class="at">{offset(c.offset_ms)}</span> {chapterName(c)}
                  {c.note && <span class="muted"> · {c.note}</span>}
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
