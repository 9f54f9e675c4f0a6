// The Code tab's explorer and editor: each project's file tree, the files
// open in tabs, and the person's unsaved text (drafts). Drafts are kept in
// localStorage as they are typed, so switching projects, reloading or
// quitting never loses them: the tab comes back, still unsaved.
import { create } from 'zustand'
import { errorMessage, subscribe, topics } from '../api'
import { filesApi, type FileChangeResult, type TreeEntry } from '../api/files'
import { toast } from './toast'
import { useChat } from './chat'

export interface OpenFile {
  path: string
  /** The text as saved (what the folder holds). */
  content: string
  /** The person's unsaved text, or null when there is none. */
  draft: string | null
  binary: boolean
  size: number
  loading: boolean
  saving: boolean
  error: string | null
  /** The file changed in the folder (a turn wrote it) while the person had unsaved text: saving replaces that change. */
  stale: boolean
  /** When the person last saved it here (ISO), so Ctrl+S shows that it saved; absent before. */
  savedAt?: string
}

export interface ProjectFiles {
  entries: TreeEntry[]
  truncated: boolean
  loaded: boolean
  loading: boolean
  error: string | null
  /** Open tabs, in order, and the one shown. */
  tabs: string[]
  active: string | null
  files: Record<string, OpenFile>
  /** Folders shown open (by path). */
  expanded: Record<string, boolean>
  query: string
}

interface FilesState {
  byProject: Record<string, ProjectFiles>
  /** Long lines wrap in the editor (one choice for all projects, kept). */
  wrap: boolean
  /** Changes after every save that reached the sandbox, per project: a web preview reloads on it. */
  savedNonce: Record<string, number>
  /** The Files tab is the one shown in the project's panel. */
  shown: Record<string, boolean>
  show: (projectId: string, on: boolean) => void
  loadTree: (projectId: string) => Promise<void>
  /** The tree again and every open file without a draft (after a turn wrote files). */
  refresh: (projectId: string) => Promise<void>
  open: (projectId: string, path: string) => Promise<void>
  activate: (projectId: string, path: string) => void
  /** Closes a tab; its draft goes too (the component asks first). */
  close: (projectId: string, path: string) => void
  edit: (projectId: string, path: string, text: string) => void
  save: (projectId: string, path: string) => Promise<boolean>
  create: (projectId: string, path: string, dir: boolean) => Promise<boolean>
  rename: (projectId: string, from: string, to: string) => Promise<boolean>
  remove: (projectId: string, path: string) => Promise<boolean>
  toggle: (projectId: string, dir: string) => void
  setQuery: (projectId: string, q: string) => void
  setWrap: (wrap: boolean) => void
}

export const DRAFTS_KEY = 'tessera.drafts.v1'
const WRAP_KEY = 'tessera.editor.wrap'

/** What is kept per project: the open tabs and the drafts with the text they were made from. */
interface Kept {
  tabs: string[]
  active: string | null
  drafts: Record<string, { draft: string; base: string }>
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

export function readKept(): Record<string, Kept> {
  try {
    const raw = storage()?.getItem(DRAFTS_KEY)
    const v = raw ? (JSON.parse(raw) as unknown) : null
    return v && typeof v === 'object' ? (v as Record<string, Kept>) : {}
  } catch {
    return {}
  }
}

function keptOf(p: ProjectFiles): Kept | null {
  const drafts: Kept['drafts'] = {}
  for (const f of Object.values(p.files)) if (f.draft !== null) drafts[f.path] = { draft: f.draft, base: f.content }
  if (p.tabs.length === 0 && Object.keys(drafts).length === 0) return null
  return { tabs: p.tabs, active: p.active, drafts }
}

function writeKept(byProject: Record<string, ProjectFiles>): void {
  const s = storage()
  if (!s) return
  const all = readKept()
  for (const [id, p] of Object.entries(byProject)) {
    const k = keptOf(p)
    if (k) all[id] = k
    else delete all[id]
  }
  try {
    s.setItem(DRAFTS_KEY, JSON.stringify(all))
  } catch {
    toast.error('Your unsaved changes could not be kept on this computer (its storage is full). Save them with Ctrl+S.')
  }
}

/** True when a project has unsaved text in any file. */
export function hasDrafts(p: ProjectFiles | undefined): boolean {
  return !!p && Object.values(p.files).some((f) => f.draft !== null)
}

export function emptyProjectFiles(): ProjectFiles {
  return { entries: [], truncated: false, loaded: false, loading: false, error: null, tabs: [], active: null, files: {}, expanded: {}, query: '' }
}

const blankFile = (path: string): OpenFile => ({ path, content: '', draft: null, binary: false, size: 0, loading: true, saving: false, error: null, stale: false })

/** True when p is dir itself or inside it. */
export const under = (p: string, dir: string) => p === dir || p.startsWith(dir + '/')

export const useFiles = create<FilesState>((set, get) => {
  const restored = restoreKept
  const proj = (id: string) => get().byProject[id] ?? restored(id)
  const patch = (id: string, fn: (p: ProjectFiles) => Partial<ProjectFiles>) =>
    set((s) => {
      const cur = s.byProject[id] ?? restored(id)
      return { byProject: { ...s.byProject, [id]: { ...cur, ...fn(cur) } } }
    })
  const patchFile = (id: string, path: string, fn: (f: OpenFile) => Partial<OpenFile>) =>
    patch(id, (p) => {
      const f = p.files[path] ?? blankFile(path)
      return { files: { ...p.files, [path]: { ...f, ...fn(f) } } }
    })
  let timer: ReturnType<typeof setTimeout> | null = null
  const persist = (now = false) => {
    if (timer) clearTimeout(timer)
    timer = null
    if (now) writeKept(get().byProject)
    else timer = setTimeout(() => persist(true), 250)
  }
  if (typeof window !== 'undefined') {
    window.addEventListener('beforeunload', () => persist(true))
    window.addEventListener('pagehide', () => persist(true))
  }
  // Quitting (the backend's "app:quit", sent before the window closes) keeps the last keystrokes too.
  let quitHooked = false
  const hookQuit = () => {
    if (quitHooked) return
    quitHooked = true
    subscribe(topics.appQuit, () => persist(true))
  }

  const reportChange = (projectId: string, r: FileChangeResult) => {
    if (r.warning) toast.error(r.warning)
    // The chat's copy of the files (shown when no answer is left) follows the change.
    if (useChat.getState().chats[projectId]?.files) void useChat.getState().loadFiles(projectId)
    if (r.synced) set((s) => ({ savedNonce: { ...s.savedNonce, [projectId]: (s.savedNonce[projectId] ?? 0) + 1 } }))
  }

  const read = async (projectId: string, path: string) => {
    const before = proj(projectId).files[path]
    // Only a file already shown can go stale (a first read has nothing to compare with).
    const shown = !!before && !before.loading && !before.error
    patchFile(projectId, path, () => ({ loading: true, error: null }))
    try {
      const c = await filesApi.read(projectId, path)
      patchFile(projectId, path, (f) => {
        const draft = f.draft === c.content ? null : f.draft
        const stale = draft !== null && shown && f.content !== c.content
        return { content: c.content, binary: c.binary, size: c.size, loading: false, draft, stale: draft !== null && (f.stale || stale) }
      })
    } catch (e) {
      patchFile(projectId, path, () => ({ loading: false, error: errorMessage(e) }))
    }
  }

  return {
    byProject: {},
    wrap: storage()?.getItem(WRAP_KEY) === '1',
    savedNonce: {},
    shown: {},
    show: (projectId, on) => set((s) => (!!s.shown[projectId] === on ? s : { shown: { ...s.shown, [projectId]: on } })),

    loadTree: async (projectId) => {
      patch(projectId, () => ({ loading: true, error: null }))
      try {
        const t = await filesApi.tree(projectId)
        patch(projectId, () => ({ entries: t.entries, truncated: t.truncated, loaded: true, loading: false }))
      } catch (e) {
        patch(projectId, () => ({ loading: false, loaded: true, error: errorMessage(e) }))
      }
    },

    refresh: async (projectId) => {
      await get().loadTree(projectId)
      const p = proj(projectId)
      await Promise.all(p.tabs.filter((t) => p.files[t] && !p.files[t].saving).map((t) => read(projectId, t)))
    },

    open: async (projectId, path) => {
      const p = proj(projectId)
      patch(projectId, (c) => ({ tabs: c.tabs.includes(path) ? c.tabs : [...c.tabs, path], active: path }))
      persist()
      const f = p.files[path]
      // A draft kept from before a restart is read once too: the file may have changed meanwhile (then it is stale).
      if (!f || (!f.loading && f.error) || (f.draft !== null && f.size === 0 && !f.saving)) await read(projectId, path)
    },

    activate: (projectId, path) => {
      patch(projectId, () => ({ active: path }))
      persist()
    },

    close: (projectId, path) => {
      patch(projectId, (p) => {
        const i = p.tabs.indexOf(path)
        const tabs = p.tabs.filter((t) => t !== path)
        const files = { ...p.files }
        delete files[path]
        const active = p.active === path ? tabs[Math.min(i, tabs.length - 1)] ?? null : p.active
        return { tabs, files, active }
      })
      persist(true)
    },

    edit: (projectId, path, text) => {
      hookQuit()
      patchFile(projectId, path, (f) => ({ draft: text === f.content ? null : text }))
      persist()
    },

    save: async (projectId, path) => {
      const f = proj(projectId).files[path]
      if (!f || f.draft === null || f.saving) return false
      const text = f.draft
      patchFile(projectId, path, () => ({ saving: true, error: null }))
      try {
        const r = await filesApi.save(projectId, path, text)
        // Typing during the save keeps the newer text as the draft.
        patchFile(projectId, path, (cur) => ({
          saving: false,
          stale: false,
          content: text,
          size: new Blob([text]).size,
          draft: cur.draft === text ? null : cur.draft,
          savedAt: new Date().toISOString(),
        }))
        persist(true)
        reportChange(projectId, r)
        void get().loadTree(projectId)
        return true
      } catch (e) {
        patchFile(projectId, path, () => ({ saving: false, error: errorMessage(e) }))
        toast.error(errorMessage(e))
        return false
      }
    },

    create: async (projectId, path, dir) => {
      try {
        reportChange(projectId, await filesApi.create(projectId, path, dir))
      } catch (e) {
        toast.error(errorMessage(e))
        return false
      }
      const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
      if (parent) patch(projectId, (p) => ({ expanded: { ...p.expanded, [parent]: true } }))
      await get().loadTree(projectId)
      if (!dir) await get().open(projectId, path)
      return true
    },

    rename: async (projectId, from, to) => {
      try {
        reportChange(projectId, await filesApi.rename(projectId, from, to))
      } catch (e) {
        toast.error(errorMessage(e))
        return false
      }
      const move = (p: string) => (under(p, from) ? to + p.slice(from.length) : p)
      patch(projectId, (p) => {
        const files: Record<string, OpenFile> = {}
        for (const f of Object.values(p.files)) files[move(f.path)] = { ...f, path: move(f.path) }
        // A renamed folder stays open as it was.
        const expanded: Record<string, boolean> = {}
        for (const [d, on] of Object.entries(p.expanded)) expanded[move(d)] = on
        return { tabs: p.tabs.map(move), active: p.active ? move(p.active) : null, files, expanded }
      })
      persist(true)
      await get().loadTree(projectId)
      return true
    },

    remove: async (projectId, path) => {
      try {
        reportChange(projectId, await filesApi.remove(projectId, path))
      } catch (e) {
        toast.error(errorMessage(e))
        return false
      }
      for (const t of proj(projectId).tabs.filter((t) => under(t, path))) get().close(projectId, t)
      await get().loadTree(projectId)
      return true
    },

    toggle: (projectId, dir) => patch(projectId, (p) => ({ expanded: { ...p.expanded, [dir]: !p.expanded[dir] } })),
    setQuery: (projectId, q) => patch(projectId, () => ({ query: q })),
    setWrap: (wrap) => {
      set({ wrap })
      storage()?.setItem(WRAP_KEY, wrap ? '1' : '0')
    },
  }
})

/** The project's explorer state (kept tabs and drafts included before the first load). */
export function filesOf(s: Pick<FilesState, 'byProject'>, projectId: string): ProjectFiles {
  return s.byProject[projectId] ?? restoredView(projectId)
}

// A stable object per project for selectors that run before the store has the project.
const views = new Map<string, ProjectFiles>()
function restoredView(projectId: string): ProjectFiles {
  let v = views.get(projectId)
  if (!v) {
    v = restoreKept(projectId)
    views.set(projectId, v)
  }
  return v
}

/** A project seen for the first time this session: its kept tabs and drafts come back. */
export function restoreKept(id: string): ProjectFiles {
  const k = readKept()[id]
  const p = emptyProjectFiles()
  if (!k || typeof k !== 'object') return p
  p.tabs = Array.isArray(k.tabs) ? k.tabs.filter((t) => typeof t === 'string') : []
  for (const [path, d] of Object.entries(k.drafts ?? {})) {
    if (!d || typeof d.draft !== 'string') continue
    if (!p.tabs.includes(path)) p.tabs.push(path)
    p.files[path] = { ...blankFile(path), content: typeof d.base === 'string' ? d.base : '', draft: d.draft, loading: false }
  }
  p.active = k.active && p.tabs.includes(k.active) ? k.active : p.tabs[0] ?? null
  return p
}

/** One row of the tree as shown: depth for the indent. */
export interface TreeRow {
  entry: TreeEntry
  name: string
  depth: number
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1)

/**
 * The rows the tree shows: folders first then files, each level sorted by
 * name; a folder's children only when it is expanded. With a query, every
 * file whose name contains it (case-insensitive) and its folders, all open.
 */
export function visibleRows(entries: TreeEntry[], expanded: Record<string, boolean>, query: string): TreeRow[] {
  const q = query.trim().toLowerCase()
  const children = new Map<string, TreeEntry[]>()
  let keep: Set<string> | null = null
  if (q) {
    keep = new Set()
    for (const e of entries) {
      if (!baseName(e.path).toLowerCase().includes(q)) continue
      keep.add(e.path)
      for (let d = e.path; d.includes('/'); ) {
        d = d.slice(0, d.lastIndexOf('/'))
        keep.add(d)
      }
    }
  }
  for (const e of entries) {
    if (keep && !keep.has(e.path)) continue
    const parent = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : ''
    const list = children.get(parent)
    if (list) list.push(e)
    else children.set(parent, [e])
  }
  const out: TreeRow[] = []
  const walk = (dir: string, depth: number) => {
    const list = children.get(dir)
    if (!list) return
    list.sort((a, b) => (a.dir !== b.dir ? (a.dir ? -1 : 1) : baseName(a.path).localeCompare(baseName(b.path))))
    for (const e of list) {
      out.push({ entry: e, name: baseName(e.path), depth })
      if (e.dir && (keep || expanded[e.path])) walk(e.path, depth + 1)
    }
  }
  walk('', 0)
  return out
}
