// Typed wrapper over TerminalService: shells in the project's sandbox and
// the console of its web server. Output arrives as events (base64 chunks
// with their byte offset), so a late subscriber can line them up with
// Snapshot.
import * as Bound from '../../wailsjs/go/api/TerminalService'
import { ApiError, BACKEND_MISSING, toApiError } from './errors'
import { subscribe } from './index'

export type TerminalKind = 'shell' | 'server'
export type TerminalState = 'starting' | 'running' | 'paused' | 'lost' | 'stopped' | 'exited'

export interface TerminalInfo {
  id: string
  projectId: string
  kind: TerminalKind
  title: string
  state: TerminalState
  /** The sentence for the person when not running. */
  message?: string
}

export interface TerminalSnapshot extends TerminalInfo {
  /** Output kept so far (base64); events continue from `end`. */
  data: string
  end: number
}

/** One batch of output: bytes (base64) starting at byte offset `start`. */
export interface TerminalData {
  start: number
  data: string
}

export interface TerminalExit {
  code: number
  message: string
}

type WailsWindow = Window & { go?: Record<string, unknown> }

async function call<T>(fn: () => Promise<unknown>): Promise<T> {
  if (typeof window === 'undefined' || !(window as WailsWindow).go) throw new ApiError('unavailable', BACKEND_MISSING)
  try {
    return (await fn()) as T
  } catch (e) {
    throw toApiError(e)
  }
}

export const terminalApi = {
  open: (projectId: string, cols: number, rows: number) => call<TerminalInfo>(() => Bound.Open(projectId, cols, rows)),
  openServer: (projectId: string) => call<TerminalInfo>(() => Bound.OpenServer(projectId)),
  input: (id: string, data: string) => call<void>(() => Bound.Input(id, data)),
  resize: (id: string, cols: number, rows: number) => call<void>(() => Bound.Resize(id, cols, rows)),
  close: (id: string) => call<void>(() => Bound.Close(id)),
  snapshot: async (id: string) => {
    const s = await call<TerminalSnapshot>(() => Bound.Snapshot(id))
    return { ...s, data: (s.data as unknown as string | null) ?? '' }
  },
  list: async (projectId: string) => (await call<TerminalInfo[] | null>(() => Bound.List(projectId))) ?? [],
  restartServer: (projectId: string) => call<void>(() => Bound.RestartServer(projectId)),
}

export const terminalTopics = {
  data: (id: string) => `terminal:data:${id}`,
  state: (id: string) => `terminal:state:${id}`,
  exit: (id: string) => `terminal:exit:${id}`,
}

/** Listens to one terminal's output, state and end; returns the unsubscribe. */
export function subscribeTerminal(
  id: string,
  on: { data: (d: TerminalData) => void; state: (i: TerminalInfo) => void; exit?: (e: TerminalExit) => void },
): () => void {
  const offs = [
    subscribe<TerminalData>(terminalTopics.data(id), on.data),
    subscribe<TerminalInfo>(terminalTopics.state(id), on.state),
    subscribe<TerminalExit>(terminalTopics.exit(id), (e) => on.exit?.(e)),
  ]
  return () => offs.forEach((off) => off())
}

/** Decodes Go's []byte JSON (standard base64) into bytes. */
export function decodeBytes(b64: string | null | undefined): Uint8Array {
  if (!b64) return new Uint8Array(0)
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
