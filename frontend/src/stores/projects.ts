import { create } from 'zustand'
import * as api from '../api'
import type { Project, Starter } from '../api'
import { errorMessage } from '../api'
import { nameLength } from '../lib/names'

export const MAX_NAME = 100
export const MAX_DESCRIPTION = 1000

/** The same rules as the backend (store.ValidateName), so the dialog can say it first. */
export function validateProjectName(name: string): string | null {
  const n = name.trim()
  if (!n) return 'Give the project a name.'
  const len = nameLength(n)
  if (len > MAX_NAME) return `A project name can have at most ${MAX_NAME} characters (this one has ${len}).`
  if (/[\r\n\0]/.test(n)) return 'A project name must be on one line.'
  return null
}

export function validateDescription(d: string): string | null {
  if ([...d.trim()].length > MAX_DESCRIPTION) return `A description can have at most ${MAX_DESCRIPTION} characters.`
  return null
}

interface ProjectsState {
  projects: Project[]
  currentId: string | null
  loaded: boolean
  loading: boolean
  error: string | null
  load: () => Promise<void>
  /** The new-project gallery; loaded once, on first open of the dialog. */
  starters: Starter[]
  startersError: string | null
  loadStarters: () => Promise<void>
  /** With `starter`, the starter's files become the project's first version (its template wins). */
  create: (input: { name: string; description: string; template: string; starter?: string }) => Promise<Project>
  rename: (id: string, name: string) => Promise<Project>
  remove: (id: string) => Promise<void>
  select: (id: string) => Promise<void>
  current: () => Project | null
  /** A copy of the project (chat, files, variables), listed after it; not selected. */
  duplicate: (id: string) => Promise<Project>
  /** Postpones the cleanup of the project's idle sandbox. */
  keepSandbox: (id: string) => Promise<Project>
  /** Back to the home screen (every project); the top-bar menu still switches directly. */
  goHome: () => void
}

function sortByActivity(ps: Project[]): Project[] {
  return [...ps].sort((a, b) => Date.parse(b.lastActivityAt || '0') - Date.parse(a.lastActivityAt || '0'))
}

export const useProjects = create<ProjectsState>((set, get) => ({
  projects: [],
  currentId: null,
  loaded: false,
  loading: false,
  error: null,
  starters: [],
  startersError: null,

  loadStarters: async () => {
    if (get().starters.length > 0) return
    try {
      set({ starters: await api.projects.starters(), startersError: null })
    } catch (e) {
      set({ startersError: errorMessage(e) })
    }
  },

  load: async () => {
    set({ loading: true, error: null })
    try {
      const [list, cur] = await Promise.all([api.projects.list(), api.projects.current()])
      const currentId = cur && list.some((p) => p.id === cur) ? cur : null
      set({ projects: list, currentId, loaded: true, loading: false })
      if (currentId) {
        // Remember + resume its sandbox in the background (Select does both).
        api.projects.select(currentId).catch(() => {})
      }
    } catch (e) {
      set({ loading: false, loaded: true, error: errorMessage(e) })
    }
  },

  create: async ({ name, description, template, starter }) => {
    const req = { name: name.trim(), description: description.trim(), template }
    const p = await api.projects.create(starter ? { ...req, starter } : req)
    // Create also selects it on the backend.
    set((s) => ({ projects: [p, ...s.projects.filter((x) => x.id !== p.id)], currentId: p.id }))
    return p
  },

  rename: async (id, name) => {
    const p = await api.projects.update({ id, name: name.trim() })
    set((s) => ({ projects: s.projects.map((x) => (x.id === id ? p : x)) }))
    return p
  },

  remove: async (id) => {
    await api.projects.remove(id)
    const rest = get().projects.filter((p) => p.id !== id)
    const wasCurrent = get().currentId === id
    set({ projects: rest, currentId: wasCurrent ? null : get().currentId })
    if (wasCurrent && rest.length > 0) {
      await get().select(rest[0].id).catch(() => {})
    }
  },

  select: async (id) => {
    const prev = get().currentId
    set({ currentId: id }) // switch at once; the backend call remembers it
    try {
      const p = await api.projects.select(id)
      set((s) => ({ projects: s.projects.map((x) => (x.id === id ? p : x)) }))
    } catch (e) {
      set({ currentId: prev })
      throw e
    }
  },

  current: () => {
    const { projects, currentId } = get()
    return projects.find((p) => p.id === currentId) ?? null
  },

  duplicate: async (id) => {
    const p = await api.projects.duplicate(id)
    set((s) => ({ projects: [p, ...s.projects.filter((x) => x.id !== p.id)] }))
    return p
  },

  keepSandbox: async (id) => {
    const p = await api.projects.keepSandbox(id)
    set((s) => ({ projects: s.projects.map((x) => (x.id === id ? p : x)) }))
    return p
  },

  goHome: () => {
    set({ currentId: null })
    // The list may be stale (running time, sandbox states): read it again.
    api.projects
      .list()
      .then((list) => set({ projects: list }))
      .catch(() => {})
  },
}))

export { sortByActivity }
