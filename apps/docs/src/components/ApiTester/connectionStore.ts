/**
 * The connection every tester on the site shares: server URL, project and credentials, entered once
 * per visit. Kept in this module's memory; copied to sessionStorage (this tab only, gone when it
 * closes) only when the reader ticks "Remember in this tab". Never in localStorage, cookies or URLs,
 * never logged.
 */
import { useSyncExternalStore } from 'react';

export type AuthMode = 'basic' | 'bearer';

export interface Connection {
  /** Empty until the reader types one: the tester then uses its default (the page's origin). */
  serverUrl: string;
  projectId: string;
  authMode: AuthMode;
  customerId: string;
  customerSecret: string;
  token: string;
  remember: boolean;
}

const STORAGE_KEY = 'parley-docs-connection';
const EMPTY: Connection = { serverUrl: '', projectId: '', authMode: 'basic', customerId: '', customerSecret: '', token: '', remember: false };

let current: Connection | undefined;
const listeners = new Set<() => void>();

function storage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.sessionStorage;
  } catch {
    // Storage can be disabled (privacy settings): memory only then.
    return undefined;
  }
}

function load(): Connection {
  const raw = storage()?.getItem(STORAGE_KEY);
  if (!raw) return EMPTY;
  try {
    return { ...EMPTY, ...(JSON.parse(raw) as Partial<Connection>), remember: true };
  } catch {
    return EMPTY;
  }
}

function snapshot(): Connection {
  current ??= load();
  return current;
}

export function updateConnection(change: Partial<Connection>): void {
  current = { ...snapshot(), ...change };
  const store = storage();
  if (current.remember) store?.setItem(STORAGE_KEY, JSON.stringify(current));
  else store?.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConnection(): Connection {
  // The server render (and hydration) sees the empty connection; stored values arrive right after.
  return useSyncExternalStore(subscribe, snapshot, () => EMPTY);
}
