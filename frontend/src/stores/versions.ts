// The Versions panel's state: each project's history, the diffs already
// fetched (a version never changes, so they are kept), which version and
// file are shown, and restore/branch in flight.
import { create } from 'zustand'
import { errorMessage } from '../api'
import { versions as api, type BranchResult, type FileDiff, type RestorePoints, type RestoreResult, type Version } from '../api/versions'
import { useChat } from './chat'
import { useProjects } from './projects'

export interface ProjectVersions {
  versions: Version[]
  loaded: boolean
  loading: boolean
  error: string | null
}

export interface DiffState {
  files: FileDiff[] | null
  loading: boolean
  error: string | null
}

interface VersionsState {
  /** The project whose panel is open, or null. */
  openFor: string | null
  byProject: Record<string, ProjectVersions>
  /** By `${projectId}/${versionId}`. */
  diffs: Record<string, DiffState>
  /** The version shown, per project. */
  selected: Record<string, string | null>
  /** The file shown, per project (null: the first of the version). */
  file: Record<string, string | null>
  /** The project's folder on disk, per project (once known). */
  folder: Record<string, string>
  /** Runtime restore points (sandbox snapshots) per project, once known. */
  points: Record<string, RestorePoints>
  /** A restore or branch is running. */
  busy: boolean
  open: (projectId: string) => void
  close: () => void
  load: (projectId: string) => Promise<void>
  select: (projectId: string, versionId: string) => Promise<void>
  selectFile: (projectId: string, path: string) => void
  restore: (projectId: string, versionId: string) => Promise<RestoreResult>
  branch: (projectId: string, versionId: string, name: string, withSandbox?: boolean) => Promise<BranchResult>
  loadPoints: (projectId: string) => Promise<void>
  /** The history alone (for the chat's lines about restores and undos), without the panel's diff. */
  refreshHistory: (projectId: string) => Promise<void>
}

/** How often the open panel asks again while a restore point is being saved. */
export const POINTS_POLL_MS = 1500

const emptyVersions: ProjectVersions = { versions: [], loaded: false, loading: false, error: null }
const emptyDiff: DiffState = { files: null, loading: false, error: null }

export const diffKey = (projectId: string, versionId: string) => `${projectId}/${versionId}`

export function versionsOf(s: Pick<VersionsState, 'byProject'>, projectId: string): ProjectVersions {
  return s.byProject[projectId] ?? emptyVersions
}

/** The first line of a version's message, for a list row or a toast. */
export function summary(v: Version): string {
  const first = v.message.split('\n', 1)[0].trim()
  return first.length > 120 ? first.slice(0, 119) + '…' : first || '(no message)'
}

export const useVersions = create<VersionsState>((set, get) => {
  const patch = (projectId: string, p: Partial<ProjectVersions>) =>
    set((s) => ({ byProject: { ...s.byProject, [projectId]: { ...versionsOf(s, projectId), ...p } } }))
  const patchDiff = (key: string, p: Partial<DiffState>) =>
    set((s) => ({ diffs: { ...s.diffs, [key]: { ...(s.diffs[key] ?? emptyDiff), ...p } } }))

  return {
    openFor: null,
    byProject: {},
    diffs: {},
    selected: {},
    file: {},
    folder: {},
    points: {},
    busy: false,

    open: (projectId) => {
      set({ openFor: projectId })
      void get().load(projectId)
      // Where the files are, for the person's own editor; unknown is fine.
      api.folder(projectId).then(
        (dir) => set((s) => ({ folder: { ...s.folder, [projectId]: dir } })),
        () => undefined,
      )
    },
    close: () => set({ openFor: null }),

    load: async (projectId) => {
      patch(projectId, { loading: true, error: null })
      try {
        const vs = await api.history(projectId)
        patch(projectId, { versions: vs, loaded: true, loading: false })
        void get().loadPoints(projectId)
        const sel = get().selected[projectId]
        if (vs.length > 0 && (!sel || !vs.some((v) => v.id === sel))) await get().select(projectId, vs[0].id)
      } catch (e) {
        patch(projectId, { loading: false, loaded: true, error: errorMessage(e) })
      }
    },

    select: async (projectId, versionId) => {
      set((s) => ({ selected: { ...s.selected, [projectId]: versionId }, file: { ...s.file, [projectId]: null } }))
      const key = diffKey(projectId, versionId)
      const d = get().diffs[key]
      if (d?.files || d?.loading) return
      patchDiff(key, { loading: true, error: null })
      try {
        patchDiff(key, { files: await api.diff(projectId, versionId), loading: false })
      } catch (e) {
        patchDiff(key, { loading: false, error: errorMessage(e) })
      }
    },

    loadPoints: async (projectId) => {
      try {
        const p = await api.restorePoints(projectId)
        set((s) => ({ points: { ...s.points, [projectId]: p } }))
        // A restore point is being saved after a turn that installed:
        // ask again (history too: its marker) while the panel is open.
        if (p.saving) {
          setTimeout(() => {
            if (get().openFor === projectId) void get().load(projectId)
          }, POINTS_POLL_MS)
        }
      } catch {
        // The count is a hint; the history shows regardless.
      }
    },

    refreshHistory: async (projectId) => {
      try {
        patch(projectId, { versions: await api.history(projectId), loaded: true })
      } catch {
        // The chat's file lines are a hint: the Versions panel says what failed.
      }
    },

    selectFile: (projectId, path) => set((s) => ({ file: { ...s.file, [projectId]: path } })),

    restore: async (projectId, versionId) => {
      set({ busy: true })
      try {
        const r = await api.restore(projectId, versionId)
        // The new version is first; the Code tab shows the restored files.
        patch(projectId, { versions: [r.version, ...versionsOf(get(), projectId).versions.map((v) => ({ ...v, current: false }))] })
        await get().select(projectId, r.version.id)
        void useChat.getState().loadFiles(projectId)
        void get().loadPoints(projectId)
        return r
      } finally {
        set({ busy: false })
      }
    },

    branch: async (projectId, versionId, name, withSandbox = false) => {
      set({ busy: true })
      try {
        const r = await api.branch(projectId, versionId, name, withSandbox)
        await useProjects.getState().load()
        await useProjects.getState().select(r.project.id)
        set({ openFor: null })
        return r
      } finally {
        set({ busy: false })
      }
    },
  }
})
