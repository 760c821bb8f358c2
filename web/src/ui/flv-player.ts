// HTTP-FLV for a brand's own live service (a fair's playback_url ending in .flv, issue 24),
// with mpegts.js from npm: loaded by video.tsx only when such a URL is to be played, so it is
// a chunk of its own and neither the room's first download nor the HLS player carries it.
import mpegts from 'mpegts.js';

export interface FlvPlayback {
  stop(): void;
}

/** Plays the HTTP-FLV stream src in video; returns how to stop it, or null when this browser
 * has no MediaSource. onFatal is told of an error the player could not recover. */
export function attachFlv(video: HTMLVideoElement, src: string, onFatal: () => void): FlvPlayback | null {
  if (!mpegts.isSupported()) return null;
  const player = mpegts.createPlayer({ type: 'flv', url: src, isLive: true }, {
    // no worker: it would be made from a blob: URL, which the CSP's worker-src 'self' refuses
    // (docs/SECURITY.md), as for hls.js
    enableWorker: false,
    // stay near the live edge, as the HLS player does
    liveBufferLatencyChasing: true,
    lazyLoad: false,
  });
  player.on(mpegts.Events.ERROR, () => onFatal());
  player.attachMediaElement(video);
  player.load();
  void Promise.resolve(player.play()).catch(() => undefined);
  return {
    stop: () => {
      player.pause();
      player.unload();
      player.detachMediaElement();
      player.destroy();
    },
  };
}
