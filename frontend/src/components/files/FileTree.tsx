import { useMemo, useRef, useState, type ReactNode } from 'react'
import {
  ChevronRight,
  File,
  FileCode,
  FileImage,
  FileJson,
  FilePlus,
  FileSpreadsheet,
  FileText,
  FileType,
  Folder,
  FolderOpen,
  FolderPlus,
  Link2,
  Pencil,
  RefreshCw,
  Search,
  Trash2,
} from 'lucide-react'
import { filesOf, useFiles, visibleRows } from '../../stores/files'
import { Button } from '../ui/Button'
import { ConfirmDialog } from '../ui/Dialog'
import { cn } from '../../lib/utils'

/** The icon of a file, by its extension. */
export function fileKind(name: string): 'code' | 'json' | 'text' | 'style' | 'image' | 'data' | 'file' {
  const ext = name.toLowerCase().split('.').pop() ?? ''
  if (['py', 'ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'vue', 'sh'].includes(ext)) return 'code'
  if (ext === 'json') return 'json'
  if (['md', 'txt', 'toml', 'yaml', 'yml', 'cfg', 'ini', 'env'].includes(ext) || name === 'requirements.txt') return 'text'
  if (['css', 'scss', 'html', 'htm'].includes(ext)) return 'style'
  if (['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico'].includes(ext)) return 'image'
  if (['csv', 'tsv', 'xlsx', 'parquet'].includes(ext)) return 'data'
  return 'file'
}

const kindIcon = { code: FileCode, json: FileJson, text: FileText, style: FileType, image: FileImage, data: FileSpreadsheet, file: File }

function FileIcon({ name, dir, open }: { name: string; dir: boolean; open: boolean }) {
  const kind = dir ? (open ? 'folder-open' : 'folder') : fileKind(name)
  const Icon = dir ? (open ? FolderOpen : Folder) : kindIcon[fileKind(name)]
  return <Icon data-kind={kind} aria-hidden className={cn('h-3.5 w-3.5 shrink-0', dir ? 'text-sky-500' : 'text-muted-foreground')} />
}

/** An inline name box: Enter commits, Escape or leaving cancels. */
function NameInput({ initial, label, onDone, testId }: { initial: string; label: string; onDone: (v: string | null) => void; testId: string }) {
  const [v, setV] = useState(initial)
  const done = useRef(false)
  const finish = (r: string | null) => {
    if (done.current) return
    done.current = true
    onDone(r)
  }
  return (
    <input
      autoFocus
      aria-label={label}
      data-testid={testId}
      value={v}
      onChange={(e) => setV(e.target.value)}
      onFocus={(e) => {
        // Select the name, not the folder it is in (nor the extension when renaming).
        const slash = initial.lastIndexOf('/') + 1
        const dot = initial.lastIndexOf('.')
        e.target.setSelectionRange(slash, dot > slash ? dot : initial.length)
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') finish(v.trim() || null)
        if (e.key === 'Escape') finish(null)
      }}
      onBlur={() => finish(null)}
      className="w-full rounded border border-border bg-background px-1.5 py-0.5 font-mono text-xs outline-none focus:ring-1 focus:ring-ring"
    />
  )
}

/** The project's folders and files: open a file in a tab, make, rename and delete files and folders, find by name. */
export function FileTree({ projectId }: { projectId: string }) {
  const p = useFiles((s) => filesOf(s, projectId))
  const { open, toggle, setQuery, create, rename, remove, loadTree } = useFiles.getState()
  const rows = useMemo(() => visibleRows(p.entries, p.expanded, p.query), [p.entries, p.expanded, p.query])
  const [making, setMaking] = useState<{ dir: boolean; in: string } | null>(null)
  const [renaming, setRenaming] = useState<string | null>(null)
  const [deleting, setDeleting] = useState<{ path: string; dir: boolean } | null>(null)
  const [busy, setBusy] = useState(false)

  // New files go into the folder of the file shown (or the folder itself when one is chosen).
  const here = (() => {
    const a = p.active
    if (!a) return ''
    return a.includes('/') ? a.slice(0, a.lastIndexOf('/') + 1) : ''
  })()

  const makeRow: ReactNode = making ? (
    <li className="px-2 py-0.5">
      <NameInput
        initial={making.in}
        label={making.dir ? 'New folder name' : 'New file name'}
        testId="tree-new-input"
        onDone={(v) => {
          setMaking(null)
          if (v && v !== making.in) void create(projectId, v.replace(/\/+$/, ''), making.dir)
        }}
      />
    </li>
  ) : null

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="file-tree">
      <div className="flex items-center gap-0.5 border-b border-border px-1.5 py-1">
        <span className="flex-1 px-1 text-[11px] font-semibold uppercase tracking-wide text-muted-foreground">Files</span>
        <Button size="icon" variant="ghost" aria-label="New file" data-testid="tree-new-file" onClick={() => setMaking({ dir: false, in: here })}>
          <FilePlus className="h-3.5 w-3.5" />
        </Button>
        <Button size="icon" variant="ghost" aria-label="New folder" data-testid="tree-new-folder" onClick={() => setMaking({ dir: true, in: here })}>
          <FolderPlus className="h-3.5 w-3.5" />
        </Button>
        <Button size="icon" variant="ghost" aria-label="Reload the files" data-testid="tree-reload" onClick={() => void loadTree(projectId)}>
          <RefreshCw className={cn('h-3.5 w-3.5', p.loading && 'animate-spin')} />
        </Button>
      </div>
      <label className="relative mx-1.5 my-1 block">
        <Search className="pointer-events-none absolute left-1.5 top-1.5 h-3.5 w-3.5 text-muted-foreground" aria-hidden />
        <input
          type="search"
          aria-label="Find a file by name"
          placeholder="Find a file…"
          data-testid="tree-search"
          value={p.query}
          onChange={(e) => setQuery(projectId, e.target.value)}
          className="w-full rounded border border-border bg-background py-1 pl-6 pr-1.5 text-xs outline-none focus:ring-1 focus:ring-ring"
        />
      </label>
      {p.error ? (
        <p role="alert" className="mx-2 my-1 text-xs text-destructive" data-testid="tree-error">
          {p.error}
        </p>
      ) : null}
      <ul role="tree" aria-label="Project files" className="min-h-0 flex-1 overflow-auto pb-2 text-xs">
        {makeRow}
        {rows.map(({ entry, name, depth }) => {
          const isOpen = !!p.query.trim() || !!p.expanded[entry.path]
          const dirty = !entry.dir && p.files[entry.path]?.draft != null
          if (renaming === entry.path) {
            return (
              <li key={entry.path} className="py-0.5 pr-2" style={{ paddingLeft: 8 + depth * 12 }}>
                <NameInput
                  initial={entry.path}
                  label={`New name of ${name}`}
                  testId="tree-rename-input"
                  onDone={(v) => {
                    setRenaming(null)
                    if (v && v !== entry.path) void rename(projectId, entry.path, v)
                  }}
                />
              </li>
            )
          }
          return (
            <li
              key={entry.path}
              role="treeitem"
              aria-expanded={entry.dir ? isOpen : undefined}
              aria-selected={p.active === entry.path}
              data-testid="tree-row"
              data-path={entry.path}
              data-dir={entry.dir ? 'true' : 'false'}
              data-link={entry.link ? 'true' : undefined}
              className={cn('group flex cursor-pointer items-center gap-1 py-0.5 pr-1 outline-none hover:bg-muted focus-visible:ring-1 focus-visible:ring-ring', p.active === entry.path && 'bg-muted font-medium')}
              style={{ paddingLeft: 4 + depth * 12 }}
              tabIndex={0}
              onClick={() => (entry.link ? undefined : entry.dir ? toggle(projectId, entry.path) : void open(projectId, entry.path))}
              onKeyDown={(e) => {
                if (e.target !== e.currentTarget) return
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault()
                  if (entry.link) return
                  if (entry.dir) toggle(projectId, entry.path)
                  else void open(projectId, entry.path)
                } else if (e.key === 'F2') setRenaming(entry.path)
                else if (e.key === 'Delete') setDeleting({ path: entry.path, dir: entry.dir })
              }}
            >
              <ChevronRight aria-hidden className={cn('h-3 w-3 shrink-0 text-muted-foreground transition-transform', !entry.dir && 'invisible', isOpen && 'rotate-90')} />
              {entry.link ? (
                <Link2 data-kind="link" aria-label="link" className="h-3.5 w-3.5 shrink-0 text-muted-foreground" />
              ) : (
                <FileIcon name={name} dir={entry.dir} open={isOpen} />
              )}
              <span
                className={cn('min-w-0 flex-1 truncate font-mono', entry.link && 'italic text-muted-foreground')}
                title={entry.link ? `${entry.path} is a link to ${entry.target ?? '?'}; Tessera keeps it in the history and never follows it.` : entry.path}
              >
                {name}
                {entry.link ? <span className="ml-1 text-[10px]">→ {entry.target}</span> : null}
              </span>
              {dirty ? <span aria-label="unsaved" className="h-1.5 w-1.5 rounded-full bg-amber-500" /> : null}
              <button
                aria-label={`Rename ${name}`}
                data-testid="tree-rename"
                className="invisible rounded p-0.5 hover:bg-background group-hover:visible group-focus-within:visible"
                onClick={(e) => {
                  e.stopPropagation()
                  setRenaming(entry.path)
                }}
              >
                <Pencil className="h-3 w-3" />
              </button>
              <button
                aria-label={`Delete ${name}`}
                data-testid="tree-delete"
                className="invisible rounded p-0.5 hover:bg-background group-hover:visible group-focus-within:visible"
                onClick={(e) => {
                  e.stopPropagation()
                  setDeleting({ path: entry.path, dir: entry.dir })
                }}
              >
                <Trash2 className="h-3 w-3" />
              </button>
            </li>
          )
        })}
        {p.loaded && rows.length === 0 && !making ? (
          <li className="px-3 py-2 text-muted-foreground" data-testid="tree-empty">
            {p.query.trim() ? `No file name contains “${p.query.trim()}”.` : 'No files yet.'}
          </li>
        ) : null}
        {p.truncated ? <li className="px-3 py-2 text-muted-foreground">The folder holds more files than are listed here.</li> : null}
      </ul>
      <ConfirmDialog
        open={!!deleting}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={deleting?.dir ? `Delete the folder ${deleting.path}?` : `Delete ${deleting?.path ?? ''}?`}
        description={
          (deleting?.dir ? 'The folder and every file in it leave the project and its sandbox.' : 'The file leaves the project and its sandbox.') +
          ' It stays in the project’s versions: restoring an earlier version brings it back.'
        }
        confirmLabel="Delete"
        confirmTestId="tree-delete-confirm"
        busy={busy}
        onConfirm={async () => {
          if (!deleting) return
          setBusy(true)
          await remove(projectId, deleting.path)
          setBusy(false)
          setDeleting(null)
        }}
      />
    </div>
  )
}
