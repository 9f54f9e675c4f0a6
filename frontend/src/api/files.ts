// Typed wrapper over FilesService: the project's folder as the Code tab's
// explorer and editor see it. Every call resolves with clean types or
// rejects with an ApiError carrying a sentence.
import type { api } from '../../wailsjs/go/models'
import type { Data } from './types'
import { call } from './call'
import { bindings } from './wails'

/** One file or folder of the project (path relative to it, slash form); a symbolic link has link set (and where it points): it is shown, never opened. */
export type TreeEntry = Omit<Data<api.TreeEntryDTO>, 'link' | 'target'> & { link?: boolean; target?: string }
export type FileTree = { entries: TreeEntry[]; truncated: boolean }
/** One file for the editor; binary files carry no content. */
export type FileContent = Data<api.FileContentDTO>
/** The version a change made (none when nothing changed), and a warning when the sandbox could not take it now. */
export type FileChangeResult = Data<api.FileChangeResult>

const Bound = bindings.Files

export const filesApi = {
  tree: async (projectId: string): Promise<FileTree> => {
    const t = await call(() => Bound.Tree(projectId))
    return { entries: t?.entries ?? [], truncated: !!t?.truncated }
  },
  read: (projectId: string, path: string): Promise<FileContent> => call(() => Bound.Read(projectId, path)),
  save: (projectId: string, path: string, content: string): Promise<FileChangeResult> =>
    call(() => Bound.Save({ projectId, path, content })),
  create: (projectId: string, path: string, dir: boolean): Promise<FileChangeResult> =>
    call(() => Bound.Create({ projectId, path, dir })),
  rename: (projectId: string, from: string, to: string): Promise<FileChangeResult> =>
    call(() => Bound.Rename({ projectId, from, to })),
  remove: (projectId: string, path: string): Promise<FileChangeResult> => call(() => Bound.Delete({ projectId, path })),
}
