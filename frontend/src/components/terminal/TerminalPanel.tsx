import { useEffect, useRef } from 'react'
import { useSandbox } from '../../stores/sandbox'
import { Plus, RotateCcw, Server, SquareTerminal, X } from 'lucide-react'
import { useTerminal, type ProjectTerminals } from '../../stores/terminal'
import type { TerminalInfo } from '../../api/terminal'
import { Button } from '../ui/Button'
import { cn } from '../../lib/utils'
import { XtermView } from './XtermView'

const noProject: ProjectTerminals = { ids: [], active: null, loaded: false }

const stateLabel: Record<string, string> = {
  starting: 'starting',
  paused: 'paused',
  lost: 'disconnected',
  stopped: 'stopped',
  exited: 'ended',
}

/**
 * The Terminal tab: shells in the project's sandbox (several tabs) and,
 * for a web template, the read-only console of its server with Restart
 * server. Sessions live in the backend and in the terminal store, so they
 * survive switching tabs and projects.
 */
export function TerminalPanel({ projectId, web }: { projectId: string; web: boolean }) {
  const proj = useTerminal((s) => s.byProject[projectId]) ?? noProject
  const sessions = useTerminal((s) => s.sessions)
  const busy = useTerminal((s) => !!s.busy[projectId])
  const { load, open, openServer, close, setActive, restartServer } = useTerminal.getState()

  useEffect(() => {
    void load(projectId)
  }, [load, projectId])

  const list = proj.ids.map((id) => sessions[id]).filter((s): s is TerminalInfo => !!s)
  const shells = list.filter((s) => s.kind === 'shell')
  const server = list.find((s) => s.kind === 'server')
  // The first visit opens a shell (once: closing the last one leaves none),
  // but only in a sandbox that already runs: a shell in a paused or absent
  // one would start it (E2B bills it while it runs), so that is asked for.
  const running = useSandbox((s) => s.byProject[projectId]?.state === 'running')
  const autoOpened = useRef<string | null>(null)
  useEffect(() => {
    if (!proj.loaded || autoOpened.current === projectId || !running) return
    autoOpened.current = projectId
    if (proj.ids.length === 0) void open(projectId)
  }, [proj.loaded, proj.ids.length, open, projectId, running])

  const active = list.find((s) => s.id === proj.active) ?? list[0] ?? null
  const tabCls = (on: boolean) =>
    cn(
      'group inline-flex items-center gap-1 rounded-md px-2 py-0.5 text-xs',
      on ? 'bg-muted text-foreground' : 'text-muted-foreground hover:text-foreground',
    )

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="terminal-panel">
      <div role="tablist" aria-label="Terminals" className="flex items-center gap-1 border-b border-border px-2 py-1">
        {shells.map((s) => (
          <div key={s.id} className={tabCls(active?.id === s.id)}>
            <button
              role="tab"
              aria-selected={active?.id === s.id}
              data-testid="terminal-tab"
              data-state-name={s.state}
              onClick={() => setActive(projectId, s.id)}
              className="inline-flex items-center gap-1"
            >
              <SquareTerminal className="h-3.5 w-3.5" /> {s.title}
              {stateLabel[s.state] ? <span className="text-[10px] opacity-70">({stateLabel[s.state]})</span> : null}
            </button>
            <button aria-label={`Close ${s.title}`} onClick={() => void close(s.id)} className="rounded opacity-60 hover:opacity-100">
              <X className="h-3 w-3" />
            </button>
          </div>
        ))}
        <Button
          size="sm"
          variant="ghost"
          aria-label={running ? 'New terminal' : 'New terminal (starts the sandbox)'}
          data-testid="terminal-new"
          onClick={() => void open(projectId)}
        >
          <Plus className="h-3.5 w-3.5" />
        </Button>
        {web ? (
          <button
            role="tab"
            aria-selected={!!server && active?.id === server.id}
            data-testid="terminal-server-tab"
            className={tabCls(!!server && active?.id === server.id)}
            onClick={() => (server ? setActive(projectId, server.id) : void openServer(projectId))}
          >
            <Server className="h-3.5 w-3.5" /> Server
            {server && stateLabel[server.state] ? <span className="text-[10px] opacity-70">({stateLabel[server.state]})</span> : null}
          </button>
        ) : null}
        <div className="flex-1" />
        {web && active?.kind === 'server' ? (
          <Button size="sm" variant="outline" data-testid="terminal-restart-server" disabled={busy} onClick={() => void restartServer(projectId)}>
            <RotateCcw className="h-3.5 w-3.5" /> Restart server
          </Button>
        ) : null}
      </div>
      {active?.message && active.state !== 'running' ? (
        <p role="status" data-testid="terminal-message" className="border-b border-border bg-muted px-3 py-1 text-xs text-muted-foreground">
          {active.message}
        </p>
      ) : null}
      <div className="min-h-0 flex-1">
        {active ? (
          <XtermView key={active.id} id={active.id} readOnly={active.kind === 'server'} />
        ) : (
          proj.loaded && !running && proj.ids.length === 0 ? (
            <div className="flex flex-col items-start gap-2 p-4 text-sm text-muted-foreground" data-testid="terminal-ask">
              <p>A terminal runs in the project's sandbox, which is not running now. Opening one starts the sandbox (E2B bills it while it runs).</p>
              <Button size="sm" variant="outline" data-testid="terminal-start" onClick={() => void open(projectId)}>
                <SquareTerminal className="h-3.5 w-3.5" /> Start the sandbox and open a terminal
              </Button>
            </div>
          ) : (
            <p className="p-4 text-sm text-muted-foreground">{proj.loaded ? 'Opening a terminal…' : 'Loading…'}</p>
          )
        )}
      </div>
    </div>
  )
}
