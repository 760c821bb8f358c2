// The spotlight in step with the live video (issue 24, PROTOCOL.md "Live video"): a dealer
// sees a spotlight no sooner than the video shows the moment the rep set it. The playlist
// dates each segment on the server's clock (EXT-X-PROGRAM-DATE-TIME), the spotlight's `at` is
// on the same clock, so the room shows the latest spotlight whose `at` the picture on screen
// has reached. Without a playing video (none, not started, paused, ended, failing) nothing is
// held. Only the spotlight card (and what a question is about) waits: the Q&A, prices, stock
// and ordering are shown as they come.
import { useEffect, useState } from 'preact/hooks';
import type { Spotlight } from '../fair/protocol';
import type { FairStore } from '../fair/store';
import { useSubscription } from './hooks';

/** Which moment (ms since the epoch, server's clock) the picture on screen shows, or null. */
export type VideoClock = () => number | null;

/** The playlist's dates say when the picture reached the server's side (nginx-rtmp), not
 * when the camera took it: the publisher's encoder and uplink come before (ffmpeg on the same
 * machine: tens of ms; OBS with x264 over a network: a few hundred). So a spotlight waits this
 * much longer than the dates alone say, and errs late rather than early. */
export const PICTURE_ALLOWANCE_MS = 500;

/** A spotlight is never held longer than this, whatever the video says (a player stuck on
 * a frame, a playlist with wrong dates): four times the 8 s the live latency is held to. */
export const HOLD_MAX_MS = 30_000;

let clock: VideoClock | null = null;
const listeners = new Set<() => void>();

/** The room's player says how to read its clock (null: no video any more). */
export function setVideoClock(c: VideoClock | null): void {
  clock = c;
  for (const fn of listeners) fn();
}

/** The moment the room's video shows now, or null without a playing video. */
export function videoShows(): number | null {
  return clock ? clock() : null;
}

/** The spotlight to show: the latest one the video has reached (the latest of all without
 * video, or once held HOLD_MAX_MS). Re-renders by itself when a held one becomes due. */
export function useSpotlightInStep(store: FairStore): Spotlight | null {
  useSubscription(store);
  const [, setTick] = useState(0);
  useEffect(() => {
    const on = () => setTick((n) => n + 1);
    listeners.add(on);
    return () => { listeners.delete(on); };
  }, []);
  const latest = store.view.spotlight;
  const trail = store.view.spotlightTrail;
  const shows = latest ? videoShows() : null;
  const now = Date.now();
  let shown = latest;
  let wait = 0; // ms until the next look, 0: nothing held
  if (shows !== null && trail.length > 0) {
    shown = trail[0].s; // none reached yet: the one before them all
    for (let i = trail.length - 1; i >= 0; i--) {
      const h = trail[i];
      if (Date.parse(h.s.at) + PICTURE_ALLOWANCE_MS <= shows || now - h.heard >= HOLD_MAX_MS) {
        shown = h.s;
        break;
      }
    }
    if (shown !== latest) {
      const last = trail[trail.length - 1];
      // the video moves at one second a second: look again when it should be there,
      // at least every 250 ms (it may stall or jump)
      wait = Math.max(20, Math.min(250, Date.parse(last.s.at) + PICTURE_ALLOWANCE_MS - shows, last.heard + HOLD_MAX_MS - now));
    }
  }
  useEffect(() => {
    if (!wait) return;
    const id = window.setTimeout(() => setTick((n) => n + 1), wait);
    return () => clearTimeout(id);
  });
  return shown;
}
