import { Settings as SettingsIcon } from 'lucide-react'
import { useProjects } from '../stores/projects'
import { useUI } from '../stores/ui'
import { AboutDialog } from './AboutDialog'
import { ProjectSelector } from './projects/ProjectSelector'
import { SandboxBadge } from './projects/SandboxBadge'
import { Button } from './ui/Button'
import { ThemeToggle } from './ui/ThemeToggle'
import { Tip } from './ui/Tip'

export function TopBar() {
  const currentId = useProjects((s) => s.currentId)
  const openSettings = useUI((s) => s.openSettings)
  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-border px-3">
      <span className="text-sm font-semibold tracking-tight">
        <span className="text-accent">◆</span> Tessera
      </span>
      <ProjectSelector />
      <div className="flex-1" />
      {currentId ? <SandboxBadge projectId={currentId} /> : null}
      <ThemeToggle />
      <AboutDialog />
      <Tip content="Settings">
        <Button size="icon" variant="ghost" aria-label="Settings" data-testid="settings-open" onClick={openSettings}>
          <SettingsIcon className="h-4 w-4" />
        </Button>
      </Tip>
    </header>
  )
}
