import { useEffect, useMemo, useState } from 'react'
import { AlertTriangle } from 'lucide-react'
import * as api from './api'
import type { StartupStatus } from './api'
import { useProjects } from './stores/projects'
import { E2B_ACCOUNT, llmAccount, useSettings } from './stores/settings'
import { useCatalog } from './stores/catalog'
import { useUI } from './stores/ui'
import { followCurrentProject } from './stores/sandbox'
import { startPresence } from './stores/presence'
import { useQuit } from './stores/quit'
import { QuitOverlay } from './components/QuitOverlay'
import { useApplyTheme } from './lib/theme'
import { TopBar } from './components/TopBar'
import { UpdateNotice } from './components/UpdateNotice'
import { ChatPanel } from './components/chat/ChatPanel'
import { PreviewPanel } from './components/preview/PreviewPanel'
import { prefetchEditor } from './components/preview/CodeView'
import { WelcomePanel } from './components/projects/WelcomePanel'
import { HomeScreen } from './components/projects/HomeScreen'
import { Toaster } from './components/ui/Toaster'
import { TipProvider } from './components/ui/Tip'
import { Button } from './components/ui/Button'
import { installShortcuts } from './lib/shortcuts'
import { useSearch } from './stores/search'
import {
  CreateProjectDialog,
  OnceOpened,
  prefetchDialogs,
  RedirectConfirmDialog,
  SearchDialog,
  SettingsDialog,
  ShortcutsHelp,
} from './components/lazyDialogs'

type Boot = { phase: 'loading' } | { phase: 'failed'; message: string; status?: StartupStatus } | { phase: 'ready'; status: StartupStatus }

export function StartupError({ message, status }: { message: string; status?: StartupStatus }) {
  return (
    <main role="alert" data-testid="startup-error" className="flex h-full items-center justify-center p-8">
      <div className="max-w-lg text-center">
        <AlertTriangle className="mx-auto h-10 w-10 text-destructive" aria-hidden />
        <h1 className="mt-4 text-lg font-semibold">Tessera could not start</h1>
        <p className="mt-2 text-sm">{message}</p>
        {status?.paths?.logFile ? (
          <p className="mt-4 text-xs text-muted-foreground">
            Details are in the log file: <span className="font-mono">{status.paths.logFile}</span>
          </p>
        ) : null}
        <Button className="mt-6" variant="outline" onClick={() => window.location.reload()}>
          Try again
        </Button>
      </div>
    </main>
  )
}

function Workspace() {
  const currentId = useProjects((s) => s.currentId)
  const projects = useProjects((s) => s.projects)
  const projectsLoaded = useProjects((s) => s.loaded)
  const projectsError = useProjects((s) => s.error)
  const settings = useSettings((s) => s.settings)
  const settingsLoaded = useSettings((s) => s.loaded)
  const keys = useSettings((s) => s.keys)
  const providers = useCatalog((s) => s.providers)

  const hasKeys = useMemo(
    () => !!keys[E2B_ACCOUNT] && providers.some((p) => p.usable && (p.needsKey ? keys[llmAccount(p.id)] !== false : true)),
    [keys, providers],
  )
  const showWelcome = settingsLoaded && projectsLoaded && !settings.onboarded && (projects.length === 0 || !hasKeys)

  if (projectsError) {
    return (
      <p role="alert" className="m-6 text-sm text-destructive">
        {projectsError}
      </p>
    )
  }
  if (!currentId) {
    return (
      <div className="h-full overflow-y-auto">
        {showWelcome ? <WelcomePanel hasKeys={hasKeys} hasProjects={projects.length > 0} /> : null}
        {/* The welcome panel has its own "Create a project": one such button on the page. */}
        {projectsLoaded ? projects.length > 0 ? <HomeScreen /> : <NoProject withCreate={!showWelcome} /> : null}
      </div>
    )
  }
  return (
    <div className="flex h-full min-h-0 flex-col">
      {showWelcome ? (
        <div className="max-h-[45vh] shrink-0 overflow-y-auto border-b border-border">
          <WelcomePanel hasKeys={hasKeys} hasProjects={projects.length > 0} compact />
        </div>
      ) : null}
      <div className="min-h-0 flex-1">
        <Split projectId={currentId} />
      </div>
    </div>
  )
}

export function NoProject({ withCreate = true }: { withCreate?: boolean }) {
  const openCreate = useUI((s) => s.openCreate)
  const projects = useProjects((s) => s.projects)
  // Under the welcome panel with no project yet, it would only repeat the panel's step 2.
  if (!withCreate && projects.length === 0) return null
  return (
    <div data-testid="no-project" className="flex flex-col items-center gap-3 p-8 text-center text-sm text-muted-foreground">
      <p>
        {projects.length
          ? withCreate
            ? 'Choose a project in the menu at the top, or create a new one.'
            : 'Choose a project in the menu at the top.'
          : 'You have no projects yet.'}
      </p>
      {withCreate ? (
        <Button variant="primary" onClick={openCreate} data-testid="empty-create">
          Create a project
        </Button>
      ) : null}
    </div>
  )
}

function Split({ projectId }: { projectId: string }) {
  return (
    <div className="grid h-full min-h-0 grid-cols-1 md:grid-cols-2">
      <section aria-label="Chat" className="flex min-h-0 flex-col border-r border-border">
        <ChatPanel key={projectId} projectId={projectId} />
      </section>
      <section aria-label="Preview" className="hidden min-h-0 flex-col md:flex">
        <PreviewPanel projectId={projectId} />
      </section>
    </div>
  )
}

export default function App() {
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' })
  const createOpen = useUI((s) => s.createOpen)
  const setCreateOpen = useUI((s) => s.setCreateOpen)
  const settingsOpen = useUI((s) => s.settingsOpen)
  const helpOpen = useUI((s) => s.helpOpen)
  const searchOpen = useSearch((s) => s.open)
  const redirectAsked = useSettings((s) => !!s.redirect)
  useApplyTheme()

  // Quit progress can arrive whatever the page shows.
  useEffect(() => useQuit.getState().listen(), [])
  useEffect(() => {
    if (boot.phase !== 'ready') return
    prefetchEditor()
    prefetchDialogs()
  }, [boot.phase])
  // The sandbox badge follows the current project's status topic.
  useEffect(() => (boot.phase === 'ready' ? followCurrentProject() : undefined), [boot.phase])
  useEffect(() => (boot.phase === 'ready' ? installShortcuts() : undefined), [boot.phase])
  // Hidden or minimised: sandboxes pause; focus wakes the current one.
  useEffect(() => (boot.phase === 'ready' ? startPresence() : undefined), [boot.phase])

  useEffect(() => {
    let alive = true
    api.system
      .status()
      .then((status) => {
        if (!alive) return
        if (!status.ok) {
          setBoot({ phase: 'failed', message: status.error?.message ?? 'Tessera could not start.', status })
          return
        }
        setBoot({ phase: 'ready', status })
        void useSettings.getState().load()
        void useProjects.getState().load()
        void useCatalog
          .getState()
          .load()
          .then(() => {
            const accounts = [E2B_ACCOUNT, ...useCatalog.getState().providers.filter((p) => p.needsKey).map((p) => llmAccount(p.id))]
            return useSettings.getState().loadKeys(accounts)
          })
      })
      .catch((e) => alive && setBoot({ phase: 'failed', message: api.errorMessage(e) }))
    return () => {
      alive = false
    }
  }, [])

  if (boot.phase === 'loading') {
    return <div className="flex h-full items-center justify-center text-sm text-muted-foreground">Starting Tessera…</div>
  }
  if (boot.phase === 'failed') {
    return <StartupError message={boot.message} status={boot.status} />
  }
  return (
    <TipProvider>
      <div className="flex h-full flex-col">
        <TopBar />
        <UpdateNotice />
        <main className="min-h-0 flex-1">
          <Workspace />
        </main>
        <Toaster />
      </div>
      <OnceOpened open={createOpen}>
        <CreateProjectDialog open={createOpen} onOpenChange={setCreateOpen} />
      </OnceOpened>
      <OnceOpened open={settingsOpen}>
        <SettingsDialog version={boot.status.version} paths={boot.status.paths} e2bDomainEnv={boot.status.e2bDomainEnv} />
      </OnceOpened>
      <OnceOpened open={redirectAsked}>
        <RedirectConfirmDialog />
      </OnceOpened>
      <OnceOpened open={searchOpen}>
        <SearchDialog />
      </OnceOpened>
      <OnceOpened open={helpOpen}>
        <ShortcutsHelp />
      </OnceOpened>
      <QuitOverlay />
    </TipProvider>
  )
}
