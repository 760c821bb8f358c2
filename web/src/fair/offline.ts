// What the pages keep in this browser so that they still show something on a bad connection:
// who is logged in, the fair list, and per fair the catalog items last seen with their stock
// (the service worker keeps the shell and the pictures). Nothing here is a secret (the session
// is the HttpOnly cookie), and all of it is forgotten at logout. Orders and the draft are kept
// by sheet.ts, under their own keys.
import type { Fair, Item, Terms, User } from './protocol';

const USER_KEY = 'fair.offline.user';
const FAIRS_KEY = 'fair.offline.fairs';
const fairKey = (fair: number) => `fair.offline.fair.${fair}`;
/** the items kept per fair: the first page and the most recently seen, enough to browse */
export const OFFLINE_ITEMS = 400;

export interface SavedFair {
  savedAt: number;
  fair: Fair;
  total: number;
  firstPage: number[];
  items: Item[];
  stock: Record<string, number>;
  /** the fair's English names of colours and categories, when read (catalog.terms) */
  terms?: Terms;
}

function read<T>(key: string): T | null {
  try {
    const text = localStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // over the quota: the copy is a convenience, the server stays the truth
  }
}

export function savedUser(): User | null {
  return read<User>(USER_KEY);
}

export function saveUser(user: User | null): void {
  if (user) write(USER_KEY, user);
  else forgetAll();
}

export function savedFairs(): Fair[] {
  return read<Fair[]>(FAIRS_KEY) ?? [];
}

export function saveFairs(fairs: Fair[]): void {
  write(FAIRS_KEY, fairs);
}

export function savedFair(fair: number): SavedFair | null {
  return read<SavedFair>(fairKey(fair));
}

export function saveFair(fair: number, copy: SavedFair): void {
  write(fairKey(fair), copy);
}

/** Logged out: nothing of this account stays in the browser. */
export function forgetAll(): void {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const k = localStorage.key(i);
    if (k?.startsWith('fair.offline.')) localStorage.removeItem(k);
  }
}
