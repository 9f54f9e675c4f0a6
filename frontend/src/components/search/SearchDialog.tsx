import * as RD from '@radix-ui/react-dialog'
import { FileText, FolderKanban, MessageSquare, Search, Sparkles } from 'lucide-react'
import { useEffect, useMemo, useRef } from 'react'
import type { SearchHit } from '../../api'
import { splitSnippet } from '../../lib/snippet'
import { cn } from '../../lib/utils'
import { keepForNotices, overlay } from '../ui/Dialog'
import { flatHits, useSearch } from '../../stores/search'

const KIND_LABEL: Record<SearchHit['kind'], string> = {
  project: 'Project',
  message: 'Message',
  fragment: 'Answer',
  file: 'File',
}

function KindIcon({ kind }: { kind: SearchHit['kind'] }) {
  const cls = 'mt-0.5 h-4 w-4 shrink-0 text-muted-foreground'
  if (kind === 'project') return <FolderKanban className={cls} aria-hidden />
  if (kind === 'fragment') return <Sparkles className={cls} aria-hidden />
  if (kind === 'file') return <FileText className={cls} aria-hidden />
  return <MessageSquare className={cls} aria-hidden />
}

/** The snippet as text: matched terms in <mark>, everything else plain (never HTML from the database). */
export function Snippet({ text }: { text: string }) {
  return (
    <>
      {splitSnippet(text).map((p, i) =>
        p.match ? (
          <mark key={i} className="rounded-sm bg-accent/30 px-0.5 text-foreground">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  )
}

function where(hit: SearchHit): string {
  if (hit.kind === 'file') return hit.line > 0 ? `${hit.path}:${hit.line}` : hit.path
  if (hit.kind === 'message' || hit.kind === 'fragment') return `#${hit.seq}`
  return ''
}

/** Search everything (Ctrl+K): results grouped by project, arrows to move, Enter to open, Escape to close. */
export function SearchDialog() {
  const open = useSearch((s) => s.open)
  const setOpen = useSearch((s) => s.setOpen)
  const query = useSearch((s) => s.query)
  const setQuery = useSearch((s) => s.setQuery)
  const groups = useSearch((s) => s.groups)
  const answered = useSearch((s) => s.answered)
  const loading = useSearch((s) => s.loading)
  const error = useSearch((s) => s.error)
  const active = useSearch((s) => s.active)
  const move = useSearch((s) => s.move)
  const setActive = useSearch((s) => s.setActive)
  const openActive = useSearch((s) => s.openActive)
  const openHit = useSearch((s) => s.openHit)
  const list = useRef<HTMLDivElement>(null)
  const input = useRef<HTMLInputElement>(null)
  const rows = useMemo(() => flatHits(groups), [groups])

  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView?.({ block: 'nearest' })
  }, [active])

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.nativeEvent.isComposing) return
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      move(e.key === 'ArrowDown' ? 1 : -1)
    } else if (e.key === 'Enter') {
      e.preventDefault()
      void openActive()
    }
  }

  let index = 0
  const optionId = (i: number) => `search-hit-${i}`
  return (
    <RD.Root open={open} onOpenChange={setOpen}>
      <RD.Portal>
        <RD.Overlay className={overlay} />
        <RD.Content
          data-testid="search-dialog"
          data-answered={answered}
          className="fixed left-1/2 top-[12vh] z-50 flex max-h-[70vh] w-[min(92vw,40rem)] -translate-x-1/2 flex-col overflow-hidden rounded-lg border border-border bg-card text-foreground shadow-xl focus:outline-none"
          onKeyDown={onKeyDown}
          onPointerDownOutside={keepForNotices}
          onFocusOutside={keepForNotices}
          onOpenAutoFocus={(e) => {
            // The last query comes back selected: typing replaces it, Enter reopens its hit.
            e.preventDefault()
            input.current?.focus()
            input.current?.select()
          }}
        >
          <RD.Title className="sr-only">Search everything</RD.Title>
          <RD.Description className="sr-only">
            Projects, messages, answers and files. Arrow keys move, Enter opens, Escape closes.
          </RD.Description>
          <div className="flex items-center gap-2 border-b border-border px-3">
            <Search className="h-4 w-4 shrink-0 text-muted-foreground" aria-hidden />
            <input
              ref={input}
              data-testid="search-input"
              role="combobox"
              aria-expanded={rows.length > 0}
              aria-controls="search-results"
              aria-activedescendant={rows.length ? optionId(active) : undefined}
              aria-label="Search everything"
              placeholder="Search projects, messages and files…"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              className="h-11 w-full bg-transparent text-sm outline-none"
            />
          </div>
          <div ref={list} id="search-results" role="listbox" aria-label="Results" className="min-h-0 flex-1 overflow-y-auto p-1">
            {error ? (
              <p role="alert" className="p-3 text-sm text-destructive">
                {error}
              </p>
            ) : null}
            {!error && query.trim() && answered && !loading && rows.length === 0 ? (
              <p data-testid="search-empty" className="p-3 text-sm text-muted-foreground">
                Nothing matches “{query.trim()}”.
              </p>
            ) : null}
            {!query.trim() ? (
              <p className="p-3 text-sm text-muted-foreground">Type to search every project. ↑ ↓ to move, Enter to open.</p>
            ) : null}
            {groups.map((g) => (
              <div key={g.projectId} role="group" aria-label={g.projectName} data-testid="search-group" className="mb-1">
                <div className="truncate px-2 pb-1 pt-2 text-xs font-semibold text-muted-foreground" title={g.projectName}>
                  {g.projectName}
                </div>
                {g.hits.map((hit) => {
                  const i = index++
                  return (
                    <div
                      key={`${hit.kind}:${hit.messageId}:${hit.path}:${i}`}
                      id={optionId(i)}
                      role="option"
                      aria-selected={i === active}
                      data-index={i}
                      data-testid="search-hit"
                      data-kind={hit.kind}
                      onMouseMove={() => i !== active && setActive(i)}
                      onClick={() => void openHit(g.projectId, hit)}
                      className={cn(
                        'flex cursor-pointer items-start gap-2 rounded-md px-2 py-1.5 text-sm',
                        i === active ? 'bg-muted' : 'hover:bg-muted/60',
                      )}
                    >
                      <KindIcon kind={hit.kind} />
                      <div className="min-w-0 flex-1">
                        <div className="line-clamp-2 break-words" data-testid="search-snippet">
                          <Snippet text={hit.snippet} />
                        </div>
                        <div className="truncate text-xs text-muted-foreground">
                          {KIND_LABEL[hit.kind]} {where(hit)}
                        </div>
                      </div>
                    </div>
                  )
                })}
              </div>
            ))}
          </div>
        </RD.Content>
      </RD.Portal>
    </RD.Root>
  )
}
