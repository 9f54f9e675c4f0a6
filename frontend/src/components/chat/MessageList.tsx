import { useCallback, useLayoutEffect, useRef, useState } from 'react'
import type { Message } from '../../api'
import { runResultOf } from '../../api'
import type { ProjectChat } from '../../stores/chat'
import { useChat } from '../../stores/chat'
import { fragmentFromPartial } from '../../lib/fragment'
import { FragmentCard, Markdown, MessageRow } from './MessageRow'
import { StageIndicator } from './StageIndicator'

/** Rendered rows at first; more are added when scrolling up (windowing). */
export const PAGE = 40

export function MessageList({ projectId, chat }: { projectId: string; chat: ProjectChat }) {
  const { messages, run, pendingUser, selected } = chat
  const select = useChat((s) => s.select)
  const setTab = useChat((s) => s.setTab)
  const retry = useChat((s) => s.retry)
  const [count, setCount] = useState(PAGE)
  const scroller = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  const restore = useRef<number | null>(null)

  // Hide the message being written by the live run: the live row shows it.
  const list = run?.assistantId ? messages.filter((m) => m.id !== run.assistantId) : messages
  const start = Math.max(0, list.length - count)
  const visible = list.slice(start)
  const last = list[list.length - 1]

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

  const showMore = useCallback(() => {
    const el = scroller.current
    if (el) restore.current = el.scrollHeight - el.scrollTop
    setCount((c) => c + PAGE)
  }, [])

  const onScroll = () => {
    const el = scroller.current
    if (!el) return
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
    if (el.scrollTop < 120 && start > 0 && restore.current === null) showMore()
  }

  // Keep the view where it was after adding older rows; otherwise follow the bottom.
  const partialText = run?.partial?.commentary
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    if (restore.current !== null) {
      el.scrollTop = el.scrollHeight - restore.current
      restore.current = null
      return
    }
    if (stick.current) el.scrollTop = el.scrollHeight
  }, [visible.length, count, pendingUser, partialText, run?.stage, last?.id, last?.status])

  const liveFrag = fragmentFromPartial(run?.partial)

  return (
    <div ref={scroller} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto px-4 py-4" data-testid="chat-messages">
      <div className="mx-auto flex max-w-3xl flex-col gap-4">
        {start > 0 ? (
          <button type="button" onClick={showMore} className="self-center text-xs text-muted-foreground underline">
            Show earlier messages ({start})
          </button>
        ) : null}
        {visible.map((m: Message) => (
          <MessageRow
            key={m.id}
            message={m}
            selected={selected === m.id}
            canRetry={!run && m === last && m.role === 'assistant'}
            onOpen={onOpen}
            onRetry={onRetry}
          />
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
        {run ? (
          <div data-testid="chat-message" data-role="assistant" data-status="streaming" className="flex flex-col items-start gap-2">
            {liveFrag?.commentary ? <Markdown text={liveFrag.commentary} /> : null}
            {liveFrag && (liveFrag.title || liveFrag.files.length) ? (
              <FragmentCard
                title={liveFrag.title}
                template={liveFrag.template}
                files={liveFrag.files.length}
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
            {run.stage && !run.done ? (
              <StageIndicator projectId={projectId} stage={run.stage} installLog={run.installLog} stopping={run.stopping} />
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  )
}
