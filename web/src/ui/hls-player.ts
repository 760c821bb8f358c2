// hls.js for browsers without native HLS (Chromium, Firefox): loaded by video.tsx only when a
// stream is live, so it is a chunk of its own and the room's first download stays as it was.
// The light build (no subtitles, alternate audio or DRM: the fair's stream has none).
import Hls from 'hls.js/light';

export interface HlsPlayback {
  stop(): void;
  /** the moment on screen, ms since the epoch on the server's clock, from the playlist's
   * EXT-X-PROGRAM-DATE-TIME (null before the first fragment plays) */
  playingDate(): number | null;
}

/** Plays src in video with hls.js; returns how to stop it and read its clock, or null when
 * this browser has no MediaSource either. onFatal is told of an error hls.js could not
 * recover. */
export function attachHls(video: HTMLVideoElement, src: string, onFatal: () => void): HlsPlayback | null {
  if (!Hls.isSupported()) return null;
  const hls = new Hls({
    // no worker: hls.js would make one from a blob: URL, which the CSP's worker-src 'self'
    // refuses (docs/SECURITY.md); transmuxing a 1 s fragment on the page costs a few ms
    enableWorker: false,
    // start near the live edge: three 1 s fragments back (nginx-rtmp's hls_fragment 1s)
    liveSyncDurationCount: 3,
    lowLatencyMode: false,
    // The room hears `stream` live as nginx accepts the publish, a second or so before nginx
    // writes the first playlist: a 404 then is asked again (hls.js gives up on a 4xx at once)
    manifestLoadPolicy: {
      default: {
        maxTimeToFirstByteMs: 10_000,
        maxLoadTimeMs: 20_000,
        timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
        errorRetry: {
          maxNumRetry: 10, retryDelayMs: 500, maxRetryDelayMs: 2000,
          shouldRetry: (cfg, count) => !!cfg && count < cfg.maxNumRetry,
        },
      },
    },
  });
  hls.on(Hls.Events.ERROR, (_e, data) => {
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
    else onFatal();
  });
  hls.loadSource(src);
  hls.attachMedia(video);
  return { stop: () => hls.destroy(), playingDate: () => hls.playingDate?.getTime() ?? null };
}
