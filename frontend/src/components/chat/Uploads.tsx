import { useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react'
import { FileSpreadsheet, FileText, File as FileIcon, Upload as UploadIcon, X } from 'lucide-react'
import type { Upload } from '../../api/uploads'
import { humanSize, useUploads } from '../../stores/uploads'
import { Button } from '../ui/Button'

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files')
}

/**
 * The chat as a drop target: files dropped onto it are uploaded into the
 * project (its folder under data/, its sandbox), not attached to a message.
 */
export function UploadDropZone({ projectId, className, children }: { projectId: string; className?: string; children: ReactNode }) {
  const uploadFiles = useUploads((s) => s.uploadFiles)
  const [over, setOver] = useState(false)
  const depth = useRef(0)
  return (
    <div
      className={'relative ' + (className ?? '')}
      data-testid="upload-drop-zone"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        depth.current++
        setOver(true)
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        e.dataTransfer.dropEffect = 'copy'
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1)
        if (depth.current === 0) setOver(false)
      }}
      onDrop={(e) => {
        const files = Array.from(e.dataTransfer?.files ?? [])
        depth.current = 0
        setOver(false)
        if (files.length === 0) return
        e.preventDefault()
        void uploadFiles(projectId, files)
      }}
    >
      {children}
      {over ? (
        <div
          data-testid="upload-drop-overlay"
          className="pointer-events-none absolute inset-2 z-20 flex items-center justify-center rounded-xl border-2 border-dashed border-accent bg-background/85 text-sm font-medium"
        >
          Drop the files to upload them into the project (up to 15 MB each)
        </div>
      ) : null}
    </div>
  )
}

/**
 * The Upload button: the system's file dialog (files up to 50 MB), or the
 * page's own file input where there is no dialog.
 */
export function UploadButton({ projectId, disabled }: { projectId: string; disabled?: boolean }) {
  const pick = useUploads((s) => s.pick)
  const uploadFiles = useUploads((s) => s.uploadFiles)
  const busy = useUploads((s) => !!s.busy[projectId])
  const picking = useUploads((s) => !!s.picking[projectId])
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <Button
        size="sm"
        variant="ghost"
        data-testid="chat-upload"
        disabled={disabled || busy}
        title="Upload files into the project: they go into its data folder and its sandbox, and the assistant is told about them"
        onClick={async () => {
          const picked = await pick(projectId)
          // No dialog here (a plain browser): the page's own file picker.
          if (!picked && /not available/.test(useUploads.getState().error[projectId] ?? '')) {
            useUploads.getState().dismissError(projectId)
            input.current?.click()
          }
        }}
      >
        <UploadIcon className="h-3.5 w-3.5" /> {picking ? 'Choose files…' : busy ? 'Uploading…' : 'Upload'}
      </Button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="upload-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? [])
          e.target.value = ''
          void uploadFiles(projectId, files)
        }}
      />
    </>
  )
}

function KindIcon({ kind }: { kind: Upload['kind'] }) {
  const cls = 'h-3.5 w-3.5 shrink-0'
  if (kind === 'csv') return <FileSpreadsheet className={cls} />
  if (kind === 'text') return <FileText className={cls} />
  return <FileIcon className={cls} />
}

/** The project's uploaded files, and why the last upload was refused. */
export function UploadList({ projectId }: { projectId: string }) {
  const uploads = useUploads((s) => s.byProject[projectId]) ?? []
  const error = useUploads((s) => s.error[projectId] ?? null)
  const load = useUploads((s) => s.load)
  const dismiss = useUploads((s) => s.dismissError)
  useEffect(() => {
    void load(projectId)
  }, [projectId, load])
  if (uploads.length === 0 && !error) return null
  return (
    <div className="mx-3 mb-1 flex flex-col gap-1">
      {error ? (
        <p role="alert" data-testid="upload-error" className="flex items-start gap-2 rounded-md border border-destructive/60 bg-destructive/5 px-3 py-1.5 text-xs text-destructive">
          <span className="flex-1">{error}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(projectId)}>
            <X className="h-3.5 w-3.5" />
          </button>
        </p>
      ) : null}
      {uploads.length > 0 ? (
        <ul aria-label="Uploaded files" className="flex flex-wrap gap-1">
          {uploads.map((u) => (
            <li
              key={u.path}
              data-testid="upload-item"
              data-path={u.path}
              title={u.summary}
              className="flex max-w-[16rem] items-center gap-1 rounded-md border border-border bg-muted px-2 py-0.5 text-xs"
            >
              <KindIcon kind={u.kind} />
              <span className="truncate font-mono">{u.path}</span>
              <span className="shrink-0 text-muted-foreground">{humanSize(u.size)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
