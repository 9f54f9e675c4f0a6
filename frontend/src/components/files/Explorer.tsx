import { lazy, Suspense, useEffect, useState } from 'react'
import { Loader2, Save, WrapText, X } from 'lucide-react'
import type { FileEntry } from '../../api'
import { filesOf, useFiles } from '../../stores/files'
import { useSearch } from '../../stores/search'
import { useResolvedTheme } from '../../lib/theme'
import { cn } from '../../lib/utils'
import { Button } from '../ui/Button'
import { ConfirmDialog } from '../ui/Dialog'
import { CodeView } from '../preview/CodeView'
import { FileTree } from './FileTree'

const CodeEditor = lazy(() => import('../preview/CodeEditor'))

/**
 * The Code tab of a project: its whole folder as a tree beside the files
 * open in tabs, editable, saved with Ctrl+S. While an answer streams, the
 * right side shows the files being written, live (stream); the tree and
 * the tabs come back, reloaded, when it is done.
 */
export function Explorer({ projectId, stream }: { projectId: string; stream?: FileEntry[] }) {
  const p = useFiles((s) => filesOf(s, projectId))
  const wrap = useFiles((s) => s.wrap)
  const { loadTree, open, activate, close, edit, save, setWrap } = useFiles.getState()
  const dark = useResolvedTheme() === 'dark'
  const [closing, setClosing] = useState<string | null>(null)

  useEffect(() => {
    if (!p.loaded && !p.loading) void loadTree(projectId)
    // Once per project shown.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [projectId])

  // A tab kept from before (a restart, another project) reads its file when shown.
  const active = p.active
  const file = active ? p.files[active] : undefined
  useEffect(() => {
    if (active && !file) void open(projectId, active)
  }, [active, file, open, projectId])

  // A file opened from search: in a tab, at its line.
  const reveal = useSearch((s) => s.reveal)
  const clearReveal = useSearch((s) => s.clearReveal)
  const [goto, setGoto] = useState<{ path: string; line: number; nonce: number } | null>(null)
  useEffect(() => {
    if (!reveal || stream) return
    void open(projectId, reveal.path)
    setGoto(reveal)
    clearReveal(reveal.nonce)
  }, [reveal, stream, open, projectId, clearReveal])

  const dirty = file?.draft != null
  const text = file ? file.draft ?? file.content : ''

  return (
    <div className="flex h-full min-h-0" data-testid="explorer">
      <aside className="w-56 shrink-0 border-r border-border">
        <FileTree projectId={projectId} />
      </aside>
      <section className="flex min-w-0 flex-1 flex-col">
        {stream ? (
          <CodeView files={stream} streaming />
        ) : (
          <>
            <div className="flex items-center gap-1 border-b border-border px-2">
              <div role="tablist" aria-label="Open files" className="flex min-w-0 flex-1 gap-0.5 overflow-x-auto py-1">
                {p.tabs.map((t) => {
                  const f = p.files[t]
                  const unsaved = f?.draft != null
                  return (
                    <div
                      key={t}
                      role="tab"
                      aria-selected={t === active}
                      data-testid="editor-tab"
                      data-path={t}
                      data-dirty={unsaved ? 'true' : 'false'}
                      className={cn(
                        'group flex shrink-0 items-center gap-1 rounded px-2 py-1 font-mono text-xs',
                        t === active ? 'bg-muted font-semibold' : 'text-muted-foreground hover:bg-muted',
                      )}
                    >
                      <button onClick={() => activate(projectId, t)} title={t}>
                        {t.slice(t.lastIndexOf('/') + 1)}
                      </button>
                      <button
                        aria-label={unsaved ? `Close ${t} (unsaved)` : `Close ${t}`}
                        data-testid="editor-tab-close"
                        className="rounded p-0.5 hover:bg-background"
                        onClick={() => (unsaved ? setClosing(t) : close(projectId, t))}
                      >
                        {unsaved ? <span className="block h-2 w-2 rounded-full bg-amber-500 group-hover:hidden" /> : null}
                        <X className={cn('h-3 w-3', unsaved && 'hidden group-hover:block')} />
                      </button>
                    </div>
                  )
                })}
              </div>
              <Button
                size="icon"
                variant="ghost"
                aria-label="Wrap long lines"
                aria-pressed={wrap}
                data-testid="editor-wrap"
                className={cn(wrap && 'bg-muted')}
                onClick={() => setWrap(!wrap)}
              >
                <WrapText className="h-4 w-4" />
              </Button>
              {!dirty && file?.savedAt ? (
                <span role="status" data-testid="editor-saved" className="text-xs text-muted-foreground">
                  Saved at {new Date(file.savedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}
                </span>
              ) : null}
              <Button
                size="icon"
                variant="ghost"
                aria-label="Save (Ctrl+S)"
                data-testid="editor-save"
                disabled={!dirty || file?.saving}
                onClick={() => active && void save(projectId, active)}
              >
                {file?.saving ? <Loader2 className="h-4 w-4 animate-spin" /> : <Save className="h-4 w-4" />}
              </Button>
            </div>
            {!file || !active ? (
              <div className="flex flex-1 items-center justify-center p-6 text-center text-sm text-muted-foreground" data-testid="editor-empty">
                {p.tabs.length === 0 ? 'Choose a file on the left to open it here.' : 'Loading…'}
              </div>
            ) : file.error ? (
              <p role="alert" data-testid="editor-error" className="m-3 rounded-md border border-destructive/60 p-3 text-sm text-destructive">
                {file.error}
              </p>
            ) : file.binary ? (
              <p className="m-3 text-sm text-muted-foreground" data-testid="editor-binary">
                {active} is not text ({file.size.toLocaleString()} bytes), so it cannot be edited here.
              </p>
            ) : file.loading && file.draft === null ? (
              <div className="flex flex-1 items-center justify-center text-sm text-muted-foreground">Loading…</div>
            ) : (
              <>
              {file.stale ? (
                <p role="status" data-testid="editor-stale" className="border-b border-amber-500/40 bg-amber-500/10 px-3 py-1.5 text-xs">
                  The assistant changed {active} after you started editing it. Saving replaces its version with yours (both are kept in the versions).
                </p>
              ) : null}
              <div className="relative min-h-0 flex-1" data-testid="editor" data-path={active} data-dirty={dirty ? 'true' : 'false'}>
                <Suspense fallback={<pre className="h-full overflow-auto p-3 font-mono text-xs">{text}</pre>}>
                  <CodeEditor
                    key={active}
                    path={active}
                    code={text}
                    dark={dark}
                    editable
                    wrap={wrap}
                    onChange={(t) => edit(projectId, active, t)}
                    onSave={() => void save(projectId, active)}
                    line={goto && goto.path === active ? goto.line : 0}
                    lineNonce={goto?.nonce}
                  />
                </Suspense>
                <pre hidden data-testid="editor-text">
                  {text}
                </pre>
              </div>
              </>
            )}
          </>
        )}
      </section>
      <ConfirmDialog
        open={!!closing}
        onOpenChange={(o) => !o && setClosing(null)}
        title={`Close ${closing ?? ''} without saving?`}
        description="Your changes to this file have not been saved. Closing the tab throws them away."
        confirmLabel="Discard changes"
        confirmTestId="editor-discard"
        onConfirm={() => {
          if (closing) close(projectId, closing)
          setClosing(null)
        }}
      />
    </div>
  )
}
