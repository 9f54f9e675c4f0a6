import { memo, useState } from 'react'
import { RotateCcw, Trash2, Wand2, Wrench } from 'lucide-react'
import type { ImageAttachment, Message } from '../../api'
import { commentaryOf, fragmentFromStored } from '../../lib/fragment'
import { LazyMarkdown } from './LazyMarkdown'
import { Button } from '../ui/Button'
import { cn } from '../../lib/utils'
import { useCatalog } from '../../stores/catalog'
import { templateName } from '../../lib/templates'
import { TemplateIcon } from '../ui/TemplateIcon'
import { OutcomeMark } from './OutcomeMark'
import { parseFixPrompt, turnOutcome } from '../../lib/outcome'
import type { Problem } from '../../lib/problems'

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown text-sm leading-relaxed break-words">
      <LazyMarkdown text={text} />
    </div>
  )
})

/** Files that have code in them (a stopped answer may have named a file and written nothing). */
export function filesWithCode(files: { content: string }[]): number {
  return files.filter((f) => f.content.trim() !== '').length
}

export function FragmentCard({
  title,
  template,
  files,
  selected,
  stopped,
  tabStop = true,
  onOpen,
}: {
  title: string
  template: string
  /** Files with code (see filesWithCode). */
  files: number
  selected?: boolean
  /** The answer was stopped: with no code the card says so and opens nothing. */
  stopped?: boolean
  /** The one card of the chat that Tab stops on (arrow keys move between cards). */
  tabStop?: boolean
  onOpen?: () => void
}) {
  const templates = useCatalog((s) => s.templates)
  const name = templateName(template, templates)
  const empty = files === 0
  const detail = empty
    ? stopped
      ? 'Stopped before any code was written'
      : 'No code yet'
    : `${files} ${files === 1 ? 'file' : 'files'} · Click to see it`
  const body = (
    <>
      <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-md bg-accent/15 text-accent">
        <TemplateIcon template={template} />
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-medium">{title || 'Fragment'}</span>
        <span className="block truncate text-xs text-muted-foreground" data-testid="fragment-card-detail">
          <span data-testid="fragment-card-template" title={template || undefined}>
            {name}
          </span>{' '}
          · {detail}
        </span>
      </span>
    </>
  )
  const cls = cn(
    'mt-2 flex w-full max-w-sm items-center gap-3 rounded-lg border bg-card px-3 py-2 text-left',
    selected ? 'border-accent' : 'border-border',
  )
  if (empty && stopped) {
    return (
      <div data-testid="fragment-card" data-empty="true" className={cn(cls, 'opacity-80')}>
        {body}
      </div>
    )
  }
  return (
    <button
      type="button"
      data-testid="fragment-card"
      onClick={onOpen}
      aria-pressed={selected}
      tabIndex={tabStop ? 0 : -1}
      className={cn(cls, 'hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring')}
    >
      {body}
    </button>
  )
}

/** The images a person attached, from the stored message (data: URLs, so they work offline). */
export function AttachmentThumbs({ images }: { images: ImageAttachment[] }) {
  return (
    <div className="flex max-w-[85%] flex-wrap justify-end gap-1" data-testid="message-attachments">
      {images.map((img, i) => (
        <img
          key={i}
          data-testid="message-attachment"
          src={`data:${img.mime};base64,${img.data}`}
          alt={`Attached image ${i + 1}`}
          loading="lazy"
          decoding="async"
          className="h-16 w-16 rounded-md border border-border object-cover"
        />
      ))}
    </div>
  )
}

export const MessageRow = memo(function MessageRow({
  message,
  canRetry,
  selected,
  tabStop = true,
  superseded = false,
  onOpen,
  onRetry,
  onRemove,
  onDelete,
  agentTurn = false,
  planTurn = false,
  onFix,
  asked,
}: {
  /** An agent turn's answer: its step log shows the outcome, the stop reason and Continue, so the row adds no alert of its own. */
  agentTurn?: boolean
  /** A Plan turn's answer: the plan shows in its editor below, not twice. */
  planTurn?: boolean
  onRemove?: () => void
  /** Sends the turn's problem to the model (only on the newest answer, while nothing runs). */
  onFix?: (problem: Problem) => void
  /** The person's message this answers: a Fix that worked is said so on the answer. */
  asked?: Message | null
  /** Deletes this message (asks first); absent while a turn runs. */
  onDelete?: (message: Message) => void
  message: Message
  canRetry: boolean
  selected: boolean
  tabStop?: boolean
  /** A failed or stopped answer that later messages moved past: a quiet line, not another alert. */
  superseded?: boolean
  onOpen: (id: string) => void
  onRetry: () => void
}) {
  if (message.role === 'user') {
    const images = message.attachments ?? []
    // A Fix's message is a prompt for the model: the chat shows what it asks, not its code fences.
    const fix = parseFixPrompt(message.content)
    return (
      <div data-testid="chat-message" data-message-id={message.id} data-role="user" data-status={message.status} className="group flex flex-col items-end gap-1">
        {images.length ? <AttachmentThumbs images={images} /> : null}
        {fix ? (
          <FixRequestBubble label={fix.label} title={fix.title} file={fix.file} detail={fix.detail} />
        ) : message.content ? (
          <div className="max-w-[85%] rounded-2xl rounded-br-sm bg-muted px-3 py-2 text-sm whitespace-pre-wrap break-words">
            {message.content}
          </div>
        ) : null}
        {onDelete ? <DeleteButton label="Delete this prompt and its answer" onClick={() => onDelete(message)} /> : null}
      </div>
    )
  }
  const frag = fragmentFromStored(message.fragment)
  const text = commentaryOf(message)
  const stepError = message.result?.stepError
  const outcome = turnOutcome(message, asked)
  return (
    <div data-testid="chat-message" data-message-id={message.id} data-role="assistant" data-status={message.status} className="group flex flex-col items-start">
      {text && !planTurn ? <LazyMarkdown text={text} /> : null}
      {frag ? (
        <FragmentCard
          title={frag.title}
          template={frag.template}
          files={filesWithCode(frag.files)}
          selected={selected}
          stopped={message.status === 'stopped'}
          tabStop={tabStop}
          onOpen={() => onOpen(message.id)}
        />
      ) : null}
      {agentTurn ? null : superseded && (message.status === 'error' || message.status === 'stopped' || message.status === 'interrupted') ? (
        <p data-testid="message-superseded" title={stepError?.message || undefined} className="mt-1 text-xs text-muted-foreground">
          {message.status === 'stopped'
            ? 'Stopped; the partial answer was kept.'
            : message.status === 'interrupted'
              ? 'Interrupted when Tessera closed; what arrived was kept.'
              : 'This answer failed; the chat went on after it.'}
        </p>
      ) : outcome ? (
        <OutcomeMark
          tone={outcome.tone}
          line={outcome.line}
          detail={outcome.detail}
          // The failed or stopped turn keeps the test id its alert always had.
          testId={message.status === 'done' ? 'turn-mark' : 'message-alert'}
          actions={
            <>
              {outcome.problem && onFix && !superseded ? (
                <Button size="sm" variant="outline" data-testid="turn-fix" onClick={() => onFix(outcome.problem!)}>
                  <Wand2 className="h-3 w-3" /> Fix
                </Button>
              ) : null}
              {canRetry && message.status !== 'done' ? (
                <Button size="sm" variant="outline" data-testid="chat-retry" onClick={onRetry}>
                  <RotateCcw className="h-3 w-3" /> Retry
                </Button>
              ) : null}
              {canRetry && onRemove && message.status !== 'done' ? (
                <Button size="sm" variant="ghost" data-testid="chat-remove-failed" onClick={onRemove}>
                  <Trash2 className="h-3 w-3" /> Remove
                </Button>
              ) : null}
            </>
          }
        />
      ) : null}
      {onDelete ? <DeleteButton label="Delete this answer" onClick={() => onDelete(message)} /> : null}
    </div>
  )
})

/** A Fix the person (or auto-fix) sent: the problem in one line, the error output one click away. */
function FixRequestBubble({ label, title, file, detail }: { label: string; title: string; file?: string; detail: string }) {
  const [open, setOpen] = useState(false)
  return (
    <div data-testid="fix-request" className="max-w-[85%] rounded-2xl rounded-br-sm bg-muted px-3 py-2 text-sm break-words">
      <p className="flex items-start gap-1.5">
        <Wrench aria-hidden className="mt-0.5 h-3.5 w-3.5 shrink-0" />
        <span>
          Fix: {label.toLowerCase()}: <span className="font-mono text-xs">{title}</span>
          {file ? <span className="text-muted-foreground"> ({file})</span> : null}
        </span>
      </p>
      {detail ? (
        <>
          <button type="button" aria-expanded={open} data-testid="fix-request-details" onClick={() => setOpen((o) => !o)} className="mt-1 text-xs underline">
            {open ? 'Hide the error output' : 'Show the error output'}
          </button>
          {open ? <pre className="mt-1 max-h-60 overflow-auto rounded bg-background p-2 text-xs whitespace-pre-wrap">{detail}</pre> : null}
        </>
      ) : null}
    </div>
  )
}

/** Shown on hover or keyboard focus, so the chat stays quiet. */
function DeleteButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button
      type="button"
      data-testid="message-delete"
      aria-label={label}
      title={label}
      onClick={onClick}
      className="mt-0.5 rounded p-1 text-muted-foreground opacity-0 hover:bg-muted hover:text-foreground focus-visible:opacity-100 group-hover:opacity-100"
    >
      <Trash2 className="h-3.5 w-3.5" />
    </button>
  )
}
