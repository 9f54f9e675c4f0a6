// Terminals per project: the shells and the server console the backend
// keeps open (they survive switching projects: the backend holds the
// sessions and their scrollback, this store their list, state and which
// tab is active), and the output stream a terminal view draws.
import { create } from 'zustand'
import { errorMessage } from '../api'
import {
  decodeBytes,
  subscribeTerminal,
  terminalApi,
  type TerminalData,
  type TerminalInfo,
} from '../api/terminal'
import { toast } from './toast'

export interface ProjectTerminals {
  ids: string[]
  active: string | null
  loaded: boolean
}

interface TerminalStoreState {
  sessions: Record<string, TerminalInfo>
  byProject: Record<string, ProjectTerminals>
  /** The Terminal tab of the preview panel is showing, per project. */
  shown: Record<string, boolean>
  busy: Record<string, boolean>
  show: (projectId: string, on: boolean) => void
  /** Loads the project's open terminals from the backend (once). */
  load: (projectId: string) => Promise<void>
  open: (projectId: string, cols?: number, rows?: number) => Promise<string | null>
  openServer: (projectId: string) => Promise<string | null>
  close: (id: string) => Promise<void>
  setActive: (projectId: string, id: string) => void
  input: (id: string, data: string) => void
  resize: (id: string, cols: number, rows: number) => void
  restartServer: (projectId: string) => Promise<void>
  /** Applies a state event or a snapshot's info. */
  put: (info: TerminalInfo) => void
}

const emptyProject = (): ProjectTerminals => ({ ids: [], active: null, loaded: false })

/**
 * Keys go to the backend one call at a time per terminal, in order (bound
 * calls run concurrently, so keys sent at once could be reordered); keys
 * typed while a call is out are sent together with the next.
 */
const outbox = new Map<string, { queued: string; sending: boolean }>()

function sendInOrder(id: string, data: string) {
  const box = outbox.get(id) ?? { queued: '', sending: false }
  outbox.set(id, box)
  box.queued += data
  if (box.sending) return
  const next = async () => {
    box.sending = true
    while (box.queued) {
      const chunk = box.queued
      box.queued = ''
      try {
        await terminalApi.input(id, chunk)
      } catch (e) {
        box.queued = ''
        toast.error(errorMessage(e))
      }
    }
    box.sending = false
    outbox.delete(id)
  }
  void next()
}

/** Unsubscribers of the state topics, per session (outside React state). */
const following = new Map<string, () => void>()
const loading = new Map<string, Promise<void>>()

export const useTerminal = create<TerminalStoreState>((set, get) => {
  const project = (projectId: string) => get().byProject[projectId] ?? emptyProject()
  const patchProject = (projectId: string, p: Partial<ProjectTerminals>) =>
    set((s) => ({ byProject: { ...s.byProject, [projectId]: { ...(s.byProject[projectId] ?? emptyProject()), ...p } } }))

  const follow = (info: TerminalInfo) => {
    if (following.has(info.id)) return
    following.set(info.id, subscribeTerminal(info.id, { data: () => {}, state: (i) => get().put(i) }))
  }

  const add = (info: TerminalInfo, activate: boolean) => {
    follow(info)
    set((s) => {
      const p = s.byProject[info.projectId] ?? emptyProject()
      const ids = p.ids.includes(info.id) ? p.ids : [...p.ids, info.id]
      return {
        sessions: { ...s.sessions, [info.id]: info },
        byProject: { ...s.byProject, [info.projectId]: { ...p, ids, active: activate || !p.active ? info.id : p.active } },
      }
    })
  }

  return {
    sessions: {},
    byProject: {},
    shown: {},
    busy: {},
    show: (projectId, on) => set((s) => ({ shown: { ...s.shown, [projectId]: on } })),
    load: (projectId) => {
      if (project(projectId).loaded) return Promise.resolve()
      const running = loading.get(projectId)
      if (running) return running
      const p = (async () => {
        try {
          const list = await terminalApi.list(projectId)
          for (const info of list) add(info, false)
        } catch (e) {
          toast.error(errorMessage(e))
        } finally {
          patchProject(projectId, { loaded: true })
          loading.delete(projectId)
        }
      })()
      loading.set(projectId, p)
      return p
    },
    open: async (projectId, cols = 80, rows = 24) => {
      try {
        const info = await terminalApi.open(projectId, cols, rows)
        add(info, true)
        return info.id
      } catch (e) {
        toast.error(errorMessage(e))
        return null
      }
    },
    openServer: async (projectId) => {
      try {
        const info = await terminalApi.openServer(projectId)
        add(info, true)
        return info.id
      } catch (e) {
        toast.error(errorMessage(e))
        return null
      }
    },
    close: async (id) => {
      const info = get().sessions[id]
      following.get(id)?.()
      following.delete(id)
      if (info) {
        set((s) => {
          const p = s.byProject[info.projectId] ?? emptyProject()
          const ids = p.ids.filter((x) => x !== id)
          const at = p.ids.indexOf(id)
          const active = p.active === id ? ids[Math.min(at, ids.length - 1)] ?? null : p.active
          const sessions = { ...s.sessions }
          delete sessions[id]
          return { sessions, byProject: { ...s.byProject, [info.projectId]: { ...p, ids, active } } }
        })
      }
      await terminalApi.close(id).catch((e) => toast.error(errorMessage(e)))
    },
    setActive: (projectId, id) => patchProject(projectId, { active: id }),
    input: (id, data) => sendInOrder(id, data),
    resize: (id, cols, rows) => {
      if (get().sessions[id]?.kind !== 'shell' || cols < 2 || rows < 1) return
      void terminalApi.resize(id, cols, rows).catch(() => {})
    },
    restartServer: async (projectId) => {
      set((s) => ({ busy: { ...s.busy, [projectId]: true } }))
      try {
        await terminalApi.restartServer(projectId)
      } catch (e) {
        toast.error(errorMessage(e))
      } finally {
        set((s) => ({ busy: { ...s.busy, [projectId]: false } }))
      }
    },
    put: (info) =>
      set((s) => (s.sessions[info.id] ? { sessions: { ...s.sessions, [info.id]: { ...s.sessions[info.id], ...info } } } : {})),
  }
})

/**
 * Streams a terminal's output to `write`: first what the backend kept
 * (Snapshot), then every event after it, each byte exactly once (events
 * carry their offset; what the snapshot already had is cut off). Returns
 * the function that stops.
 */
export function streamTerminal(id: string, write: (bytes: Uint8Array) => void): () => void {
  let end = -1 // -1: the snapshot has not arrived; events wait
  let stopped = false
  const waiting: TerminalData[] = []
  const apply = (d: TerminalData) => {
    const bytes = decodeBytes(d.data)
    const dEnd = d.start + bytes.length
    if (dEnd <= end) return
    write(d.start < end ? bytes.subarray(end - d.start) : bytes)
    end = dEnd
  }
  const off = subscribeTerminal(id, {
    data: (d) => (end < 0 ? waiting.push(d) : apply(d)),
    state: () => {},
  })
  const drain = () => {
    for (const d of waiting.splice(0)) apply(d)
  }
  terminalApi
    .snapshot(id)
    .then((snap) => {
      if (stopped) return
      const bytes = decodeBytes(snap.data)
      if (bytes.length) write(bytes)
      end = snap.end
      const { id: sid, projectId, kind, title, state, message } = snap
      useTerminal.getState().put({ id: sid, projectId, kind, title, state, message })
      drain()
    })
    .catch(() => {
      if (stopped) return
      end = 0
      drain()
    })
  return () => {
    stopped = true
    off()
  }
}
