// Export a project to a zip, import a zip / folder / git repository as a
// new project, push a project's history to a git remote. Every path can be
// typed or pasted, or chosen with the system's dialog (Browse…).
import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { errorMessage } from '../../api'
import { useProjects } from '../../stores/projects'
import { useTransfer } from '../../stores/transfer'
import { toast } from '../../stores/toast'
import { Button } from '../ui/Button'
import { Dialog } from '../ui/Dialog'
import { cn } from '../../lib/utils'
import { cutName } from '../../lib/names'

const input =
  'h-9 min-w-0 flex-1 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring'

function Field(props: { id: string; label: string; children: ReactNode; hint?: string; className?: string }) {
  return (
    <div className={cn('flex flex-col gap-1', props.className)}>
      <label htmlFor={props.id} className="text-sm font-medium">
        {props.label}
      </label>
      <div className="flex gap-2">{props.children}</div>
      {props.hint ? <p className="text-xs text-muted-foreground">{props.hint}</p> : null}
    </div>
  )
}

function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" data-testid="transfer-error" className="text-xs text-destructive">
      {error}
    </p>
  ) : null
}

/** Runs a Browse… call: a cancelled dialog changes nothing; a failed one says why. */
async function browse(choose: () => Promise<string>, setPath: (p: string) => void, setError: (e: string | null) => void) {
  try {
    const p = await choose()
    if (p) {
      setPath(p)
      setError(null)
    }
  } catch (e) {
    setError(errorMessage(e))
  }
}

function ExportDialog() {
  const open = useTransfer((s) => s.dialog === 'export')
  const projectId = useTransfer((s) => s.projectId)
  const project = useProjects((s) => s.projects.find((p) => p.id === projectId))
  const { close, chooseExportPath, exportTo } = useTransfer.getState()
  const busy = useTransfer((s) => s.busy)
  const [path, setPath] = useState('')
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (open) {
      setPath('')
      setError(null)
    }
  }, [open])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!projectId) return
    if (!path.trim()) return setError('Choose where to save the export.')
    try {
      const r = await exportTo(projectId, path)
      close()
      toast.success(`Exported to ${r.path}: ${r.files} files, the whole history and ${r.messages} messages.`)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => !o && close()}
      title={`Export “${project?.name ?? ''}”`}
      description="One .zip with the project's files, its whole history (git) and its chat (JSON and Markdown). Import it in Tessera on any computer to continue there."
      closeTestId="export-close"
    >
      <form onSubmit={submit} noValidate className="flex flex-col gap-3">
        <Field id="export-path" label="Save as">
          <input id="export-path" data-testid="export-path" className={input} value={path} placeholder="/home/you/project.zip" onChange={(e) => { setPath(e.target.value); setError(null) }} />
          <Button variant="outline" data-testid="export-browse" onClick={() => projectId && void browse(() => chooseExportPath(projectId), setPath, setError)}>
            Browse…
          </Button>
        </Field>
        <ErrorLine error={error} />
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" data-testid="export-submit" disabled={busy}>
            {busy ? 'Exporting…' : 'Export'}
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

function ImportDialog() {
  const open = useTransfer((s) => s.dialog === 'import')
  const { close, chooseImport, importFrom } = useTransfer.getState()
  const busy = useTransfer((s) => s.busy)
  const [path, setPath] = useState('')
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (open) {
      setPath('')
      setError(null)
    }
  }, [open])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!path.trim()) return setError('Choose a .zip file or a folder to import.')
    try {
      const r = await importFrom(path)
      const parts = [`“${cutName(r.project.name)}” was imported with ${r.files} files and ${r.versions} versions`]
      if (r.messages > 0) parts.push(`${r.messages} messages`)
      let msg = parts.join(', ') + '.'
      if (r.sandbox === 'adopted') msg += ' Its sandbox was found at E2B and continues here.'
      if (r.skipped > 0) msg += ` ${r.skipped} ignored files or folders (such as node_modules) were left out.`
      toast.outcome(msg, r.warning, 'info')
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => !o && close()}
      title="Import a project"
      description="A .zip exported from Tessera (files, history and chat), any .zip of files, a folder, or a git repository (its history comes along). It becomes a new project; nothing else changes."
      closeTestId="import-close"
    >
      <form onSubmit={submit} noValidate className="flex flex-col gap-3">
        <Field id="import-path" label="File or folder">
          <input id="import-path" data-testid="import-path" className={input} value={path} placeholder="/home/you/project.zip" onChange={(e) => { setPath(e.target.value); setError(null) }} />
        </Field>
        <div className="flex gap-2">
          <Button size="sm" variant="outline" data-testid="import-browse-file" onClick={() => void browse(() => chooseImport('file'), setPath, setError)}>
            Choose a .zip…
          </Button>
          <Button size="sm" variant="outline" data-testid="import-browse-folder" onClick={() => void browse(() => chooseImport('folder'), setPath, setError)}>
            Choose a folder…
          </Button>
        </div>
        <ErrorLine error={error} />
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" data-testid="import-submit" disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

function PushDialog() {
  const open = useTransfer((s) => s.dialog === 'push')
  const projectId = useTransfer((s) => s.projectId)
  const remote = useTransfer((s) => s.remote)
  const busy = useTransfer((s) => s.busy)
  const project = useProjects((s) => s.projects.find((p) => p.id === projectId))
  const { close, saveRemote, forgetToken, push } = useTransfer.getState()
  const [url, setUrl] = useState('')
  const [username, setUsername] = useState('')
  const [branch, setBranch] = useState('')
  const [token, setToken] = useState('')
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (open) {
      setError(null)
      setToken('')
    }
  }, [open])
  useEffect(() => {
    if (remote) {
      setUrl(remote.url)
      setUsername(remote.username)
      setBranch(remote.branch)
    }
  }, [remote])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!projectId) return
    setError(null)
    try {
      await saveRemote(projectId, url, username, branch, token)
      setToken('')
      const r = await push(projectId)
      toast.success(r.upToDate ? `${r.url} (${r.branch}) already has every version.` : `Pushed ${r.branch} to ${r.url} (${r.branch} there).`)
      if (r.warning) toast.info(r.warning)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => !o && close()}
      title={`Push “${project?.name ?? ''}” to git`}
      description="Sends the project's whole history to a git repository (GitHub or any other): an https address with an access token, or a repository on this computer. The token is kept in your system keychain."
      closeTestId="push-close"
    >
      <form onSubmit={submit} noValidate className="flex flex-col gap-3">
        <Field id="push-url" label="Repository address">
          <input id="push-url" data-testid="push-url" className={input} value={url} placeholder="https://github.com/you/project.git" onChange={(e) => { setUrl(e.target.value); setError(null) }} />
        </Field>
        <div className="flex gap-3">
          <Field id="push-branch" label="Branch" className="flex-1">
            <input id="push-branch" data-testid="push-branch" className={input} value={branch} placeholder="the current branch" onChange={(e) => setBranch(e.target.value)} />
          </Field>
          <Field id="push-username" label="User name (https)" className="flex-1">
            <input id="push-username" data-testid="push-username" className={input} value={username} autoComplete="off" onChange={(e) => setUsername(e.target.value)} />
          </Field>
        </div>
        <Field
          id="push-token"
          label="Access token"
          hint={remote?.hasToken ? 'A token is saved in your keychain. Type a new one to replace it.' : 'Needed for https: on GitHub, a personal access token that may write to the repository.'}
        >
          <input id="push-token" data-testid="push-token" type="password" className={input} value={token} autoComplete="off" onChange={(e) => setToken(e.target.value)} />
          {remote?.hasToken ? (
            <Button variant="outline" data-testid="push-forget-token" disabled={busy} onClick={() => projectId && forgetToken(projectId).catch((e) => setError(errorMessage(e)))}>
              Remove token
            </Button>
          ) : null}
        </Field>
        {remote?.pushedAt ? (
          <p data-testid="push-last" className="text-xs text-muted-foreground">
            Last pushed {new Date(remote.pushedAt).toLocaleString()}.
          </p>
        ) : null}
        <ErrorLine error={error} />
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={close}>
            Close
          </Button>
          <Button type="submit" variant="primary" data-testid="push-submit" disabled={busy || !remote}>
            {busy ? 'Pushing…' : 'Push'}
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

/** The three dialogs, mounted once (the project menu opens them). */
export function TransferDialogs() {
  return (
    <>
      <ExportDialog />
      <ImportDialog />
      <PushDialog />
    </>
  )
}
