// The Versions panel: a project's history (one version per turn that
// changed files, per manual edit, per restore), what each version changed
// file by file, restore (itself a new version: nothing is lost) and branch
// to a new project.
import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react'
import { GitBranch, History, Package, RotateCcw } from 'lucide-react'
import { errorMessage } from '../../api'
import type { FileDiff, Version } from '../../api/versions'
import { diffKey, summary, useVersions, versionsOf } from '../../stores/versions'
import { useProjects, validateProjectName } from '../../stores/projects'
import { useSandbox } from '../../stores/sandbox'
import { toast } from '../../stores/toast'
import { useResolvedTheme } from '../../lib/theme'
import { cn } from '../../lib/utils'
import { Button } from '../ui/Button'
import { ConfirmDialog, Dialog } from '../ui/Dialog'
import { formatVersionTime, VersionList } from './VersionList'
import { cutName } from '../../lib/names'

const MergeDiff = lazy(() => import('./MergeDiff'))

const STATUS_MARK: Record<string, string> = { added: 'A', modified: 'M', deleted: 'D' }

function FileDiffView({ diff }: { diff: FileDiff }) {
  const dark = useResolvedTheme() === 'dark'
  if (diff.binary) {
    return <p className="p-4 text-sm text-muted-foreground">{diff.path} is a binary or very large file: there is no text to compare.</p>
  }
  return (
    <Suspense fallback={<pre className="h-full overflow-auto p-3 font-mono text-xs">{diff.after || diff.before}</pre>}>
      <MergeDiff key={diff.path} path={diff.path} before={diff.before} after={diff.after} dark={dark} />
    </Suspense>
  )
}

function VersionDetail({ projectId, version }: { projectId: string; version: Version }) {
  const d = useVersions((s) => s.diffs[diffKey(projectId, version.id)])
  const chosen = useVersions((s) => s.file[projectId])
  const selectFile = useVersions((s) => s.selectFile)
  const files = d?.files ?? []
  const shown = files.find((f) => f.path === chosen) ?? files[0]
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      {d?.loading ? <p className="p-3 text-sm text-muted-foreground">Loading the changes…</p> : null}
      {d?.error ? (
        <p role="alert" className="p-3 text-sm text-destructive">
          {d.error}
        </p>
      ) : null}
      {d?.files && files.length === 0 ? <p className="p-3 text-sm text-muted-foreground">This version changed no files.</p> : null}
      {files.length > 0 ? (
        <div role="tablist" aria-label="Files changed" className="flex flex-wrap gap-1 border-b border-border p-1">
          {files.map((f) => (
            <button
              key={f.path}
              type="button"
              role="tab"
              data-testid="version-file"
              aria-selected={f === shown}
              onClick={() => selectFile(projectId, f.path)}
              className={cn('rounded px-2 py-0.5 font-mono text-xs hover:bg-muted', f === shown && 'bg-muted')}
            >
              <span className="mr-1 text-muted-foreground" title={f.status}>
                {STATUS_MARK[f.status] ?? '?'}
              </span>
              {f.path}
            </button>
          ))}
        </div>
      ) : null}
      <div className="min-h-0 flex-1">{shown ? <FileDiffView diff={shown} /> : null}</div>
    </div>
  )
}

function BranchDialog({ projectId, version, onClose }: { projectId: string; version: Version | null; onClose: () => void }) {
  const project = useProjects((s) => s.projects.find((p) => p.id === projectId))
  const branch = useVersions((s) => s.branch)
  const busy = useVersions((s) => s.busy)
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [withSandbox, setWithSandbox] = useState(true)
  // The live sandbox holds the current version's files: only that version
  // can take it along.
  const liveId = useSandbox((s) => s.byProject[projectId]?.sandboxId)
  const canCopy = !!version?.current && !!(liveId || project?.sandboxId)
  useEffect(() => {
    if (version) {
      setName(`${project?.name ?? 'Project'} (branch)`.slice(0, 100))
      setError(null)
      setWithSandbox(true)
    }
  }, [version, project?.name])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!version) return
    const v = validateProjectName(name)
    if (v) return setError(v)
    try {
      const r = await branch(projectId, version.id, name, canCopy && withSandbox)
      onClose()
      toast.outcome(`“${cutName(r.project.name)}” was made from that version and is now open.`, r.warning, 'info')
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return (
    <Dialog open={!!version} onOpenChange={(o) => !o && onClose()} title="Branch to a new project" description="The new project starts with this version's files and an empty chat. This project stays as it is.">
      <form onSubmit={submit} noValidate className="flex flex-col gap-3">
        <label htmlFor="branch-name" className="text-sm font-medium">
          Name of the new project
        </label>
        <input
          id="branch-name"
          data-testid="branch-name"
          autoFocus
          value={name}
          onChange={(e) => {
            setName(e.target.value)
            setError(null)
          }}
          aria-invalid={!!error}
          className="h-9 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring"
        />
        {canCopy ? (
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              data-testid="branch-with-sandbox"
              className="mt-0.5"
              checked={withSandbox}
              onChange={(e) => setWithSandbox(e.target.checked)}
            />
            <span>
              Copy the sandbox too
              <span className="block text-xs text-muted-foreground">The new project gets a copy of this project's sandbox as it is now, with its installed packages and data.</span>
            </span>
          </label>
        ) : null}
        {error ? (
          <p role="alert" className="text-xs text-destructive">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" data-testid="branch-submit" disabled={busy}>
            Create project
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

export function VersionsDialog({ projectId }: { projectId: string }) {
  const open = useVersions((s) => s.openFor === projectId)
  const close = useVersions((s) => s.close)
  const state = useVersions((s) => versionsOf(s, projectId))
  const selectedId = useVersions((s) => s.selected[projectId] ?? null)
  const select = useVersions((s) => s.select)
  const restore = useVersions((s) => s.restore)
  const busy = useVersions((s) => s.busy)
  const [confirm, setConfirm] = useState<Version | null>(null)
  const [restoreError, setRestoreError] = useState<string | null>(null)
  const [branchOf, setBranchOf] = useState<Version | null>(null)
  const selected = state.versions.find((v) => v.id === selectedId) ?? null
  const folder = useVersions((s) => s.folder[projectId])
  const points = useVersions((s) => s.points[projectId])

  return (
    <>
      <Dialog
        open={open}
        onOpenChange={(o) => !o && close()}
        title="Versions"
        description="Every answer that changed files, every restore and every edit is a version. Restoring makes a new version, so nothing is ever lost."
        closeTestId="versions-close"
        className="flex h-[85vh] w-[min(96vw,76rem)] flex-col"
      >
        {folder ? (
          <p className="mb-2 text-xs text-muted-foreground">
            The files are in <code data-testid="versions-folder" className="select-all break-all font-mono">{folder}</code>: open it in your own editor.
          </p>
        ) : null}
        {points && (points.count > 0 || points.saving) ? (
          <p className="mb-2 flex items-center gap-1 text-xs text-muted-foreground">
            <Package className="h-3 w-3" aria-hidden />
            <span>
              <span data-testid="restore-points-count">{points.count === 1 ? '1 restore point' : `${points.count} restore points`}</span>
              {': restoring a marked version brings its sandbox back with the installed packages and data. The newest are kept.'}
            </span>
            {points.saving ? <span data-testid="restore-point-saving"> Saving one now…</span> : null}
          </p>
        ) : null}
        {state.error ? (
          <p role="alert" className="text-sm text-destructive">
            {state.error}
          </p>
        ) : null}
        {state.loaded && !state.error && state.versions.length === 0 ? (
          <p data-testid="versions-empty" className="text-sm text-muted-foreground">
            No versions yet: the first answer that writes files makes one.
          </p>
        ) : null}
        {!state.loaded && state.loading ? <p className="text-sm text-muted-foreground">Loading the history…</p> : null}
        {state.versions.length > 0 ? (
          <div className="flex min-h-0 flex-1 gap-3">
            <div className="flex w-72 shrink-0 flex-col border-r border-border">
              <VersionList versions={state.versions} selected={selectedId} onSelect={(id) => void select(projectId, id)} />
            </div>
            {selected ? (
              <div className="flex min-w-0 flex-1 flex-col gap-2">
                <div className="flex items-start gap-2">
                  <div className="min-w-0 flex-1">
                    <p className="break-words text-sm font-medium">{summary(selected)}</p>
                    <p className="text-xs text-muted-foreground">
                      {formatVersionTime(selected.time)}
                      {selected.model ? ` · ${selected.model}` : ''}
                    </p>
                  </div>
                  <Button
                    size="sm"
                    variant="outline"
                    data-testid="version-restore"
                    disabled={busy || selected.current}
                    title={selected.current ? 'The project already has these files.' : undefined}
                    onClick={() => {
                      setRestoreError(null)
                      setConfirm(selected)
                    }}
                  >
                    <RotateCcw className="h-3.5 w-3.5" /> Restore
                  </Button>
                  <Button size="sm" variant="outline" data-testid="version-branch" disabled={busy} onClick={() => setBranchOf(selected)}>
                    <GitBranch className="h-3.5 w-3.5" /> Branch
                  </Button>
                </div>
                <VersionDetail projectId={projectId} version={selected} />
              </div>
            ) : null}
          </div>
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={!!confirm}
        onOpenChange={(o) => !o && setConfirm(null)}
        title="Restore this version?"
        description={
          confirm
            ? `The project's files become those of ${formatVersionTime(confirm.time)} (“${summary(confirm)}”), in its folder and in its sandbox. This makes a new version: the files you have now stay in the history and can be restored again.`
            : ''
        }
        confirmLabel="Restore"
        confirmTestId="confirm-restore"
        busy={busy}
        error={restoreError}
        onConfirm={async () => {
          if (!confirm) return
          try {
            const r = await restore(projectId, confirm.id)
            setConfirm(null)
            toast.outcome(
              `Restored the version of ${formatVersionTime(confirm.time)}. It is a new version, so nothing was lost.` +
                (r.runtime ? ' The sandbox came back from its restore point, with its installed packages and data.' : ''),
              r.warning,
              'info',
              'restore',
            )
          } catch (e) {
            setRestoreError(errorMessage(e))
          }
        }}
      />
      <BranchDialog projectId={projectId} version={branchOf} onClose={() => setBranchOf(null)} />
    </>
  )
}

/** The chat header's button that opens the panel. */
export function VersionsButton({ projectId, disabled }: { projectId: string; disabled?: boolean }) {
  const open = useVersions((s) => s.open)
  return (
    <Button size="sm" variant="ghost" data-testid="chat-versions" disabled={disabled} onClick={() => open(projectId)}>
      <History className="h-3.5 w-3.5" /> Versions
    </Button>
  )
}
