import * as DM from '@radix-ui/react-dropdown-menu'
import { Check, ChevronDown, Download, FolderOpen, KeyRound, Pencil, Plus, Trash2, Upload, UploadCloud } from 'lucide-react'
import { useState } from 'react'
import { useProjects } from '../../stores/projects'
import { useUI } from '../../stores/ui'
import { toast } from '../../stores/toast'
import { errorMessage } from '../../api'
import { ConfirmDialog } from '../ui/Dialog'
import { RenameProjectDialog } from './RenameProjectDialog'
import { TransferDialogs } from '../transfer/TransferDialogs'
import { useTransfer } from '../../stores/transfer'
import { EnvDialog } from './EnvDialog'
import { cutName } from '../../lib/names'

const item =
  'flex cursor-pointer select-none items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted'

export function ProjectSelector() {
  const projects = useProjects((s) => s.projects)
  const currentId = useProjects((s) => s.currentId)
  const select = useProjects((s) => s.select)
  const remove = useProjects((s) => s.remove)
  const openCreate = useUI((s) => s.openCreate)
  const current = projects.find((p) => p.id === currentId) ?? null
  const [renameOpen, setRenameOpen] = useState(false)
  const [envOpen, setEnvOpen] = useState(false)
  const [deleteOpen, setDeleteOpen] = useState(false)
  const [deleteBusy, setDeleteBusy] = useState(false)
  const [deleteError, setDeleteError] = useState<string | null>(null)

  const onSelect = (id: string) => {
    if (id === currentId) return
    select(id).catch((e) => toast.error(errorMessage(e)))
  }

  const onDelete = async () => {
    if (!current) return
    setDeleteBusy(true)
    setDeleteError(null)
    try {
      await remove(current.id)
      setDeleteOpen(false)
    } catch (e) {
      setDeleteError(errorMessage(e))
    } finally {
      setDeleteBusy(false)
    }
  }

  return (
    <>
      <DM.Root modal={false}>
        <DM.Trigger
          data-testid="project-selector"
          aria-label="Projects"
          className="inline-flex h-8 max-w-[18rem] items-center gap-2 rounded-md border border-border px-2 text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
        >
          <FolderOpen className="h-4 w-4 shrink-0 text-muted-foreground" />
          <span data-testid="current-project-name" className="truncate font-medium">
            {current ? current.name : 'No project'}
          </span>
          <ChevronDown className="h-3.5 w-3.5 shrink-0 opacity-60" />
        </DM.Trigger>
        <DM.Portal>
          <DM.Content
            align="start"
            sideOffset={4}
            className="z-50 max-h-[70vh] w-72 overflow-y-auto rounded-md border border-border bg-card p-1 text-foreground shadow-lg"
          >
            {projects.length > 0 ? (
              <DM.Label className="px-2 py-1 text-[11px] font-semibold uppercase tracking-wide text-muted-foreground">
                Projects
              </DM.Label>
            ) : null}
            {projects.map((p) => (
              <DM.Item
                key={p.id}
                data-testid="project-item"
                data-project-id={p.id}
                className={item}
                onSelect={() => onSelect(p.id)}
              >
                <Check className={p.id === currentId ? 'h-3.5 w-3.5' : 'h-3.5 w-3.5 invisible'} aria-hidden />
                <span className="min-w-0 truncate" title={p.name}>
                  {p.name}
                </span>
              </DM.Item>
            ))}
            {projects.length > 0 ? <DM.Separator className="my-1 h-px bg-border" /> : null}
            <DM.Item data-testid="project-new" className={item} onSelect={() => openCreate()}>
              <Plus className="h-3.5 w-3.5" /> New project…
            </DM.Item>
            <DM.Item data-testid="project-import" className={item} onSelect={() => useTransfer.getState().openImport()}>
              <Download className="h-3.5 w-3.5" /> Import a project…
            </DM.Item>
            {current ? (
              <>
                <DM.Item data-testid="project-env" className={item} onSelect={() => setEnvOpen(true)}>
                  <KeyRound className="h-3.5 w-3.5" /> Environment…
                </DM.Item>
                <DM.Item data-testid="project-rename" className={item} onSelect={() => setRenameOpen(true)}>
                  <Pencil className="h-3.5 w-3.5 shrink-0" /> <span className="min-w-0 truncate">Rename “{cutName(current.name, 32)}”…</span>
                </DM.Item>
                <DM.Item data-testid="project-export" className={item} onSelect={() => useTransfer.getState().openExport(current.id)}>
                  <Upload className="h-3.5 w-3.5 shrink-0" /> <span className="min-w-0 truncate">Export “{cutName(current.name, 32)}”…</span>
                </DM.Item>
                <DM.Item
                  data-testid="project-push"
                  className={item}
                  onSelect={() => useTransfer.getState().openPush(current.id).catch((e) => toast.error(errorMessage(e)))}
                >
                  <UploadCloud className="h-3.5 w-3.5" /> Push to git…
                </DM.Item>
                <DM.Item
                  data-testid="project-delete"
                  className={item + ' text-destructive'}
                  onSelect={() => {
                    setDeleteError(null)
                    setDeleteOpen(true)
                  }}
                >
                  <Trash2 className="h-3.5 w-3.5 shrink-0" /> <span className="min-w-0 truncate">Delete “{cutName(current.name, 32)}”…</span>
                </DM.Item>
              </>
            ) : null}
          </DM.Content>
        </DM.Portal>
      </DM.Root>
      <RenameProjectDialog project={current} open={renameOpen} onOpenChange={setRenameOpen} />
      <TransferDialogs />
      <EnvDialog projectId={current?.id ?? null} projectName={current?.name ?? ''} open={envOpen} onOpenChange={setEnvOpen} />
      <ConfirmDialog
        open={deleteOpen}
        onOpenChange={setDeleteOpen}
        title="Delete this project?"
        description={`“${cutName(current?.name ?? '')}” will be deleted with its chat, its files and its sandbox. This cannot be undone.`}
        confirmLabel="Delete"
        confirmTestId="confirm-delete"
        busy={deleteBusy}
        error={deleteError}
        onConfirm={onDelete}
      />
    </>
  )
}
