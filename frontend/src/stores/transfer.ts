// Export, import and push: which of their dialogs is open, the path being
// chosen, the project's git remote, and the call in flight. Each action
// rejects with an ApiError sentence for the dialog to show.
import { create } from 'zustand'
import { transfer as api, type ExportResult, type ImportResult, type PushResult, type Remote } from '../api/transfer'
import { useProjects } from './projects'

export type TransferDialog = 'export' | 'import' | 'push' | null

interface TransferState {
  dialog: TransferDialog
  /** The project the export or push dialog is about. */
  projectId: string | null
  busy: boolean
  /** The remote of projectId, once loaded. */
  remote: Remote | null
  openExport: (projectId: string) => void
  openImport: () => void
  openPush: (projectId: string) => Promise<void>
  close: () => void
  /** Opens the native dialog; resolves with "" when cancelled. */
  chooseExportPath: (projectId: string) => Promise<string>
  chooseImport: (kind: 'file' | 'folder') => Promise<string>
  exportTo: (projectId: string, path: string) => Promise<ExportResult>
  /** Imports and selects the new project. */
  importFrom: (path: string) => Promise<ImportResult>
  /** Saves the remote and, when token is not empty, the token. */
  saveRemote: (projectId: string, url: string, username: string, branch: string, token: string) => Promise<Remote>
  forgetToken: (projectId: string) => Promise<void>
  push: (projectId: string) => Promise<PushResult>
}

export const useTransfer = create<TransferState>((set, get) => {
  // busy wraps a call: true while it runs, false however it ends.
  async function busy<T>(fn: () => Promise<T>): Promise<T> {
    set({ busy: true })
    try {
      return await fn()
    } finally {
      set({ busy: false })
    }
  }
  return {
    dialog: null,
    projectId: null,
    busy: false,
    remote: null,

    openExport: (projectId) => set({ dialog: 'export', projectId }),
    openImport: () => set({ dialog: 'import', projectId: null }),
    openPush: async (projectId) => {
      set({ dialog: 'push', projectId, remote: null })
      const r = await api.getRemote(projectId)
      if (get().projectId === projectId) set({ remote: r })
    },
    close: () => set({ dialog: null }),

    chooseExportPath: (projectId) => api.chooseExportPath(projectId),
    chooseImport: (kind) => (kind === 'file' ? api.chooseImportFile() : api.chooseImportFolder()),

    exportTo: (projectId, path) => busy(() => api.exportProject(projectId, path.trim())),

    importFrom: (path) =>
      busy(async () => {
        const r = await api.importProject(path.trim())
        await useProjects.getState().load()
        await useProjects.getState().select(r.project.id)
        set({ dialog: null })
        return r
      }),

    saveRemote: (projectId, url, username, branch, token) =>
      busy(async () => {
        let r = await api.setRemote({ projectId, url: url.trim(), username: username.trim(), branch: branch.trim() })
        if (token.trim() !== '') {
          await api.setToken(projectId, token.trim())
          r = { ...r, hasToken: true }
        }
        set({ remote: r })
        return r
      }),

    forgetToken: (projectId) =>
      busy(async () => {
        await api.setToken(projectId, '')
        const r = get().remote
        if (r) set({ remote: { ...r, hasToken: false } })
      }),

    push: (projectId) =>
      busy(async () => {
        const r = await api.push(projectId)
        const cur = get().remote
        if (cur) set({ remote: { ...cur, pushedAt: r.pushedAt } })
        return r
      }),
  }
})
