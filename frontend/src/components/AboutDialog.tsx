import { useEffect, useState } from 'react'
import { Info } from 'lucide-react'
import { useAbout } from '../stores/update'
import { Button } from './ui/Button'
import { Dialog } from './ui/Dialog'
import { Tip } from './ui/Tip'

function formatDate(iso: string): string {
  if (!iso) return 'not recorded (development build)'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

/** The top bar's About button and its dialog: version and build date. */
export function AboutDialog() {
  const [open, setOpen] = useState(false)
  const info = useAbout((s) => s.info)
  const error = useAbout((s) => s.error)
  useEffect(() => {
    if (open) void useAbout.getState().load()
  }, [open])
  return (
    <>
      <Tip content="About Tessera">
        <Button size="icon" variant="ghost" aria-label="About Tessera" data-testid="about-open" onClick={() => setOpen(true)}>
          <Info className="h-4 w-4" />
        </Button>
      </Tip>
      <Dialog open={open} onOpenChange={setOpen} title="About Tessera" closeTestId="about-close">
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : info ? (
          <dl data-testid="about-info" className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-muted-foreground">Version</dt>
            <dd data-testid="about-version">{info.version}</dd>
            <dt className="text-muted-foreground">Built</dt>
            <dd data-testid="about-date">{formatDate(info.buildDate)}</dd>
            <dt className="text-muted-foreground">Go</dt>
            <dd>{info.goVersion}</dd>
            <dt className="text-muted-foreground">Wails</dt>
            <dd>{info.wailsVersion || 'unknown'}</dd>
            <dt className="text-muted-foreground">Updates</dt>
            <dd data-testid="about-updates" className="break-all">
              {info.releaseFeed
                ? `Checked at most once a day at ${info.releaseFeed} (Settings → Updates)`
                : 'Off: this build has no release feed, so it never checks for new versions (Settings → Updates can name one).'}
            </dd>
          </dl>
        ) : (
          <p className="text-sm text-muted-foreground">Loading…</p>
        )}
      </Dialog>
    </>
  )
}
