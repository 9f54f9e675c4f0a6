import { useEffect, useState, type FormEvent } from 'react'
import { Dialog } from '../ui/Dialog'
import { Button } from '../ui/Button'
import { SelectBox, AUTO, fromSelect } from '../ui/SelectBox'
import { useProjects, validateDescription, validateProjectName, MAX_DESCRIPTION } from '../../stores/projects'
import { useCatalog } from '../../stores/catalog'
import { errorMessage } from '../../api'
import { TemplateIcon } from '../ui/TemplateIcon'
import { StarterPicture } from './StarterPicture'

export function CreateProjectDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const create = useProjects((s) => s.create)
  const templates = useCatalog((s) => s.templates)
  const starters = useProjects((s) => s.starters)
  const startersError = useProjects((s) => s.startersError)
  const loadStarters = useProjects((s) => s.loadStarters)
  const [starter, setStarter] = useState('')
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [template, setTemplate] = useState(AUTO)
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [serverError, setServerError] = useState<string | null>(null)

  useEffect(() => {
    if (open) {
      setName('')
      setDescription('')
      setTemplate(AUTO)
      setStarter('')
      setTouched(false)
      setServerError(null)
    }
  }, [open])

  useEffect(() => {
    if (open) void loadStarters()
  }, [open, loadStarters])

  const chosen = starters.find((s) => s.id === starter)

  // A starter names an empty Name field after itself (the person's own name stays).
  const choose = (id: string) => {
    const next = starters.find((s) => s.id === id)
    const prev = starters.find((s) => s.id === starter)
    if (next && (!name.trim() || name === prev?.name)) setName(next.name)
    setStarter(id)
  }

  const nameError = touched ? validateProjectName(name) : null
  const descError = validateDescription(description)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (validateProjectName(name) || descError) return
    setBusy(true)
    setServerError(null)
    try {
      await create(chosen ? { name, description, template: chosen.template, starter: chosen.id } : { name, description, template: fromSelect(template) })
      onOpenChange(false)
    } catch (err) {
      setServerError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange} className="w-[min(92vw,44rem)]" title="New project" description="A project keeps its chat, its files and one sandbox.">
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <div className="flex flex-col gap-1">
          <label htmlFor="project-name" className="text-sm font-medium">
            Name
          </label>
          <input
            id="project-name"
            data-testid="project-name-input"
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            onBlur={() => name && setTouched(true)}
            aria-invalid={!!nameError}
            aria-describedby={nameError ? 'project-name-error' : undefined}
            className="h-9 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring"
          />
          {nameError ? (
            <p id="project-name-error" role="alert" className="text-xs text-destructive">
              {nameError}
            </p>
          ) : null}
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="project-description" className="text-sm font-medium">
            Description <span className="font-normal text-muted-foreground">(optional)</span>
          </label>
          <textarea
            id="project-description"
            data-testid="project-description-input"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={3}
            aria-invalid={!!descError}
            className="rounded-md border border-border bg-background p-2 text-sm focus-visible:outline-2 focus-visible:outline-ring"
          />
          <div className="flex justify-between text-xs">
            <span role={descError ? 'alert' : undefined} className="text-destructive">
              {descError}
            </span>
            <span className="text-muted-foreground">
              {[...description].length}/{MAX_DESCRIPTION}
            </span>
          </div>
        </div>
        <fieldset className="flex flex-col gap-1">
          <legend className="text-sm font-medium">Start from</legend>
          <div role="radiogroup" aria-label="Start from" data-testid="starter-gallery" className="grid max-h-72 grid-cols-2 sm:grid-cols-3 gap-2 overflow-y-auto pr-1">
            {[{ id: '', name: 'Blank project', stack: 'Any template', shows: 'No files yet: the first message makes them.', template: '', empty: true }, ...starters].map((s) => (
              <label
                key={s.id || 'blank'}
                data-testid={`starter-${s.id || 'blank'}`}
                className={`relative flex cursor-pointer flex-col focus-within:outline-2 focus-within:outline-ring gap-1 rounded-md border p-2 text-xs ${starter === s.id ? 'border-primary ring-1 ring-primary' : 'border-border'}`}
              >
                <input type="radio" name="starter" value={s.id} checked={starter === s.id} onChange={() => choose(s.id)} className="sr-only" />
                <StarterPicture template={s.template} empty={s.empty} />
                <span className="font-medium text-sm">{s.name}</span>
                <span className="text-muted-foreground">{s.stack}</span>
                <span>{s.shows}</span>
                {'start' in s && s.start ? <span className="font-mono text-[10px] text-muted-foreground">Starts with {s.start}</span> : null}
              </label>
            ))}
          </div>
          {startersError ? (
            <p role="alert" className="text-xs text-destructive">
              {startersError}
            </p>
          ) : null}
        </fieldset>
        {chosen ? (
          <p className="text-sm" data-testid="starter-template">
            Template: {templates.find((t) => t.id === chosen.template)?.name || chosen.template} (from the starter)
          </p>
        ) : (
          <div className="flex flex-col gap-1">
            <label htmlFor="project-template" className="text-sm font-medium">
              Template
            </label>
            <SelectBox
              id="project-template"
              ariaLabel="Template"
              testId="project-template-select"
              value={template}
              onValueChange={setTemplate}
              className="h-9 text-sm"
              groups={[
                {
                  label: '',
                  options: [
                    { value: AUTO, label: 'Auto', icon: <TemplateIcon template="" className="h-3.5 w-3.5" /> },
                    ...templates.map((t) => ({ value: t.id, label: t.name || t.id, icon: <TemplateIcon template={t.id} className="h-3.5 w-3.5" /> })),
                  ],
                },
              ]}
            />
          </div>
        )}
        {serverError ? (
          <p role="alert" className="text-sm text-destructive">
            {serverError}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" data-testid="project-create-submit" disabled={busy}>
            Create
          </Button>
        </div>
      </form>
    </Dialog>
  )
}
