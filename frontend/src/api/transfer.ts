// Typed wrappers over TransferService: export a project to a zip, import a
// zip, a folder or a git repository as a new project, and push a project's
// history to a git remote (its token kept in the OS keychain; the page only
// ever learns whether one is saved). The Choose* calls open the native
// dialog and resolve with "" when the person cancels.
import { call } from './call'
import type { api } from '../../wailsjs/go/models'
import type { Data } from './types'
import { bindings } from './wails'

export type ExportResult = Data<api.ExportResult>
/** The new project; sandbox says whether its sandbox at E2B was found again. */
export type ImportResult = Data<api.ImportResult>
/** A project's remote: url "" when none; hasToken, never the token. */
export type Remote = Data<api.RemoteDTO>
export type SetRemoteRequest = Data<api.SetRemoteRequest>
export type PushResult = Data<api.PushResultDTO>

export const transfer = {
  chooseExportPath: (projectId: string): Promise<string> => call(() => bindings.Transfer.ChooseExportPath(projectId)),
  chooseImportFile: (): Promise<string> => call(() => bindings.Transfer.ChooseImportFile()),
  chooseImportFolder: (): Promise<string> => call(() => bindings.Transfer.ChooseImportFolder()),
  exportProject: (projectId: string, path: string): Promise<ExportResult> =>
    call(() => bindings.Transfer.Export({ projectId, path })),
  importProject: (path: string): Promise<ImportResult> => call(() => bindings.Transfer.Import(path)),
  getRemote: (projectId: string): Promise<Remote> => call(() => bindings.Transfer.GetRemote(projectId)),
  setRemote: (req: SetRemoteRequest): Promise<Remote> => call(() => bindings.Transfer.SetRemote(req)),
  /** Saves the token in the keychain; "" removes it. */
  setToken: (projectId: string, token: string): Promise<void> => call(() => bindings.Transfer.SetRemoteToken(projectId, token)),
  removeRemote: (projectId: string): Promise<void> => call(() => bindings.Transfer.RemoveRemote(projectId)),
  push: (projectId: string): Promise<PushResult> => call(() => bindings.Transfer.Push(projectId)),
}
