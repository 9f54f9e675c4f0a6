// An in-memory project folder behind the filesApi shape, for store and
// component tests: it keeps files, refuses what FilesService refuses
// (missing files, existing targets, paths leaving the project) with an
// ApiError, and answers the tree from what it holds.
import { ApiError } from '../api/errors'
import type { FileChangeResult, FileContent, FileTree } from '../api/files'

export class FakeFolder {
  files = new Map<string, string>()
  dirs = new Set<string>()
  /** Symbolic links (path to target): listed as links, never read. */
  links = new Map<string, string>()
  saves: { path: string; content: string }[] = []
  synced = true
  failSave: string | null = null

  constructor(files: Record<string, string> = {}) {
    for (const [p, c] of Object.entries(files)) this.put(p, c)
  }

  private put(path: string, content: string) {
    this.files.set(path, content)
    for (let d = path; d.includes('/'); ) {
      d = d.slice(0, d.lastIndexOf('/'))
      this.dirs.add(d)
    }
  }

  private check(path: string) {
    if (!path || path.startsWith('/') || path.split('/').includes('..')) throw new ApiError('invalid', `"${path}" is not a file path inside the project (it leaves the project).`)
  }

  private change(): FileChangeResult {
    return { version: { id: String(this.saves.length), time: '', message: '', kind: 'edit', messageId: '', model: '', restoredFrom: '', filesChanged: [], current: true, restorePoint: false, conflicts: [] }, synced: this.synced }
  }

  api = {
    tree: async (_projectId: string): Promise<FileTree> => ({
      entries: [
        ...[...this.dirs].map((p) => ({ path: p, dir: true, size: 0 })),
        ...[...this.files].map(([p, c]) => ({ path: p, dir: false, size: c.length })),
        ...[...this.links].map(([p, target]) => ({ path: p, dir: false, size: 0, link: true, target })),
      ].sort((a, b) => a.path.localeCompare(b.path)),
      truncated: false,
    }),
    read: async (_projectId: string, path: string): Promise<FileContent> => {
      const c = this.files.get(path)
      if (c === undefined) throw new ApiError('not_found', `${path} is not in the project any more.`)
      return { path, content: c, binary: false, size: c.length }
    },
    save: async (_projectId: string, path: string, content: string): Promise<FileChangeResult> => {
      this.check(path)
      if (this.failSave) throw new ApiError('internal', this.failSave)
      this.put(path, content)
      this.saves.push({ path, content })
      return this.change()
    },
    create: async (_projectId: string, path: string, dir: boolean): Promise<FileChangeResult> => {
      this.check(path)
      if (this.files.has(path) || this.dirs.has(path)) throw new ApiError('invalid', `${path} already exists; choose another name.`)
      if (dir) this.dirs.add(path)
      else this.put(path, '')
      return dir ? { synced: false } : this.change()
    },
    rename: async (_projectId: string, from: string, to: string): Promise<FileChangeResult> => {
      this.check(to)
      if (this.files.has(to) || this.dirs.has(to)) throw new ApiError('invalid', `${to} already exists; choose another name.`)
      const inside = (p: string) => p === from || p.startsWith(from + '/')
      if (![...this.files.keys(), ...this.dirs].some(inside)) throw new ApiError('not_found', `${from} is not in the project any more.`)
      for (const [p, c] of [...this.files]) if (inside(p)) (this.files.delete(p), this.put(to + p.slice(from.length), c))
      for (const d of [...this.dirs]) if (inside(d)) (this.dirs.delete(d), this.dirs.add(to + d.slice(from.length)))
      return this.change()
    },
    remove: async (_projectId: string, path: string): Promise<FileChangeResult> => {
      const inside = (p: string) => p === path || p.startsWith(path + '/')
      if (![...this.files.keys(), ...this.dirs].some(inside)) throw new ApiError('not_found', `${path} is not in the project any more.`)
      for (const p of [...this.files.keys()]) if (inside(p)) this.files.delete(p)
      for (const d of [...this.dirs]) if (inside(d)) this.dirs.delete(d)
      return this.change()
    },
  }
}
