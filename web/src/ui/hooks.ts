// Preact hooks over the client, the store, the sheet, the language and the clock.
import { useEffect, useState } from 'preact/hooks';
import { onLang } from '../i18n';

interface Subscribable { subscribe(fn: () => void): () => void }

/** Re-renders when the source says it changed. */
export function useSubscription(source: Subscribable | null): void {
  const [, setTick] = useState(0);
  useEffect(() => (source ? source.subscribe(() => setTick((n) => n + 1)) : undefined), [source]);
}

export function useLanguage(): void {
  const [, setTick] = useState(0);
  useEffect(() => onLang(() => setTick((n) => n + 1)), []);
}

/** The time now, updated every `everyMs` (countdowns). */
export function useNow(everyMs = 1000, skewMs = 0): number {
  const [now, setNow] = useState(Date.now() + skewMs);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now() + skewMs), everyMs);
    return () => clearInterval(id);
  }, [everyMs, skewMs]);
  return now;
}

/** The part of location.hash after '#', kept current. */
export function useRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || '/');
  useEffect(() => {
    const on = () => setRoute(location.hash.slice(1) || '/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
