// The fair's live video in the room (issue 24): shown while the fair streams (push `stream`,
// or the join's stream), muted so that it may start by itself, with a tap for sound. Native
// HLS where the browser has it (Safari, iOS); elsewhere hls.js, imported only now, so a room
// without video downloads none of it. A brand's own live service may be HLS or HTTP-FLV
// (mpegts.js, its own chunk too). Without a stream the room is as it was, but for the
// replays of past sessions (replay.tsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import type { FairContext } from './app';
import { useSubscription } from './hooks';
import { setVideoClock } from './in-step';
import { Replays } from './replay';

export function LiveVideo({ ctx }: { ctx: FairContext }) {
  useSubscription(ctx.store);
  const s = ctx.store.view.stream;
  // This server's stream while live; else a brand's own live service (playback_url: fairctl
  // takes a .m3u8 or .flv of an origin the CSP lists, video_origins)
  const own = s?.state === 'live' && s.hls ? s.hls : null;
  const brand = own ? null : brandSource(s?.playback_url ?? null);
  if (own) return <Player src={own} kind="hls" />;
  const replays = s?.replays ?? [];
  // a brand's own service plays above the sessions streamed here, which stay offered
  return (
    <>
      {brand && <Player src={brand.src} kind={brand.kind} />}
      {!brand && s?.state === 'ended' && <p class="muted live-ended" id="live-ended">{t('stream_ended')}</p>}
      {replays.length > 0 && <Replays ctx={ctx} replays={replays} />}
    </>
  );
}

type VideoKind = 'hls' | 'flv';

/** How long a live player may show no new picture before it is made anew (its first frame
 * comes 3-5 s after the stream goes live; a fragment is 1 s). */
const STALL_MS = 9000;

/** A brand's playback URL the room can play: an http(s) HLS playlist or HTTP-FLV stream;
 * null otherwise. */
function brandSource(url: string | null): { src: string; kind: VideoKind } | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (!/^https?:$/.test(u.protocol)) return null;
    if (u.pathname.endsWith('.m3u8')) return { src: u.href, kind: 'hls' };
    if (u.pathname.endsWith('.flv')) return { src: u.href, kind: 'flv' };
    return null;
  } catch {
    return null;
  }
}

function Player({ src, kind }: { src: string; kind: VideoKind }) {
  const video = useRef<HTMLVideoElement>(null);
  const [muted, setMuted] = useState(true);
  const [attempt, setAttempt] = useState(0); // a new player after a fatal error
  const [failing, setFailing] = useState(false); // since a fatal error, until playing again

  useEffect(() => {
    const v = video.current;
    if (!v) return;
    let stop: (() => void) | null = null;
    let playingDate: () => number | null = () => null;
    let gone = false;
    let retry = 0;
    const fatal = () => {
      setFailing(true);
      retry = window.setTimeout(() => setAttempt((n) => n + 1), 2000);
    };
    const played = () => setFailing(false);
    v.addEventListener('playing', played);
    // A player that neither fails nor plays (never started, or its picture stopped while it
    // is meant to be playing) is made anew, as a viewer would reload: a stall is not always
    // an error hls.js reports. Paused by the viewer (after it played) is left alone.
    let seen = v.currentTime;
    let movedAt = Date.now();
    const watchdog = window.setInterval(() => {
      if (v.currentTime !== seen || (v.paused && v.currentTime > 0)) {
        seen = v.currentTime;
        movedAt = Date.now();
      } else if (Date.now() - movedAt > STALL_MS) {
        console.warn(`live video: no picture for ${STALL_MS / 1000} s, starting the player again`);
        setAttempt((n) => n + 1);
      }
    }, 1000);
    // hls.js wherever MediaSource exists; the browser's own HLS only without it (iPhones
    // before iOS 17.1). Chromium 156 has its own HLS too, but here it showed the first frame
    // 19 s after the publish began and fetched each playlist twice (hls.js: 4 s, tests/browser/live).
    if (kind === 'flv') {
      // no clock: an FLV stream carries no program date, so the spotlight is not held for it
      void import('./flv-player').then(({ attachFlv }) => {
        if (gone) return;
        stop = attachFlv(v, src, fatal)?.stop ?? null;
      });
    } else if (!('MediaSource' in window) && v.canPlayType('application/vnd.apple.mpegurl')) {
      v.src = src;
      v.addEventListener('error', fatal);
      stop = () => { v.removeEventListener('error', fatal); v.removeAttribute('src'); v.load(); };
      // Safari: the playlist's first EXT-X-PROGRAM-DATE-TIME as the start of currentTime
      playingDate = () => {
        const start = (v as HTMLVideoElement & { getStartDate?: () => Date }).getStartDate?.().getTime();
        return start !== undefined && Number.isFinite(start) ? start + v.currentTime * 1000 : null;
      };
    } else {
      void import('./hls-player').then(({ attachHls }) => {
        if (gone) return;
        const h = attachHls(v, src, fatal);
        stop = h?.stop ?? null;
        if (h) playingDate = h.playingDate;
      });
    }
    // The spotlight waits for the picture (in-step.ts) only while the picture moves
    setVideoClock(() => (v.paused || v.ended || v.readyState < 2 ? null : playingDate()));
    return () => {
      gone = true;
      setVideoClock(null);
      clearTimeout(retry);
      clearInterval(watchdog);
      v.removeEventListener('playing', played);
      stop?.();
    };
  }, [src, kind, attempt]);

  const unmute = () => {
    const v = video.current;
    if (!v) return;
    v.muted = false;
    setMuted(false);
    void v.play().catch(() => undefined);
  };

  return (
    <section class="live-video" aria-label={t('live_video')}>
      <p class="kicker"><span class="live-dot" aria-hidden="true" /> {t('video_live')}</p>
      <div class="video-box">
        <video ref={video} id="live-video" muted autoplay playsInline controls={!muted}
          aria-label={t('live_video')} />
        {muted && <button type="button" class="tap-sound" id="tap-sound" onClick={unmute}>{t('tap_for_sound')}</button>}
      </div>
      {failing && <p class="muted" role="status">{t('video_failed')}</p>}
    </section>
  );
}
