// Typed wrapper over TerminalService: shells in the project's sandbox and
// the console of its web server. Output arrives as events (base64 chunks
// with their byte offset), so a late subscriber can line them up with
// Snapshot.
import type { api } from '../../wailsjs/go/models'
import type { Data } from './types'
import { call } from './call'
import { subscribe, topics } from './index'
import { bindings } from './wails'

export type TerminalInfo = Data<api.TerminalInfo>
export type TerminalKind = TerminalInfo['kind']
export type TerminalState = TerminalInfo['state']
/** A terminal with the output it kept (base64); events continue from `end`. */
export type TerminalSnapshot = Data<api.TerminalSnapshot>

/** One batch of output: bytes (base64) starting at byte offset `start`. */
export interface TerminalData {
  start: number
  data: string
}

export interface TerminalExit {
  code: number
  message: string
}

const Bound = bindings.Terminal

export const terminalApi = {
  open: (projectId: string, cols: number, rows: number) => call(() => Bound.Open(projectId, cols, rows)),
  openServer: (projectId: string) => call(() => Bound.OpenServer(projectId)),
  input: (id: string, data: string) => call(() => Bound.Input(id, data)),
  resize: (id: string, cols: number, rows: number) => call(() => Bound.Resize(id, cols, rows)),
  close: (id: string) => call(() => Bound.Close(id)),
  snapshot: async (id: string): Promise<TerminalSnapshot> => {
    const s = await call(() => Bound.Snapshot(id))
    return { ...s, data: s.data ?? '' }
  },
  list: async (projectId: string) => (await call(() => Bound.List(projectId))) ?? [],
  restartServer: (projectId: string) => call(() => Bound.RestartServer(projectId)),
}

/** Listens to one terminal's output, state and end; returns the unsubscribe. */
export function subscribeTerminal(
  id: string,
  on: { data: (d: TerminalData) => void; state: (i: TerminalInfo) => void; exit?: (e: TerminalExit) => void },
): () => void {
  const offs = [
    subscribe<TerminalData>(topics.terminalData(id), on.data),
    subscribe<TerminalInfo>(topics.terminalState(id), on.state),
    subscribe<TerminalExit>(topics.terminalExit(id), (e) => on.exit?.(e)),
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
