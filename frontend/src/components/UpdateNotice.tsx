import { useEffect } from 'react'
import { ArrowUpCircle, X } from 'lucide-react'
import { noticeVersion, useUpdate } from '../stores/update'
import { Button } from './ui/Button'

/**
 * A quiet strip under the top bar when a newer release is published. It
 * blocks nothing and installs nothing: the button opens the release page in
 * the system browser.
 */
export function UpdateNotice() {
  const version = useUpdate(noticeVersion)
  const hasURL = useUpdate((s) => !!s.status?.url)
  const dismiss = useUpdate((s) => s.dismiss)
  const openRelease = useUpdate((s) => s.openRelease)
  useEffect(() => useUpdate.getState().start(), [])
  if (!version) return null
  return (
    <div
      role="status"
      data-testid="update-notice"
      className="flex shrink-0 items-center gap-2 border-b border-border bg-muted px-3 py-1.5 text-sm"
    >
      <ArrowUpCircle className="h-4 w-4 text-accent" aria-hidden />
      <span>Tessera {version} is available.</span>
      {hasURL ? (
        <Button size="sm" variant="outline" data-testid="update-open" onClick={openRelease}>
          Open release page
        </Button>
      ) : null}
      <div className="flex-1" />
      <Button size="icon" variant="ghost" aria-label="Dismiss" data-testid="update-dismiss" onClick={dismiss}>
        <X className="h-4 w-4" />
      </Button>
    </div>
  )
}
