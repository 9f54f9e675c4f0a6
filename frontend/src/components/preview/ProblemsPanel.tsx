import { useEffect, useMemo, useState } from 'react'
import { AlertTriangle, Wand2 } from 'lucide-react'
import type { RunResult } from '../../api'
import type { FragmentView } from '../../lib/fragment'
import { MAX_DETAIL, problemLabel, problemsOf, serverProblem, type Problem } from '../../lib/problems'
import { stripAnsi } from '../../lib/utils'
import { useChat } from '../../stores/chat'
import { streamTerminal, useTerminal } from '../../stores/terminal'
import { Button } from '../ui/Button'

/** How much of the server console is kept for finding errors. */
const KEEP = 32 * 1024

function consoleTail(text: string): string {
  const t = stripAnsi(text).trimEnd()
  return t.length > MAX_DETAIL ? '…' + t.slice(t.length - MAX_DETAIL) : t
}

/** The output of the project's server console, when one is open (the Server console tab). */
function useServerConsole(projectId: string): string {
  const serverId = useTerminal((s) => (s.byProject[projectId]?.ids ?? []).find((id) => s.sessions[id]?.kind === 'server') ?? null)
  const [text, setText] = useState('')
  useEffect(() => {
    setText('')
    if (!serverId) return
    const dec = new TextDecoder()
    return streamTerminal(serverId, (bytes) => {
      const chunk = dec.decode(bytes, { stream: true })
      setText((t) => {
        const all = t + chunk
        return all.length > KEEP ? all.slice(all.length - KEEP) : all
      })
    })
  }, [serverId])
  return text
}

/**
 * The problems of the shown run (a traceback, a failed install, a server
 * that never opened its port, errors in the server console), each with a
 * Fix button that sends it to the model as the next turn.
 */
export function ProblemsPanel({ projectId, result, fragment, live, web }: {
  projectId: string
  result: RunResult | null
  fragment: FragmentView | null
  live: boolean
  web: boolean
}) {
  const fix = useChat((s) => s.fix)
  const running = useChat((s) => !!s.chats[projectId]?.run)
  const consoleText = useServerConsole(web ? projectId : '')
  const problems = useMemo((): Problem[] => {
    if (live) return []
    // A server that never opened its port: what its console printed is the context.
    const out = problemsOf(result, fragment).map((p) =>
      p.kind === 'port' && !p.detail && consoleText.trim() ? { ...p, detail: consoleTail(consoleText) } : p,
    )
    const server = web ? serverProblem(consoleText, fragment?.files[0]?.path) : null
    if (server) out.push(server)
    return out
  }, [live, result, fragment, web, consoleText])
  if (problems.length === 0) return null
  return (
    <section aria-label="Problems" data-testid="problems" className="m-3 mb-0 max-h-[45%] shrink-0 overflow-auto rounded-md border border-destructive/50 bg-destructive/5">
      <h3 className="flex items-center gap-1.5 border-b border-destructive/30 px-3 py-1.5 text-xs font-semibold text-destructive">
        <AlertTriangle className="h-3.5 w-3.5" /> Problems ({problems.length})
      </h3>
      <ul className="divide-y divide-destructive/20">
        {problems.map((p) => (
          <li key={p.id} data-testid="problem" data-kind={p.kind} className="flex items-start gap-2 px-3 py-2 text-sm">
            <div className="min-w-0 flex-1">
              <p className="text-xs text-muted-foreground">
                {problemLabel(p)}
                {p.file ? <span className="font-mono"> · {p.file}</span> : null}
              </p>
              <p data-testid="problem-title" className="break-words font-mono text-xs text-destructive">
                {p.title}
              </p>
              {p.detail ? (
                <details className="mt-1 text-xs">
                  <summary className="cursor-pointer text-muted-foreground">Details</summary>
                  <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap rounded bg-muted p-2 font-mono">{p.detail}</pre>
                </details>
              ) : null}
            </div>
            <Button
              size="sm"
              variant="outline"
              data-testid="problem-fix"
              disabled={running}
              title="Send this error, with its file, to the assistant as your next message"
              onClick={() => void fix(projectId, p)}
            >
              <Wand2 className="h-3 w-3" /> Fix
            </Button>
          </li>
        ))}
      </ul>
    </section>
  )
}
