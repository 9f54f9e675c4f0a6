// The home screen's pure parts: filter, sort, and what a row says about
// its sandbox (kept apart from the component so Vitest can test them).
import type { Project } from '../../api'

export type SortKey = 'activity' | 'name' | 'minutes' | 'created'

export const SORTS: { id: SortKey; label: string }[] = [
  { id: 'activity', label: 'Last activity' },
  { id: 'name', label: 'Name' },
  { id: 'minutes', label: 'Sandbox minutes' },
  { id: 'created', label: 'Newest' },
]

const time = (s: string | undefined) => (s ? Date.parse(s) || 0 : 0)

/** Projects whose name, description or template contains every word of the filter (any case). */
export function filterProjects(ps: Project[], filter: string): Project[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return ps
  return ps.filter((p) => {
    const hay = `${p.name}\n${p.description}\n${p.template || 'auto'}`.toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

export function sortProjects(ps: Project[], key: SortKey): Project[] {
  const out = [...ps]
  const byName = (a: Project, b: Project) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true })
  switch (key) {
    case 'name':
      return out.sort(byName)
    case 'minutes':
      return out.sort((a, b) => (b.runningSeconds ?? 0) - (a.runningSeconds ?? 0) || byName(a, b))
    case 'created':
      return out.sort((a, b) => time(b.createdAt) - time(a.createdAt) || byName(a, b))
    default:
      return out.sort((a, b) => time(b.lastActivityAt) - time(a.lastActivityAt) || byName(a, b))
  }
}

/** How soon before its cleanup a sandbox's row warns (with Keep). */
export const WARN_DAYS = 3
const DAY = 24 * 60 * 60 * 1000

export type CleanupNotice =
  | { kind: 'removed'; text: string }
  | { kind: 'soon'; text: string }
  | null

export function cleanupNotice(p: Project, now: number): CleanupNotice {
  if (!p.sandboxId && p.sandboxRemovedAt) {
    return { kind: 'removed', text: 'The idle sandbox was removed; it will be rebuilt on next use.' }
  }
  const due = time(p.cleanupAt)
  if (!p.sandboxId || !due || due - now > WARN_DAYS * DAY) return null
  const days = Math.ceil((due - now) / DAY)
  if (days <= 0) return { kind: 'soon', text: 'The idle sandbox will be removed soon.' }
  return { kind: 'soon', text: `The idle sandbox will be removed in ${days} day${days === 1 ? '' : 's'}.` }
}

export function minutes(p: Project): string {
  const s = p.runningSeconds ?? 0
  if (s === 0) return '0 min'
  if (s < 60) return '<1 min'
  const m = Math.round(s / 60)
  return m < 120 ? `${m} min` : `${(m / 60).toFixed(1)} h`
}

export function sandboxLabel(p: Project): string {
  if (!p.sandboxId) return 'No sandbox'
  return p.sandboxState === 'running' ? 'Running' : p.sandboxState === 'paused' ? 'Paused' : 'Sandbox'
}

export function ago(iso: string, now: number): string {
  const t = time(iso)
  if (!t) return '—'
  const d = Math.max(0, now - t)
  const min = Math.floor(d / 60000)
  if (min < 1) return 'just now'
  if (min < 60) return `${min} min ago`
  const h = Math.floor(min / 60)
  if (h < 24) return `${h} h ago`
  const days = Math.floor(h / 24)
  if (days === 1) return 'yesterday'
  if (days < 30) return `${days} days ago`
  return new Date(t).toLocaleDateString()
}
