import { useEffect, useState } from 'react'
import { Globe, X } from 'lucide-react'
import { useSandbox } from '../../stores/sandbox'
import { Button } from '../ui/Button'
import { copyText } from '../../lib/utils'

/** Hours a preview can be published for (E2B caps them at the plan's maximum lifetime). */
export const PUBLISH_HOURS = [1, 2, 4, 8, 12, 24]

/** The port of a preview URL (https://<port>-<sandbox id>.<domain>/…), or null. */
export function previewPort(url: string): number | null {
  try {
    const label = new URL(url).hostname.split('.')[0]
    const m = /^(\d{1,5})-[a-z0-9]+$/.exec(label)
    const port = m ? Number(m[1]) : NaN
    return port >= 1 && port <= 65535 ? port : null
  } catch {
    return null
  }
}

/** "2 h 05 min", "4 min 09 s", "12 s". */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`
  if (m > 0) return `${m} min ${String(sec).padStart(2, '0')} s`
  return `${sec} s`
}

/**
 * Publish the web preview for a chosen time: the sandbox is kept running
 * (and never paused for idleness) until then; the link, a countdown and
 * Unpublish are shown meanwhile.
 */
export function PublishBar({ projectId, url }: { projectId: string; url: string }) {
  const status = useSandbox((s) => s.byProject[projectId])
  const busy = useSandbox((s) => !!s.busy[projectId])
  const publish = useSandbox((s) => s.publish)
  const unpublish = useSandbox((s) => s.unpublish)
  const note = useSandbox((s) => s.publishNote[projectId] ?? '')
  const [hours, setHours] = useState(1)
  const [now, setNow] = useState(() => Date.now())
  const until = status?.state === 'running' && status.publishURL ? Date.parse(status.publishedUntil) : NaN
  const published = Number.isFinite(until) && until > now
  useEffect(() => {
    if (!published) return
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [published])
  const port = previewPort(url)
  if (port === null) return null

  if (published) {
    return (
      <div className="flex items-center gap-2 border-t border-border bg-emerald-500/10 px-2 py-1 text-xs" data-testid="publish-bar" data-published="true">
        <Globe className="h-3.5 w-3.5 text-emerald-600" aria-hidden />
        <span>Published:</span>
        <button
          type="button"
          className="min-w-0 truncate font-mono underline"
          data-testid="publish-url"
          title="Copy the link"
          onClick={() => void copyText(status!.publishURL!)}
        >
          {status!.publishURL}
        </button>
        <span className="ml-auto shrink-0" data-testid="publish-countdown" aria-live="off" title={note || undefined}>
          {countdown(until - now)} left
        </span>
        {note ? (
          <span role="status" data-testid="publish-note" className="min-w-0 truncate text-amber-700 dark:text-amber-400" title={note}>
            {note}
          </span>
        ) : null}
        <Button size="sm" variant="outline" data-testid="publish-stop" onClick={() => void unpublish(projectId)}>
          <X className="h-3.5 w-3.5" /> Unpublish
        </Button>
      </div>
    )
  }
  return (
    <div className="flex items-center gap-2 border-t border-border px-2 py-1 text-xs" data-testid="publish-bar" data-published="false">
      <Globe className="h-3.5 w-3.5 text-muted-foreground" aria-hidden />
      <label htmlFor="publish-hours" className="text-muted-foreground">
        Share this preview for
      </label>
      <select
        id="publish-hours"
        data-testid="publish-hours"
        value={hours}
        onChange={(e) => setHours(Number(e.target.value))}
        className="h-7 rounded-md border border-border bg-background px-1"
      >
        {PUBLISH_HOURS.map((h) => (
          <option key={h} value={h}>
            {h} h
          </option>
        ))}
      </select>
      <Button size="sm" variant="outline" data-testid="publish-button" disabled={busy} onClick={() => void publish(projectId, port, hours)}>
        Publish
      </Button>
      <span className="min-w-0 truncate text-muted-foreground">The sandbox keeps running (and costing) until then.</span>
    </div>
  )
}
