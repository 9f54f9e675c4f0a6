import { lazy, Suspense, useEffect, useState } from 'react'
import { Check, Copy, Download, Pencil } from 'lucide-react'
import type { FileEntry } from '../../api'
import { Button } from '../ui/Button'
import { cn, copyText, downloadText } from '../../lib/utils'
import { useResolvedTheme } from '../../lib/theme'
import { useSearch } from '../../stores/search'

const loadEditor = () => import('./CodeEditor')
const CodeEditor = lazy(loadEditor)

/**
 * Loads CodeMirror (and Python highlighting, the most common answer) while
 * the app is idle, so the first streamed answer does not pay for compiling
 * the editor in the middle of the stream.
 */
export function prefetchEditor(): void {
  const load = () => {
    void loadEditor()
    void import('@codemirror/lang-python')
  }
  if (typeof window !== 'undefined' && 'requestIdleCallback' in window) {
    window.requestIdleCallback(load, { timeout: 3000 })
  } else {
    setTimeout(load, 1000)
  }
}

export function CodeView({
  files,
  streaming,
  emptyText,
  onEdit,
}: {
  files: FileEntry[]
  streaming?: boolean
  emptyText?: string
  /** Opens the file shown in the project's editor (the Files tab). */
  onEdit?: (path: string) => void
}) {
  const [active, setActive] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const dark = useResolvedTheme() === 'dark'

  // Follow the newest file while streaming; otherwise keep the chosen one if it still exists.
  const paths = files.map((f) => f.path)
  const current = (active && paths.includes(active) ? active : null) ?? (streaming ? paths[paths.length - 1] : paths[0]) ?? null
  const file = files.find((f) => f.path === current) ?? null

  // A file opened from search: show it, at its line.
  const reveal = useSearch((s) => s.reveal)
  const clearReveal = useSearch((s) => s.clearReveal)
  const [goto, setGoto] = useState<{ path: string; line: number; nonce: number } | null>(null)
  const pathKey = paths.join('\n')
  useEffect(() => {
    if (!reveal || !pathKey.split('\n').includes(reveal.path)) return
    setActive(reveal.path)
    setGoto(reveal)
    clearReveal(reveal.nonce)
  }, [reveal, pathKey, clearReveal])
  const gotoLine = goto && file && goto.path === file.path ? goto.line : 0

  useEffect(() => {
    if (!copied) return
    const t = setTimeout(() => setCopied(false), 1000)
    return () => clearTimeout(t)
  }, [copied])

  if (files.length === 0) {
    return (
      <div data-testid="code-view" className="flex h-full items-center justify-center text-sm text-muted-foreground">
        {streaming ? 'Waiting for code…' : emptyText ?? 'No code yet.'}
      </div>
    )
  }

  return (
    <div data-testid="code-view" className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-1 border-b border-border px-2">
        <div role="tablist" aria-label="Files" className="flex min-w-0 flex-1 gap-1 overflow-x-auto py-1">
          {files.map((f) => (
            <button
              key={f.path}
              role="tab"
              aria-selected={f.path === current}
              data-testid="code-file-tab"
              data-path={f.path}
              onClick={() => setActive(f.path)}
              className={cn(
                'shrink-0 rounded px-2 py-1 font-mono text-xs',
                f.path === current ? 'bg-muted font-semibold' : 'text-muted-foreground hover:bg-muted',
              )}
            >
              {f.path}
            </button>
          ))}
        </div>
        {onEdit && !streaming ? (
          <Button size="icon" variant="ghost" aria-label="Edit this file" data-testid="code-edit" disabled={!file} onClick={() => file && onEdit(file.path)}>
            <Pencil className="h-4 w-4" />
          </Button>
        ) : null}
        <Button
          size="icon"
          variant="ghost"
          aria-label="Copy code"
          data-testid="code-copy"
          disabled={!file}
          onClick={() => file && void copyText(file.content).then((ok) => setCopied(ok))}
        >
          {copied ? <Check className="h-4 w-4" /> : <Copy className="h-4 w-4" />}
        </Button>
        <Button
          size="icon"
          variant="ghost"
          aria-label="Download file"
          data-testid="code-download"
          disabled={!file}
          onClick={() => file && downloadText(file.path, file.content)}
        >
          <Download className="h-4 w-4" />
        </Button>
      </div>
      {file ? (
        <div className="relative min-h-0 flex-1">
          <Suspense fallback={<pre className="h-full overflow-auto p-3 font-mono text-xs">{file.content}</pre>}>
            <CodeEditor key={file.path} path={file.path} code={file.content} dark={dark} streaming={streaming} line={gotoLine} lineNonce={goto?.nonce} />
          </Suspense>
          {/* CodeMirror renders only the visible lines; this keeps the whole file in
              the container's text (tests, find-in-page tools) without showing it twice. */}
          <pre hidden data-testid="code-text" data-goto-line={gotoLine || undefined}>
            {file.content}
          </pre>
        </div>
      ) : null}
    </div>
  )
}
