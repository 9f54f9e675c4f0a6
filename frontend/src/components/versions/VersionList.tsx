import { FileText, Package } from 'lucide-react'
import type { Version } from '../../api/versions'
import { summary } from '../../stores/versions'
import { cn } from '../../lib/utils'

const KIND_LABEL: Record<string, string> = {
  restore: 'Restored',
  branch: 'Branched',
  import: 'Imported',
  edit: 'Edited',
  outside: 'Outside Tessera',
  undo: 'Undone',
  upload: 'Uploaded',
}

/** "14:05" today, "3 Mar 14:05" this year, else with the year. */
export function formatVersionTime(iso: string, now = new Date()): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  if (d.toDateString() === now.toDateString()) return time
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' }
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric'
  return `${d.toLocaleDateString(undefined, opts)} ${time}`
}

export function VersionList({
  versions,
  selected,
  onSelect,
}: {
  versions: Version[]
  selected: string | null
  onSelect: (id: string) => void
}) {
  return (
    <ol aria-label="Versions" className="flex flex-col gap-0.5 overflow-y-auto p-1">
      {versions.map((v, i) => {
        const n = v.filesChanged.length
        return (
          <li key={v.id}>
            <button
              type="button"
              data-testid="version-row"
              aria-current={v.id === selected ? 'true' : undefined}
              onClick={() => onSelect(v.id)}
              className={cn(
                'flex w-full flex-col items-start gap-0.5 rounded-md px-2 py-1.5 text-left text-sm hover:bg-muted',
                v.id === selected && 'bg-muted',
              )}
            >
              <span className="flex w-full items-center gap-2 text-xs text-muted-foreground">
                <span className="font-medium text-foreground">#{versions.length - i}</span>
                <time dateTime={v.time}>{formatVersionTime(v.time)}</time>
                {KIND_LABEL[v.kind] ? <span className="rounded bg-secondary px-1">{KIND_LABEL[v.kind]}</span> : null}
                {v.restorePoint ? (
                  <span
                    data-testid="version-restore-point"
                    title="Restore point: restoring this version brings back the sandbox with its installed packages and data, without reinstalling."
                    className="ml-auto flex items-center gap-0.5 rounded bg-secondary px-1"
                  >
                    <Package className="h-3 w-3" aria-hidden />
                    <span className="sr-only">Restore point</span>
                  </span>
                ) : null}
                {v.current ? <span className={cn('rounded bg-primary/15 px-1 text-primary', !v.restorePoint && 'ml-auto')}>current</span> : null}
              </span>
              <span className="line-clamp-2 break-words">{summary(v)}</span>
              <span className="flex items-center gap-1 text-xs text-muted-foreground">
                <FileText className="h-3 w-3" aria-hidden />
                {n === 1 ? '1 file changed' : `${n} files changed`}
              </span>
              {v.conflicts?.length ? (
                <span data-testid="version-conflict" className="text-xs text-amber-600 dark:text-amber-400">
                  Also edited outside Tessera during this answer: {v.conflicts.join(', ')}. This version has the
                  model&apos;s text; yours is in the version before.
                </span>
              ) : null}
            </button>
          </li>
        )
      })}
    </ol>
  )
}
