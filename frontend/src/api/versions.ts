// Typed wrappers over VersionsService: a project's versions (one per turn
// that changed files, per manual edit, per restore), their diffs, restore
// and branch. Like index.ts, every call resolves with clean types or rejects
// with an ApiError carrying a sentence.
import { call } from './call'
import type { api } from '../../wailsjs/go/models'
import type { Data } from './types'
import { bindings } from './wails'

export type VersionKind = 'turn' | 'edit' | 'restore' | 'branch' | 'import' | 'outside' | 'undo'

/**
 * One version: time (RFC 3339), message (the person's prompt, or what
 * Tessera did), kind, messageId and model (turns), restoredFrom (restores),
 * filesChanged, current (the project's files are this version's).
 */
export type Version = Data<api.VersionDTO>

export type FileStatus = 'added' | 'modified' | 'deleted'

/** One file a version changed; binary (or very large) files carry no text. */
export type FileDiff = Data<api.FileDiffDTO>

/** The new version; warning is set when the sandbox could not take the files now. */
export type RestoreResult = Data<api.RestoreResult>

export type BranchResult = Data<api.BranchResult>

/** How many runtime restore points (sandbox snapshots) the project keeps; saving: one is being saved. */
export type RestorePoints = Data<api.RestorePointsDTO>

function cleanVersion(v: Version): Version {
  return { ...v, filesChanged: v.filesChanged ?? [], conflicts: v.conflicts ?? [], time: String(v.time ?? ''), restorePoint: !!v.restorePoint }
}

export const versions = {
  history: async (projectId: string): Promise<Version[]> =>
    ((await call(() => bindings.Versions.History(projectId))) ?? []).map(cleanVersion),
  folder: (projectId: string): Promise<string> => call(() => bindings.Versions.Folder(projectId)),
  diff: async (projectId: string, versionId: string): Promise<FileDiff[]> =>
    (await call(() => bindings.Versions.Diff(projectId, versionId))) ?? [],
  restore: async (projectId: string, versionId: string): Promise<RestoreResult> => {
    const r = await call(() => bindings.Versions.Restore(projectId, versionId))
    return { ...r, version: cleanVersion(r.version) }
  },
  branch: async (projectId: string, versionId: string, name: string, withSandbox = false): Promise<BranchResult> => {
    const r = await call(() => bindings.Versions.Branch({ projectId, versionId, name, withSandbox }))
    return { ...r, version: cleanVersion(r.version) }
  },
  restorePoints: (projectId: string): Promise<RestorePoints> => call(() => bindings.Versions.RestorePoints(projectId)),
}
