import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { Message } from '../../api'
import { errorMessage, runResultOf } from '../../api'
import type { ProjectChat } from '../../stores/chat'
import { useChat } from '../../stores/chat'
import { useUI } from '../../stores/ui'
import { fragmentFromPartial } from '../../lib/fragment'
import type { Problem } from '../../lib/problems'
import { fileLines, type FileLine } from '../../lib/fileStory'
import { useVersions } from '../../stores/versions'
import { formatVersionTime } from '../versions/VersionList'
import { History } from 'lucide-react'
import { FragmentCard, Markdown, MessageRow, filesWithCode } from './MessageRow'
import { StageIndicator } from './StageIndicator'
import { ConfirmDialog } from '../ui/Dialog'
import { toast } from '../../stores/toast'
import { useMessageJump } from '../search/useMessageJump'
import { AgentAnswerTurn, AgentLiveTurn } from './agent/AgentTurnRow'
import { useAgent } from '../../stores/agent/store'

/** Rendered rows at first; more are added when scrolling up (windowing). */
export const PAGE = 40

export function MessageList({ projectId, chat }: { projectId: string; chat: ProjectChat }) {
  const { messages, run, pendingUser, selected, hasMore, loadingOlder, olderError } = chat
  const select = useChat((s) => s.select)
  const setTab = useChat((s) => s.setTab)
  const retry = useChat((s) => s.retry)
  const loadOlder = useChat((s) => s.loadOlder)
  const [count, setCount] = useState(PAGE)
  const scroller = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  /**
   * The row that must stay put while rows are added above it (older rows
   * revealed or fetched, the loading row): its id and its distance from the
   * top of the scroller. Kept until the added rows are committed.
   */
  const anchor = useRef<{ id: string; offset: number } | null>(null)

  // Hide the message being written by the live run: the live row shows it.
  const list = run?.assistantId ? messages.filter((m) => m.id !== run.assistantId) : messages
  const start = Math.max(0, list.length - count)
  const visible = list.slice(start)
  useMessageJump(projectId, list, count, setCount, scroller)
  const last = list[list.length - 1]
  // Only the newest answer's failure is an alert (with Retry); older ones were moved past.
  let lastAnswerSeq = Number.POSITIVE_INFINITY
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i].role === 'assistant') {
      lastAnswerSeq = list[i].seq
      break
    }
  }

  const onOpen = useCallback(
    (id: string) => {
      select(projectId, id)
      const m = useChat.getState().chats[projectId]?.messages.find((x) => x.id === id)
      const r = runResultOf(m)
      setTab(projectId, r && (r.url || r.kind === 'python') ? 'preview' : 'code')
    },
    [projectId, select, setTab],
  )
  const onRetry = useCallback(() => void retry(projectId), [projectId, retry])
  const fix = useChat((s) => s.fix)
  // Restores and undos, as lines among the messages: the story above them may no longer hold.
  const versions = useVersions((s) => s.byProject[projectId]?.versions)
  const refreshHistory = useVersions((s) => s.refreshHistory)
  const loaded = chat.loaded
  useEffect(() => {
    if (loaded) void refreshHistory(projectId)
  }, [loaded, projectId, refreshHistory])
  const lines = useMemo(() => fileLines(list, versions ?? []), [list, versions])
  const onFix = useCallback((p: Problem) => void fix(projectId, p), [projectId, fix])
  const askUndo = useUI((s) => s.askUndo)
  const deleteMessage = useChat((s) => s.deleteMessage)
  const [deleting, setDeleting] = useState<Message | null>(null)
  const [deleteError, setDeleteError] = useState<string | null>(null)
  // Removing the newest failed exchange is Undo (it asks first).
  const onRemove = useCallback(() => askUndo(projectId), [askUndo, projectId])

  // Tab stops on one fragment card only (the last one moved to with the arrow
  // keys, else the shown one, else the newest), so the input is a few Tabs
  // away however long the chat is; arrow keys walk the cards.
  const [roving, setRoving] = useState<string | null>(null)
  const hasCard = (id: string | null) => !!id && visible.some((m) => m.id === id && m.role === 'assistant' && !!m.fragment)
  let tabStopId: string | null = null
  if (!run) {
    if (hasCard(roving)) tabStopId = roving
    else if (hasCard(selected)) tabStopId = selected
    else {
      for (let i = visible.length - 1; i >= 0; i--) {
        if (visible[i].role === 'assistant' && visible[i].fragment) {
          tabStopId = visible[i].id
          break
        }
      }
    }
  }
  const cardId = (el: HTMLElement) => el.closest<HTMLElement>('[data-message-id]')?.dataset.messageId ?? null
  const onCardKeys = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (!['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) return
    const target = e.target as HTMLElement
    if (target.dataset.testid !== 'fragment-card') return
    const cards = [...(scroller.current?.querySelectorAll<HTMLElement>('button[data-testid="fragment-card"]') ?? [])]
    const i = cards.indexOf(target)
    if (i < 0) return
    const j = e.key === 'Home' ? 0 : e.key === 'End' ? cards.length - 1 : e.key === 'ArrowUp' ? i - 1 : i + 1
    const next = cards[j]
    if (!next) return
    e.preventDefault()
    setRoving(cardId(next))
    next.focus()
  }
  const onCardFocus = (e: React.FocusEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement
    if (target.dataset.testid === 'fragment-card') setRoving(cardId(target))
  }

  /** Remembers the first rendered row and where it is, before rows are added above it. */
  const holdAnchor = useCallback(() => {
    const el = scroller.current
    const row = el?.querySelector<HTMLElement>('[data-message-id]')
    if (!el || !row) return
    anchor.current = { id: row.dataset.messageId ?? '', offset: row.getBoundingClientRect().top - el.getBoundingClientRect().top }
  }, [])

  /** Scrolls so the anchored row is where it was (the view does not jump). */
  const keepAnchor = useCallback(() => {
    const el = scroller.current
    const a = anchor.current
    if (!el || !a) return
    const row = el.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(a.id)}"]`)
    if (!row) return
    const delta = row.getBoundingClientRect().top - el.getBoundingClientRect().top - a.offset
    if (delta) el.scrollTop += delta
  }, [])

  const showMore = useCallback(() => {
    holdAnchor()
    setCount((c) => c + PAGE)
  }, [holdAnchor])

  const fetchOlder = useCallback(() => {
    holdAnchor()
    void loadOlder(projectId)
    // The store ignored the call (one already in flight, nothing older): nothing will be added.
    if (!useChat.getState().chats[projectId]?.loadingOlder) anchor.current = null
  }, [holdAnchor, loadOlder, projectId])

  const onScroll = () => {
    const el = scroller.current
    if (!el) return
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
    // While older rows are on their way, follow where the person scrolled to.
    if (anchor.current && loadingOlder) holdAnchor()
    if (el.scrollTop >= 120 || anchor.current) return
    // Reveal the loaded rows first; fetch an older page once all of them are shown.
    if (start > 0) showMore()
    else if (hasMore && !loadingOlder && !olderError) fetchOlder()
  }

  // Keep the view where it was after adding rows above; otherwise follow the bottom.
  const partialText = run?.partial?.commentary
  // Answers kept with an agent turn: their step log carries the outcome.
  const agentTurns = useAgent((s) => s.byMessage)
  // A live agent turn grows by steps (and a step by its approval card): follow it too.
  const agentGrowth = useAgent((s) => {
    const t = run?.kind === 'agent' ? s.turns[projectId] : undefined
    const lastStep = t?.steps[t.steps.length - 1]
    return t ? `${t.steps.length}:${lastStep?.status ?? ''}:${t.text.length}` : ''
  })
  const first = visible[0]?.id
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    if (anchor.current) {
      keepAnchor()
      // Hold on until the fetched page is in (the loading row comes and goes meanwhile).
      if (!loadingOlder) anchor.current = null
      return
    }
    if (stick.current) el.scrollTop = el.scrollHeight
  }, [visible.length, count, first, loadingOlder, hasMore, pendingUser, partialText, run?.stage, last?.id, last?.status, agentGrowth, keepAnchor])

  // A short newest page that does not fill the view cannot be scrolled: fetch older at once.
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el || el.clientHeight === 0 || el.scrollHeight > el.clientHeight) return
    if (start === 0 && hasMore && !loadingOlder && !olderError) void loadOlder(projectId)
  }, [start, hasMore, loadingOlder, olderError, loadOlder, projectId, visible.length])

  const liveFrag = fragmentFromPartial(run?.partial)

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div ref={scroller} onScroll={onScroll} onKeyDown={onCardKeys} onFocus={onCardFocus} className="min-h-0 flex-1 overflow-y-auto px-4 py-4 [overflow-anchor:none]" data-testid="chat-messages">
        <div className="mx-auto flex max-w-3xl flex-col gap-4">
          {start > 0 ? (
            <button type="button" onClick={showMore} className="self-center text-xs text-muted-foreground underline">
              Show earlier messages ({start})
            </button>
          ) : loadingOlder ? (
            <p role="status" data-testid="chat-history-loading" className="self-center text-xs text-muted-foreground">
              Loading earlier messages…
            </p>
          ) : olderError ? (
            <p role="alert" data-testid="chat-history-error" className="self-center text-xs text-destructive">
              {olderError}{' '}
              <button type="button" onClick={fetchOlder} className="underline">
                Try again
              </button>
            </p>
          ) : hasMore ? (
            <button type="button" data-testid="chat-history-more" onClick={fetchOlder} className="self-center text-xs text-muted-foreground underline">
              Load earlier messages
            </button>
          ) : list.length > 0 ? (
            <p data-testid="chat-history-start" className="self-center text-xs text-muted-foreground">
              Beginning of the chat
            </p>
          ) : null}
          {visible.map((m: Message, i: number) => (
            <Fragment key={m.id}>
            <MessageRow
              message={m}
              selected={selected === m.id}
              canRetry={!run && m === last && m.role === 'assistant'}
              tabStop={m.id === tabStopId}
              superseded={m.role === 'assistant' && m.seq < lastAnswerSeq}
              onOpen={onOpen}
              onRetry={onRetry}
              onRemove={onRemove}
              onDelete={run ? undefined : setDeleting}
              onFix={!run && m === last ? onFix : undefined}
              asked={m.role === 'assistant' ? (list[start + i - 1] ?? null) : undefined}
              agentTurn={m.role === 'assistant' && !!agentTurns[m.id]}
              planTurn={m.role === 'assistant' && agentTurns[m.id]?.mode === 'plan' && agentTurns[m.id]?.status === 'done'}
            />
            {m.role === 'assistant' ? <AgentAnswerTurn projectId={projectId} messageId={m.id} latest={!run && m === last} /> : null}
            {lines.filter((l) => l.afterMessageId === m.id).map((l) => <FileStoryLine key={l.id} line={l} />)}
            </Fragment>
          ))}
          {pendingUser ? (
            <div data-testid="chat-message" data-role="user" data-status="sending" className="flex flex-col items-end gap-1">
              {pendingUser.images.length ? (
                <div className="flex gap-1">
                  {pendingUser.images.map((img) => (
                    <img key={img.id} src={`data:${img.mime};base64,${img.data}`} alt={img.name} className="h-12 w-12 rounded object-cover" />
                  ))}
                </div>
              ) : null}
              {pendingUser.text ? (
                <div className="max-w-[85%] rounded-2xl rounded-br-sm bg-muted px-3 py-2 text-sm whitespace-pre-wrap break-words">
                  {pendingUser.text}
                </div>
              ) : null}
            </div>
          ) : null}
          {run?.kind === 'agent' ? (
            <div data-testid="chat-message" data-role="assistant" data-status="streaming" className="flex flex-col items-start gap-2">
              <AgentLiveTurn projectId={projectId} />
            </div>
          ) : run ? (
            <div data-testid="chat-message" data-role="assistant" data-status="streaming" className="flex flex-col items-start gap-2">
              {liveFrag?.commentary ? <Markdown text={liveFrag.commentary} /> : null}
              {liveFrag && (liveFrag.title || liveFrag.files.length) ? (
                <FragmentCard
                  title={liveFrag.title}
                  template={liveFrag.template}
                  files={filesWithCode(liveFrag.files)}
                  selected={!selected}
                  onOpen={() => select(projectId, null)}
                />
              ) : null}
              {run.reasoning && !liveFrag?.commentary ? (
                <details className="text-xs text-muted-foreground">
                  <summary className="cursor-pointer">Thinking…</summary>
                  <p className="mt-1 whitespace-pre-wrap">{run.reasoning.slice(-4000)}</p>
                </details>
              ) : null}
            </div>
          ) : null}
        </div>
      </div>
      {/* Below the scroller, not in it: the progress line stays in view however long the answer grows. */}
      {run && run.stage && !run.done ? (
        <div className="shrink-0 border-t border-border px-4 py-1.5">
          <div className="mx-auto max-w-3xl">
            <StageIndicator projectId={projectId} stage={run.stage} installLog={run.installLog} stopping={run.stopping} waiting={run.waiting} />
          </div>
        </div>
      ) : null}
      <ConfirmDialog
        open={!!deleting}
        onOpenChange={(open) => {
          if (!open) {
            setDeleting(null)
            setDeleteError(null)
          }
        }}
        title={deleting?.role === 'user' ? 'Delete this prompt and its answer?' : 'Delete this answer?'}
        description="It leaves the chat for good. The project's files and the sandbox stay as they are."
        confirmLabel="Delete"
        confirmTestId="confirm-delete-message"
        error={deleteError}
        onConfirm={async () => {
          if (!deleting) return
          try {
            await deleteMessage(projectId, deleting.id)
            setDeleting(null)
            toast.success(deleting.role === 'user' ? 'The prompt and its answer were deleted.' : 'The answer was deleted.')
          } catch (e) {
            setDeleteError(errorMessage(e))
          }
        }}
      />
    </div>
  )
}

/** A restore or undo among the messages: what the project's files are since then. */
function FileStoryLine({ line }: { line: FileLine }) {
  return (
    <p data-testid="file-story" data-kind={line.kind} className="flex items-start gap-1.5 self-stretch border-y border-dashed border-border py-1.5 text-xs text-muted-foreground">
      <History aria-hidden className="mt-0.5 h-3.5 w-3.5 shrink-0" />
      <span>
        <time dateTime={line.time}>{formatVersionTime(line.time)}</time> · {line.text}
      </span>
    </p>
  )
}
