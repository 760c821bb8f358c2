// Preact hooks over the client, the store, the sheet, the language and the clock; a component
// loaded when first drawn; a field's value from its input event.
import { createElement, type FunctionComponent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { onLang, t } from '../i18n';

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

/** A component whose code is fetched the first time it is shown (a chunk of its own), with a
 * word while it comes and an error if it cannot (fetched again next time). */
export function lazyComponent<P>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let module: Promise<FunctionComponent<P>> | null = null;
  return (props: P) => {
    const [Page, setPage] = useState<FunctionComponent<P> | null>(null);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      module ??= load();
      module.then((c) => setPage(() => c)).catch(() => { module = null; setFailed(true); });
    }, []);
    if (failed) return createElement('p', { class: 'error', role: 'alert' }, t('err_unavailable'));
    return Page ? createElement(Page as FunctionComponent<any>, props as any) : createElement('p', { class: 'muted' }, t('loading'));
  };
}

/** What a field holds, from its input event. */
export const fieldValue = (e: Event) => (e.target as HTMLInputElement).value;

/** A reader for a list whose answers may come back out of order (a word typed, then another):
 * each read's answer is used only if no later read began meanwhile, so the newest is shown. */
export function useNewest(): <T>(read: Promise<T>, use: (value: T) => void, fail?: (e: any) => void) => Promise<void> {
  const latest = useRef(0);
  return (read, use, fail) => {
    const mine = ++latest.current;
    return read.then((v) => { if (mine === latest.current) use(v); }, (e) => { if (mine === latest.current) fail?.(e); });
  };
}
