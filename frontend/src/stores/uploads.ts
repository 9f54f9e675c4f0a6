// Files the person uploads into a project: kept in its folder (data/),
// written to its sandbox, described to the model in the next turn. The
// chat's drop zone and Upload button call this store; so may the file
// tree (uploadFiles for files dropped onto it, pick for a button).
import { create } from 'zustand'
import { errorMessage } from '../api'
import { MAX_DROP_BYTES, MAX_FILE_BYTES, uploadsApi, type Upload, type UploadResult } from '../api/uploads'
import { toast } from './toast'

export function humanSize(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KB`
  return `${n} bytes`
}

/** The sentence for a file too large to drop, or null when it may be dropped. */
export function dropRefusal(f: { name: string; size: number }): string | null {
  if (f.size <= MAX_DROP_BYTES) return null
  if (f.size > MAX_FILE_BYTES) return `${f.name} is ${humanSize(f.size)}; files up to ${humanSize(MAX_FILE_BYTES)} can be uploaded.`
  return `${f.name} is ${humanSize(f.size)}; files up to ${humanSize(MAX_DROP_BYTES)} can be dropped. Use the Upload button for files up to ${humanSize(MAX_FILE_BYTES)}.`
}

/** A file's bytes as base64 (no data: prefix). */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => {
      const s = String(r.result ?? '')
      resolve(s.slice(s.indexOf(',') + 1))
    }
    r.onerror = () => reject(r.error)
    r.readAsDataURL(file)
  })
}

interface UploadsState {
  byProject: Record<string, Upload[]>
  busy: Record<string, boolean>
  /** The last refusal or failure, per project (shown until dismissed or the next upload). */
  error: Record<string, string | null>
  load: (projectId: string) => Promise<void>
  /** Uploads files the page holds (a drop, a file input); resolves true when they were kept. */
  uploadFiles: (projectId: string, files: File[]) => Promise<boolean>
  /** Opens the system's file dialog (files up to 50 MB); false when nothing was uploaded. */
  pick: (projectId: string) => Promise<boolean>
  /**
   * The system's file dialog is open (Pick has not returned): the button
   * says "Choose files…", not "Uploading…", while nothing is chosen yet.
   */
  picking: Record<string, boolean>
  dismissError: (projectId: string) => void
}

/** Listeners told after every upload (e.g. a file tree that reloads). */
const listeners = new Set<(projectId: string, uploads: Upload[]) => void>()
export function onUploaded(fn: (projectId: string, uploads: Upload[]) => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export const useUploads = create<UploadsState>((set, get) => {
  const setFor = <K extends 'busy' | 'error'>(key: K, projectId: string, v: UploadsState[K][string]) =>
    set((s) => ({ [key]: { ...s[key], [projectId]: v } }) as Partial<UploadsState>)

  const kept = (projectId: string, r: UploadResult): boolean => {
    if (r.uploads.length === 0) return false
    set((s) => {
      const byPath = new Map((s.byProject[projectId] ?? []).map((u) => [u.path, u]))
      for (const u of r.uploads) byPath.set(u.path, u)
      return { byProject: { ...s.byProject, [projectId]: [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path)) } }
    })
    const names = r.uploads.map((u) => u.path).join(', ')
    toast.outcome(`Uploaded ${names}. Your next message tells the assistant about ${r.uploads.length === 1 ? 'it' : 'them'}.`, r.warning, 'error', 'upload')
    for (const fn of listeners) fn(projectId, r.uploads)
    return true
  }

  const run = async (projectId: string, work: () => Promise<UploadResult>): Promise<boolean> => {
    if (get().busy[projectId]) return false
    setFor('busy', projectId, true)
    setFor('error', projectId, null)
    try {
      return kept(projectId, await work())
    } catch (e) {
      setFor('error', projectId, errorMessage(e))
      return false
    } finally {
      setFor('busy', projectId, false)
    }
  }

  return {
    byProject: {},
    busy: {},
    error: {},
    load: async (projectId) => {
      try {
        const list = await uploadsApi.list(projectId)
        set((s) => ({ byProject: { ...s.byProject, [projectId]: list } }))
      } catch {
        // offline or gone: the list stays as it was
      }
    },
    uploadFiles: async (projectId, files) => {
      if (files.length === 0) return false
      // Every file is checked before any is read: one too large refuses the drop, nothing is uploaded.
      for (const f of files) {
        const why = dropRefusal(f)
        if (why) {
          setFor('error', projectId, why)
          return false
        }
      }
      return run(projectId, async () => {
        const payload = await Promise.all(
          files.map(async (f) => {
            try {
              return { name: f.name, data: await readBase64(f) }
            } catch {
              // A dropped folder arrives as a "file" that cannot be read.
              throw new Error(`${f.name || 'A file'} could not be read. Folders cannot be uploaded; drop the files inside it.`)
            }
          }),
        )
        return uploadsApi.upload(projectId, payload)
      })
    },
    picking: {},
    pick: async (projectId) => {
      if (get().busy[projectId]) return false
      set((s) => ({ picking: { ...s.picking, [projectId]: true } }))
      // "Choose files…" while the dialog is open; "Uploading…" once the
      // backend says files were chosen and their copy began.
      const off = uploadsApi.onChosen(projectId, () => set((s) => ({ picking: { ...s.picking, [projectId]: false } })))
      try {
        return await run(projectId, () => uploadsApi.pick(projectId))
      } finally {
        off()
        set((s) => ({ picking: { ...s.picking, [projectId]: false } }))
      }
    },
    dismissError: (projectId) => setFor('error', projectId, null),
  }
})
