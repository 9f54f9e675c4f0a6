import { useUpdate } from '../../stores/update'
import { Button } from '../ui/Button'

function when(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}

/** Settings' "Updates" part: the daily check, its feed, and "Check now". */
export function UpdatesSection(props: {
  enabled: boolean
  feedURL: string
  /** Why the feed address was refused, shown under it. */
  error?: string
  onChange: (v: { updateCheck: boolean; updateFeedURL: string }) => void
}) {
  const status = useUpdate((s) => s.status)
  const checking = useUpdate((s) => s.checking)
  const error = useUpdate((s) => s.error)
  const checkNow = useUpdate((s) => s.checkNow)
  let line = ''
  if (status?.available) line = `Tessera ${status.latest} is available (this is ${status.current}).`
  else if (status?.checkedAt && status.error) line = `Last check ${when(status.checkedAt)}: ${status.error}`
  else if (status?.checkedAt) line = `Up to date (${status.current}); last checked ${when(status.checkedAt)}.`
  return (
    <fieldset className="flex flex-col gap-2" data-testid="updates-section">
      <legend className="text-sm font-medium">Updates</legend>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          data-testid="update-check-input"
          checked={props.enabled}
          onChange={(e) => props.onChange({ updateCheck: e.target.checked, updateFeedURL: props.feedURL })}
        />
        Check once a day whether a newer Tessera is released (nothing is installed by itself)
      </label>
      <label htmlFor="update-feed" className="text-xs text-muted-foreground">
        Release feed (GitHub releases API or an Atom feed; empty for this build’s own)
      </label>
      <input
        id="update-feed"
        data-testid="update-feed-input"
        value={props.feedURL}
        placeholder={status && !status.feed ? 'None in this build: name one to check' : status?.feed || 'This build’s own feed'}
        onChange={(e) => props.onChange({ updateCheck: props.enabled, updateFeedURL: e.target.value })}
        aria-invalid={props.error ? true : undefined}
        className="h-8 rounded-md border border-border bg-background px-2 font-mono text-xs aria-[invalid=true]:border-destructive"
      />
      {props.error ? (
        <p role="alert" data-testid="field-error-update-feed" className="text-xs text-destructive">
          {props.error}
        </p>
      ) : null}
      {status && !status.feed ? (
        <p className="text-xs text-muted-foreground" data-testid="update-no-channel">
          This build has no update channel: no release feed was set when it was built, so Tessera never checks unless you name a feed
          here.
        </p>
      ) : null}
      <div className="flex items-center gap-2">
        <Button size="sm" variant="outline" data-testid="update-check-now" disabled={checking} onClick={() => void checkNow()}>
          {checking ? 'Checking…' : 'Check now'}
        </Button>
        <span className="text-xs text-muted-foreground" data-testid="update-check-result">
          {error ?? line}
        </span>
      </div>
      <p className="text-xs text-muted-foreground">“Check now” asks the saved feed; save a new address first.</p>
    </fieldset>
  )
}
