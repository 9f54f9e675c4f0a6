import { useEffect, useState, type FormEvent } from 'react'
import { Dialog } from '../ui/Dialog'
import { Button } from '../ui/Button'
import { useProjects, validateProjectName } from '../../stores/projects'
import { errorMessage, type Project } from '../../api'

export function RenameProjectDialog({
  project,
  open,
  onOpenChange,
}: {
  project: Project | null
  open: boolean
  onOpenChange: (o: boolean) => void
}) {
  const rename = useProjects((s) => s.rename)
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (open) {
      setName(project?.name ?? '')
      setError(null)
    }
  }, [open, project])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!project) return
    const v = validateProjectName(name)
    if (v) {
      setError(v)
      return
    }
    setBusy(true)
    try {
      await rename(project.id, name)
      onOpenChange(false)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Rename project">
      <form onSubmit={submit} noValidate className="flex flex-col gap-3">
        <label htmlFor="project-rename" className="text-sm font-medium">
          Name
        </label>
        <input
          id="project-rename"
          data-testid="project-rename-input"
          autoFocus
          value={name}
          onChange={(e) => {
            setName(e.target.value)
            setError(null)
          }}
          aria-invalid={!!error}
          className="h-9 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring"
        />
        {error ? (
          <p role="alert" className="text-xs text-destructive">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" data-testid="project-rename-submit" disabled={busy}>
            Rename
          </Button>
        </div>
      </form>
    </Dialog>
  )
}
