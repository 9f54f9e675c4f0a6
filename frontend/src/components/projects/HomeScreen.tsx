import { memo, useDeferredValue, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { Copy, KeyRound, Pencil, Plus, Search, Trash2 } from 'lucide-react'
import { errorMessage, type Project } from '../../api'
import { useProjects } from '../../stores/projects'
import { useUI } from '../../stores/ui'
import { useCatalog } from '../../stores/catalog'
import { templateName } from '../../lib/templates'
import { toast } from '../../stores/toast'
import { Button } from '../ui/Button'
import { ConfirmDialog } from '../ui/Dialog'
import { RenameProjectDialog } from './RenameProjectDialog'
import { EnvDialog } from './EnvDialog'
import { ago, cleanupNotice, filterProjects, minutes, sandboxLabel, sortProjects, SORTS, type SortKey } from './home'
import { cutName } from '../../lib/names'

/**
 * Every project: name, template, last activity, sandbox state and minutes,
 * sorted and filtered; open, rename, duplicate, environment, delete. Rows
 * are reachable by keyboard: ↑/↓/Home/End move, Enter opens, F2 renames,
 * Delete deletes, Ctrl+D duplicates, E opens the environment.
 */
export function HomeScreen() {
  const projects = useProjects((s) => s.projects)
  const select = useProjects((s) => s.select)
  const remove = useProjects((s) => s.remove)
  const duplicate = useProjects((s) => s.duplicate)
  const keepSandbox = useProjects((s) => s.keepSandbox)
  const openCreate = useUI((s) => s.openCreate)
  const [filter, setFilter] = useState('')
  const [sort, setSort] = useState<SortKey>('activity')
  const [renaming, setRenaming] = useState<Project | null>(null)
  const [envOf, setEnvOf] = useState<Project | null>(null)
  const [deleting, setDeleting] = useState<Project | null>(null)
  const [deleteBusy, setDeleteBusy] = useState(false)
  const [deleteError, setDeleteError] = useState<string | null>(null)
  const listRef = useRef<HTMLUListElement>(null)
  const [limit, setLimit] = useState(PAGE)
  // Typing in the filter stays quick with many projects: the list follows
  // a moment later (a deferred value), and rows that stay are not redrawn.
  const deferredFilter = useDeferredValue(filter)
  // "2 days ago" is computed against the time the list was last read.
  const now = useMemo(() => Date.now(), [projects])

  const all = useMemo(() => sortProjects(filterProjects(projects, deferredFilter), sort), [projects, deferredFilter, sort])
  const rows = all.length > limit ? all.slice(0, limit) : all

  const open = (id: string) => select(id).catch((e) => toast.error(errorMessage(e)))
  const onDuplicate = async (p: Project) => {
    try {
      const d = await duplicate(p.id)
      toast.success(`“${cutName(d.name)}” was made from “${cutName(p.name)}”.`)
    } catch (e) {
      toast.error(errorMessage(e))
    }
  }
  const onKeep = async (p: Project) => {
    try {
      await keepSandbox(p.id)
    } catch (e) {
      toast.error(errorMessage(e))
    }
  }
  const onDelete = async () => {
    if (!deleting) return
    setDeleteBusy(true)
    setDeleteError(null)
    try {
      await remove(deleting.id)
      setDeleting(null)
    } catch (e) {
      setDeleteError(errorMessage(e))
    } finally {
      setDeleteBusy(false)
    }
  }

  const focusRow = (i: number) => {
    const btns = listRef.current?.querySelectorAll<HTMLButtonElement>('[data-row-main]')
    if (!btns || btns.length === 0) return
    btns[Math.max(0, Math.min(btns.length - 1, i))]?.focus()
  }
  const onRowKey = (e: KeyboardEvent, p: Project, i: number) => {
    const mod = e.ctrlKey || e.metaKey
    if (e.key === 'ArrowDown') focusRow(i + 1)
    else if (e.key === 'ArrowUp') focusRow(i - 1)
    else if (e.key === 'Home') focusRow(0)
    else if (e.key === 'End') focusRow(rows.length - 1)
    else if (e.key === 'F2') setRenaming(p)
    else if (e.key === 'Delete') {
      setDeleteError(null)
      setDeleting(p)
    } else if (mod && !e.altKey && e.key.toLowerCase() === 'd') void onDuplicate(p)
    else if (!mod && !e.altKey && e.key.toLowerCase() === 'e') setEnvOf(p)
    else return
    e.preventDefault()
    e.stopPropagation()
  }

  // One stable object for every row (memo keeps rows that did not change):
  // it reads the latest handlers through a ref.
  const latest = useRef({ open, onDuplicate, onKeep, onRowKey, setEnvOf, setRenaming, askDelete: (p: Project) => { setDeleteError(null); setDeleting(p) } })
  latest.current = { open, onDuplicate, onKeep, onRowKey, setEnvOf, setRenaming, askDelete: (p: Project) => { setDeleteError(null); setDeleting(p) } }
  const actions = useMemo<RowActions>(() => ({
    open: (id) => void latest.current.open(id),
    duplicate: (p) => void latest.current.onDuplicate(p),
    keep: (p) => void latest.current.onKeep(p),
    key: (e, p, i) => latest.current.onRowKey(e, p, i),
    env: (p) => latest.current.setEnvOf(p),
    rename: (p) => latest.current.setRenaming(p),
    remove: (p) => latest.current.askDelete(p),
  }), [])

  return (
    <section data-testid="home-screen" aria-labelledby="home-title" className="mx-auto flex w-[min(96vw,60rem)] flex-col gap-3 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 id="home-title" className="mr-auto text-lg font-semibold">
          Projects <span className="text-sm font-normal text-muted-foreground">({projects.length})</span>
        </h1>
        <label className="relative">
          <span className="sr-only">Filter projects</span>
          <Search className="pointer-events-none absolute left-2 top-2.5 h-4 w-4 text-muted-foreground" aria-hidden />
          <input
            data-testid="home-filter"
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault()
                focusRow(0)
              }
            }}
            placeholder="Filter by name, description, template"
            className="h-9 w-64 rounded-md border border-border bg-background pl-8 pr-2 text-sm focus-visible:outline-2 focus-visible:outline-ring"
          />
        </label>
        <label className="flex items-center gap-1 text-sm">
          <span className="text-muted-foreground">Sort</span>
          <select
            data-testid="home-sort"
            value={sort}
            onChange={(e) => setSort(e.target.value as SortKey)}
            className="h-9 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring"
          >
            {SORTS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <Button variant="primary" onClick={openCreate} data-testid="home-create">
          <Plus className="h-4 w-4" /> New project
        </Button>
      </div>
      {rows.length === 0 ? (
        <p className="p-6 text-center text-sm text-muted-foreground" data-testid="home-no-match">
          No project matches “{filter}”.
        </p>
      ) : (
        <ul ref={listRef} aria-label="Projects" data-testid="home-list" className="flex flex-col divide-y divide-border rounded-lg border border-border bg-card">
          {rows.map((p, i) => (
            <Row key={p.id} p={p} i={i} now={now} actions={actions} />
          ))}
        </ul>
      )}
      {all.length > rows.length ? (
        <Button variant="outline" className="self-center" data-testid="home-more" onClick={() => setLimit(all.length)}>
          Show all {all.length} projects
        </Button>
      ) : null}
      <p className="text-xs text-muted-foreground">Keys on a project: Enter opens, F2 renames, Ctrl+D duplicates, E edits its environment, Delete deletes, ↑/↓ move.</p>
      <RenameProjectDialog project={renaming} open={!!renaming} onOpenChange={(o) => !o && setRenaming(null)} />
      <EnvDialog projectId={envOf?.id ?? null} projectName={envOf?.name ?? ''} open={!!envOf} onOpenChange={(o) => !o && setEnvOf(null)} />
      <ConfirmDialog
        open={!!deleting}
        onOpenChange={(o) => !o && setDeleting(null)}
        title="Delete this project?"
        description={`“${cutName(deleting?.name ?? '')}” will be deleted with its chat, its files and its sandbox. This cannot be undone.`}
        confirmLabel="Delete"
        confirmTestId="home-confirm-delete"
        busy={deleteBusy}
        error={deleteError}
        onConfirm={onDelete}
      />
    </section>
  )
}

/** Rows shown at first; "Show all" renders the rest. */
const PAGE = 100

interface RowActions {
  open: (id: string) => void
  duplicate: (p: Project) => void
  keep: (p: Project) => void
  key: (e: KeyboardEvent, p: Project, i: number) => void
  env: (p: Project) => void
  rename: (p: Project) => void
  remove: (p: Project) => void
}

const Row = memo(function Row({ p, i, now, actions }: { p: Project; i: number; now: number; actions: RowActions }) {
  const notice = cleanupNotice(p, now)
  const templates = useCatalog((s) => s.templates)
  return (
    <li data-testid="home-row" data-project-id={p.id} className="flex flex-wrap items-center gap-2 px-3 py-2">
      <button
        type="button"
        data-row-main
        data-testid="home-open"
        onClick={() => actions.open(p.id)}
        onKeyDown={(e) => actions.key(e, p, i)}
        aria-keyshortcuts="Enter F2 Delete Control+D E"
        className="flex min-w-0 flex-1 flex-col items-start rounded px-1 text-left focus-visible:outline-2 focus-visible:outline-ring"
      >
        <span className="max-w-full truncate text-sm font-medium" data-testid="home-name" title={p.name}>
          {p.name}
        </span>
        <span className="flex flex-wrap gap-x-3 text-xs text-muted-foreground">
          <span data-testid="home-template" title={p.template || undefined}>
            {templateName(p.template, templates)}
          </span>
          <span data-testid="home-activity" title={p.lastActivityAt}>
            {ago(p.lastActivityAt, now)}
          </span>
          <span data-testid="home-sandbox">{sandboxLabel(p)}</span>
          <span data-testid="home-minutes">{minutes(p)}</span>
        </span>
      </button>
      {notice ? (
        <span data-testid="home-cleanup" data-kind={notice.kind} className="flex items-center gap-1 text-xs text-muted-foreground">
          {notice.text}
          {notice.kind === 'soon' ? (
            <Button size="sm" variant="outline" data-testid="home-keep" onClick={() => actions.keep(p)}>
              Keep
            </Button>
          ) : null}
        </span>
      ) : null}
      <span className="flex items-center">
        <Button size="icon" variant="ghost" aria-label={`Environment of ${p.name}`} data-testid="home-env" onClick={() => actions.env(p)}>
          <KeyRound className="h-4 w-4" />
        </Button>
        <Button size="icon" variant="ghost" aria-label={`Rename ${p.name}`} data-testid="home-rename" onClick={() => actions.rename(p)}>
          <Pencil className="h-4 w-4" />
        </Button>
        <Button size="icon" variant="ghost" aria-label={`Duplicate ${p.name}`} data-testid="home-duplicate" onClick={() => actions.duplicate(p)}>
          <Copy className="h-4 w-4" />
        </Button>
        <Button size="icon" variant="ghost" aria-label={`Delete ${p.name}`} data-testid="home-delete" onClick={() => actions.remove(p)}>
          <Trash2 className="h-4 w-4 text-destructive" />
        </Button>
      </span>
    </li>
  )
})
