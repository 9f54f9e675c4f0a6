import { useEffect, useRef, useState } from 'react'
import { Loader2, Pause, Play, AlertTriangle } from 'lucide-react'
import { useSandbox } from '../../stores/sandbox'
import { followSandboxURL, previewCover, sandboxOfURL } from '../../lib/preview'
import { Button } from '../ui/Button'
import { WebPreview } from './WebPreview'
import { useFiles } from '../../stores/files'
import { PublishBar } from './PublishBar'

/**
 * WebPreview of a stored result, kept on the project's current sandbox: the
 * URL follows a restarted or rebuilt sandbox, the frame reloads when the
 * sandbox is running again, and while it cannot serve (paused, starting,
 * none, failed) a cover says so with the way out instead of a gateway error.
 */
export function SandboxWebPreview({
  projectId,
  url,
  sandboxId,
  template,
}: {
  projectId: string
  url: string
  sandboxId?: string
  template: string
}) {
  const status = useSandbox((s) => s.byProject[projectId])
  const busy = useSandbox((s) => !!s.busy[projectId])
  const resume = useSandbox((s) => s.resume)
  const state = status?.state
  // A paused sandbox keeps its id: the frame stays on it (falling back to the stored URL would load the killed one).
  const current = status?.sandboxId || undefined
  const shownUrl = followSandboxURL(url, sandboxId, current)
  // With no sandbox of its own (an imported project, one whose sandbox was
  // removed) a stored address is another sandbox's: neither shown nor loaded.
  const foreign = !current && !!sandboxOfURL(url)

  // A frame loaded while the sandbox could not answer keeps its error page: load it again once it runs.
  const [epoch, setEpoch] = useState(0)
  const prev = useRef(state)
  useEffect(() => {
    if (state === 'running' && prev.current && prev.current !== 'running') setEpoch((n) => n + 1)
    prev.current = state
  }, [state])

  // A file saved into the sandbox: the app shows it (a server that reloads on change has it already; others get the new page).
  const saved = useFiles((s) => s.savedNonce[projectId] ?? 0)
  const cover = foreign
    ? state === undefined
      ? { kind: 'busy' as const, text: "Looking for the project's sandbox…" }
      : (previewCover(state === 'running' ? 'none' : state, status?.error) ?? previewCover('none'))
    : previewCover(state, status?.error)
  return (
    <div className="relative flex h-full min-h-0 flex-col" data-testid="web-preview" data-sandbox-state={state ?? ''}>
      {foreign ? null : (
        <>
          <WebPreview key={`${shownUrl}#${epoch}`} url={shownUrl} template={template} reloadKey={saved} />
          <PublishBar projectId={projectId} url={shownUrl} />
        </>
      )}
      {cover ? (
        <div
          data-testid="preview-cover"
          data-kind={cover.kind}
          role="status"
          className={`absolute inset-x-0 bottom-0 ${foreign ? 'top-0' : 'top-10'} flex flex-col items-center justify-center gap-3 bg-background p-6 text-center text-sm`}
        >
          {cover.kind === 'busy' || busy ? (
            <Loader2 className="h-6 w-6 animate-spin text-muted-foreground" aria-hidden />
          ) : cover.kind === 'paused' ? (
            <Pause className="h-6 w-6 text-sky-500" aria-hidden />
          ) : cover.kind === 'error' || cover.kind === 'unreachable' ? (
            <AlertTriangle className="h-6 w-6 text-destructive" aria-hidden />
          ) : null}
          <p className="max-w-sm">{cover.text}</p>
          {/* Unreachable clears by itself when E2B answers (the badge's probe): no button that would do nothing. */}
          {cover.kind !== 'busy' && cover.kind !== 'unreachable' ? (
            <Button variant="primary" size="sm" data-testid="preview-resume" disabled={busy} onClick={() => void resume(projectId)}>
              <Play className="h-3.5 w-3.5" /> {cover.kind === 'paused' ? 'Resume' : cover.kind === 'error' ? 'Try again' : 'Start the sandbox'}
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
