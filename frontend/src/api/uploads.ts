// Typed wrapper over UploadService: files the person brings into a project
// (kept in its folder under data/, written to its sandbox, described to the
// model). Like index.ts, every call resolves with clean types or rejects
// with an ApiError carrying a sentence.
import type { api } from '../../wailsjs/go/models'
import type { Data } from './types'
import { call } from './call'
import { uploadsChosen } from './topics'
import { bindings, models, runtime } from './wails'

/** One uploaded file: path in the project (data/<name>), size, kind, what the model is told. */
export type Upload = Data<api.UploadDTO>
export type UploadKind = Upload['kind']
/** What an upload kept; warning when the sandbox could not take the files yet. */
export type UploadResult = Data<api.UploadResult>

/** One file the page read, base64 without a data: prefix. */
export interface UploadFilePayload {
  name: string
  data: string
}

/** The largest file a drop may carry (the backend's uploads.MaxInlineBytes). */
export const MAX_DROP_BYTES = 15 * 1024 * 1024
/** The largest file the Upload button's system dialog takes (uploads.MaxFileBytes). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024

const clean = (r: UploadResult | null | undefined): UploadResult => ({ uploads: r?.uploads ?? [], warning: r?.warning })

export const uploadsApi = {
  upload: async (projectId: string, files: UploadFilePayload[]): Promise<UploadResult> =>
    clean(await call(() => bindings.Upload.Upload(models.UploadRequest.createFrom({ projectId, files })))),
  /** Opens the system's file dialog; a cancelled dialog uploads nothing. */
  pick: async (projectId: string): Promise<UploadResult> => clean(await call(() => bindings.Upload.Pick(projectId))),
  list: async (projectId: string): Promise<Upload[]> => (await call(() => bindings.Upload.List(projectId))) ?? [],
  /** Calls handler when the project's file dialog closed with files chosen (their upload starts). */
  onChosen: (projectId: string, handler: (count: number) => void): (() => void) => {
    if (typeof window === 'undefined' || !(window as Window & { runtime?: unknown }).runtime) return () => {}
    const off = runtime.EventsOn(uploadsChosen(projectId), (p: unknown) => {
      const n = (p as { count?: unknown } | null)?.count
      handler(typeof n === 'number' ? n : 0)
    })
    return typeof off === 'function' ? off : () => {}
  },
}
