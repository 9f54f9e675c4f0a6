import { create } from 'zustand'
import * as api from '../api'
import type { SearchGroup, SearchHit } from '../api'
import { errorMessage } from '../api'
import { fragmentFromStored } from '../lib/fragment'
import { useChat } from './chat'
import { useProjects } from './projects'
import { toast } from './toast'

/** Typing pauses this long before a query is sent. */
export const SEARCH_DEBOUNCE_MS = 120
/** How long a jump waits for the chat to load a page before giving up. */
const LOAD_WAIT_MS = 15_000
/** Older pages fetched at most to find a hit's message or file. */
const MAX_PAGES = 200

/** One selectable row of the dialog. */
export interface FlatHit {
  projectId: string
  projectName: string
  hit: SearchHit
}

export function flatHits(groups: SearchGroup[]): FlatHit[] {
  return groups.flatMap((g) => g.hits.map((hit) => ({ projectId: g.projectId, projectName: g.projectName, hit })))
}

/** A message to scroll into view and flash briefly (MessageList takes it). */
export interface Jump {
  projectId: string
  messageId: string
  nonce: number
}

/** A file to show in the Code tab (CodeView takes it). */
export interface Reveal {
  projectId: string
  path: string
  line: number
  nonce: number
}

interface SearchState {
  open: boolean
  query: string
  groups: SearchGroup[]
  /** The query the shown groups answer ('' = none yet). */
  answered: string
  loading: boolean
  error: string | null
  /** Index into flatHits(groups) of the highlighted row. */
  active: number
  jump: Jump | null
  reveal: Reveal | null
  setOpen: (open: boolean) => void
  toggle: () => void
  setQuery: (q: string) => void
  /** Runs the query now (setQuery debounces to this). */
  run: (q: string) => Promise<void>
  move: (delta: number) => void
  setActive: (i: number) => void
  /** Opens the highlighted row (Enter). */
  openActive: () => Promise<void>
  openHit: (projectId: string, hit: SearchHit) => Promise<void>
  clearJump: (nonce: number) => void
  clearReveal: (nonce: number) => void
}

type Chat = NonNullable<ReturnType<typeof useChat.getState>['chats'][string]>

/** Resolves when the project's chat satisfies ok (or after the wait, with false). */
function waitChat(projectId: string, ok: (c: Chat | undefined) => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    if (ok(useChat.getState().chats[projectId])) return resolve(true)
    const timer = setTimeout(() => {
      off()
      resolve(false)
    }, LOAD_WAIT_MS)
    const off = useChat.subscribe((s) => {
      if (ok(s.chats[projectId])) {
        clearTimeout(timer)
        off()
        resolve(true)
      }
    })
  })
}

const loaded = (c: Chat | undefined) => !!c && c.loaded && !c.loading

/**
 * Loads the project's chat and then older pages until found() holds or
 * nothing older is left. True when found.
 */
async function loadUntil(projectId: string, found: (c: Chat) => boolean): Promise<boolean> {
  void useChat.getState().load(projectId)
  if (!(await waitChat(projectId, loaded))) return false
  for (let i = 0; i < MAX_PAGES; i++) {
    const c = useChat.getState().chats[projectId]
    if (!c) return false
    if (found(c)) return true
    if (!c.hasMore || c.olderError) return false
    const before = c.oldestSeq
    await useChat.getState().loadOlder(projectId)
    // Another loadOlder (scrolling) may have been in flight: wait for it.
    if (!(await waitChat(projectId, (x) => !!x && !x.loadingOlder))) return false
    const after = useChat.getState().chats[projectId]
    if (!after || (after.oldestSeq === before && !found(after))) return false
  }
  return false
}

function newestWithFile(c: Chat, path: string): string | null {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const m = c.messages[i]
    if (m.role !== 'assistant' || !m.fragment) continue
    if (fragmentFromStored(m.fragment)?.files.some((f) => f.path === path)) return m.id
  }
  return null
}

export const useSearch = create<SearchState>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | null = null
  let seq = 0
  let nonce = 0
  return {
    open: false,
    query: '',
    groups: [],
    answered: '',
    loading: false,
    error: null,
    active: 0,
    jump: null,
    reveal: null,

    setOpen: (open) => set(open ? { open } : { open, loading: false }),
    toggle: () => get().setOpen(!get().open),

    setQuery: (query) => {
      set({ query })
      if (timer) clearTimeout(timer)
      if (!query.trim()) {
        seq++
        set({ groups: [], answered: '', loading: false, error: null, active: 0 })
        return
      }
      timer = setTimeout(() => void get().run(query), SEARCH_DEBOUNCE_MS)
    },

    run: async (query) => {
      const mine = ++seq
      set({ loading: true, error: null })
      try {
        const groups = await api.search.query(query)
        if (mine !== seq) return // a newer query was typed meanwhile
        set({ groups, answered: query, loading: false, active: 0 })
      } catch (e) {
        if (mine !== seq) return
        set({ loading: false, error: errorMessage(e) })
      }
    },

    move: (delta) => {
      const n = flatHits(get().groups).length
      if (n === 0) return
      set({ active: (((get().active + delta) % n) + n) % n })
    },

    setActive: (active) => set({ active }),

    openActive: async () => {
      const row = flatHits(get().groups)[get().active]
      if (row) await get().openHit(row.projectId, row.hit)
    },

    openHit: async (projectId, hit) => {
      set({ open: false })
      try {
        if (useProjects.getState().currentId !== projectId) await useProjects.getState().select(projectId)
      } catch (e) {
        toast.error(errorMessage(e))
        return
      }
      const chat = useChat.getState()
      if (hit.kind === 'message' || hit.kind === 'fragment') {
        const ok = await loadUntil(projectId, (c) => c.messages.some((m) => m.id === hit.messageId))
        if (!ok) {
          toast.error('That message is no longer in the chat.')
          return
        }
        if (hit.kind === 'fragment') {
          chat.select(projectId, hit.messageId)
          chat.setTab(projectId, 'code')
        }
        set({ jump: { projectId, messageId: hit.messageId, nonce: ++nonce } })
        return
      }
      if (hit.kind === 'file') {
        let messageId: string | null = null
        await loadUntil(projectId, (c) => (messageId = newestWithFile(c, hit.path)) !== null || c.messages.length === 0)
        if (messageId) {
          chat.select(projectId, messageId)
          chat.setTab(projectId, 'code')
        } else if ((useChat.getState().chats[projectId]?.messages.length ?? 0) > 0) {
          // Only the project's kept files have it (no answer in the chat shows it).
          toast.info(`${hit.path} is in the project's files, but no answer in this chat shows it.`)
          return
        }
        set({ reveal: { projectId, path: hit.path, line: hit.line, nonce: ++nonce } })
      }
    },

    clearJump: (n) => {
      if (get().jump?.nonce === n) set({ jump: null })
    },
    clearReveal: (n) => {
      if (get().reveal?.nonce === n) set({ reveal: null })
    },
  }
})
