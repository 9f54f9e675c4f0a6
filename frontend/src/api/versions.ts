// Typed wrappers over VersionsService: a project's versions (one per turn
// that changed files, per manual edit, per restore), their diffs, restore
// and branch. Like index.ts, every call resolves with clean types or rejects
// with an ApiError carrying a sentence.
import { ApiError, BACKEND_MISSING, toApiError } from './errors'
import type { Project } from './types'
import { bindings } from './wails'

export type VersionKind = 'turn' | 'edit' | 'restore' | 'branch' | 'import'

export interface Version {
  id: string
  /** RFC 3339. */
  time: string
  /** The person's prompt (a turn), or what Tessera did (restore, import…). */
  message: string
  kind: VersionKind | string
  /** The answer that made it (turns). */
  messageId: string
  /** provider/model (turns). */
  model: string
  /** The version a restore brought back. */
  restoredFrom: string
  filesChanged: string[]
  /** The project's files are this version's (the newest). */
  current: boolean
}

export type FileStatus = 'added' | 'modified' | 'deleted'

export interface FileDiff {
  path: string
  status: FileStatus | string
  before: string
  after: string
  /** Binary (or very large) files carry no text. */
  binary: boolean
}

export interface RestoreResult {
  version: Version
  /** Set when the sandbox could not take the files now. */
  warning?: string
}

export interface BranchResult {
  project: Project
  version: Version
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

function cleanVersion(v: Version): Version {
  return { ...v, filesChanged: v.filesChanged ?? [], time: String(v.time ?? '') }
}

export const versions = {
  history: async (projectId: string) =>
    ((await call<Version[] | null>(() => bindings.Versions.History(projectId))) ?? []).map(cleanVersion),
  folder: (projectId: string) => call<string>(() => bindings.Versions.Folder(projectId)),
  diff: async (projectId: string, versionId: string) =>
    (await call<FileDiff[] | null>(() => bindings.Versions.Diff(projectId, versionId))) ?? [],
  restore: async (projectId: string, versionId: string) => {
    const r = await call<RestoreResult>(() => bindings.Versions.Restore(projectId, versionId))
    return { ...r, version: cleanVersion(r.version) }
  },
  branch: async (projectId: string, versionId: string, name: string) => {
    const r = await call<BranchResult>(() => bindings.Versions.Branch({ projectId, versionId, name } as never))
    return { ...r, version: cleanVersion(r.version) }
  },
}
