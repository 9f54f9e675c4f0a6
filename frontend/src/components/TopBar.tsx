import { Home, Keyboard, Search, Settings as SettingsIcon } from 'lucide-react'
import { isMac } from '../lib/shortcuts'
import { useSearch } from '../stores/search'
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
  const setHelpOpen = useUI((s) => s.setHelpOpen)
  const openSearch = useSearch((s) => s.setOpen)
  const mod = isMac() ? '⌘' : 'Ctrl+'
  const goHome = useProjects((s) => s.goHome)
  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-border px-3">
      <span className="text-sm font-semibold tracking-tight">
        <span className="text-accent">◆</span> Tessera
      </span>
      <Tip content="All projects">
        <Button size="icon" variant="ghost" aria-label="All projects" aria-pressed={!currentId} data-testid="home-nav" onClick={goHome}>
          <Home className="h-4 w-4" />
        </Button>
      </Tip>
      <ProjectSelector />
      <div className="flex-1" />
      {currentId ? <SandboxBadge projectId={currentId} /> : null}
      <Tip content={`Search everything (${mod}K)`}>
        <Button size="icon" variant="ghost" aria-label="Search everything" data-testid="search-open" onClick={() => openSearch(true)}>
          <Search className="h-4 w-4" />
        </Button>
      </Tip>
      <ThemeToggle />
      <Tip content={`Keyboard shortcuts (${mod}/)`}>
        <Button size="icon" variant="ghost" aria-label="Keyboard shortcuts" data-testid="shortcuts-open" onClick={() => setHelpOpen(true)}>
          <Keyboard className="h-4 w-4" />
        </Button>
      </Tip>
      <AboutDialog />
      <Tip content="Settings">
        <Button size="icon" variant="ghost" aria-label="Settings" data-testid="settings-open" onClick={openSettings}>
          <SettingsIcon className="h-4 w-4" />
        </Button>
      </Tip>
    </header>
  )
}
