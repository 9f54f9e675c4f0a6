import { KeyRound, Plus, X } from 'lucide-react'
import { useSettings } from '../../stores/settings'
import { useUI } from '../../stores/ui'
import { Button } from '../ui/Button'

export function WelcomePanel({ hasKeys, hasProjects, compact }: { hasKeys: boolean; hasProjects: boolean; compact?: boolean }) {
  const dismiss = useSettings((s) => s.dismissOnboarding)
  const openSettings = useUI((s) => s.openSettings)
  const openCreate = useUI((s) => s.openCreate)
  return (
    <section
      data-testid="welcome-panel"
      aria-labelledby="welcome-title"
      className={compact ? "relative mx-auto my-3 w-[min(92vw,48rem)] rounded-xl border border-border bg-card p-4" : "relative mx-auto my-8 w-[min(92vw,36rem)] rounded-xl border border-border bg-card p-6 shadow-sm"}
    >
      <button
        type="button"
        aria-label="Dismiss"
        data-testid="welcome-dismiss"
        onClick={() => void dismiss()}
        className="absolute right-3 top-3 rounded p-1 text-muted-foreground hover:bg-muted"
      >
        <X className="h-4 w-4" />
      </button>
      <h2 id="welcome-title" className="text-lg font-semibold">
        Welcome to Tessera
      </h2>
      <p className="mt-1 text-sm text-muted-foreground">
        Build small apps by chatting with an LLM. The code runs in your own E2B cloud sandbox, and everything you make stays on this computer.
      </p>
      <ol className="mt-4 flex flex-col gap-3 text-sm">
        <li className="flex items-start gap-3">
          <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-accent/15 text-xs font-semibold text-accent">1</span>
          <div className="flex-1">
            <p className="font-medium">Add your E2B key and an LLM key in Settings{hasKeys ? ' ✓' : ''}</p>
            <p className="text-xs text-muted-foreground">They are kept in your operating system's keychain.</p>
            <Button size="sm" variant="outline" className="mt-2" data-testid="welcome-settings" onClick={openSettings}>
              <KeyRound className="h-3.5 w-3.5" /> Open Settings
            </Button>
          </div>
        </li>
        <li className="flex items-start gap-3">
          <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-accent/15 text-xs font-semibold text-accent">2</span>
          <div className="flex-1">
            <p className="font-medium">Create a project{hasProjects ? ' ✓' : ''}</p>
            <p className="text-xs text-muted-foreground">Each project has its own chat and its own sandbox, paused when you leave.</p>
            <Button size="sm" variant="primary" className="mt-2" data-testid="welcome-create" onClick={openCreate}>
              <Plus className="h-3.5 w-3.5" /> Create a project
            </Button>
          </div>
        </li>
      </ol>
    </section>
  )
}
