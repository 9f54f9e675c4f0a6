import { useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react'
import { ArrowUp, ImagePlus, Square, X } from 'lucide-react'
import { useChat } from '../../stores/chat'
import { toast } from '../../stores/toast'
import { useUI } from '../../stores/ui'
import { noteTyping } from '../../stores/presence'
import { Button } from '../ui/Button'
import { ModelPicker, ParamsPanel, TemplatePicker } from './Pickers'
import { ModePicker } from './agent/ModePicker'
import { modeFor, useAgent } from '../../stores/agent/store'
import type { AgentMode } from '../../api/agent'

const PLACEHOLDER: Record<AgentMode, string> = {
  agent: 'Describe your app; the agent builds and checks it step by step…',
  ask: 'Ask about the project (nothing is changed)…',
  plan: 'Describe what to build; you get a plan to edit first…',
  quick: 'Describe your app…',
}

const MAX_IMAGE_BYTES = 10 * 1024 * 1024

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => {
      const s = String(r.result ?? '')
      resolve(s.slice(s.indexOf(',') + 1))
    }
    r.onerror = () => reject(r.error)
    r.readAsDataURL(file)
  })
}

/** Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition does nothing. */
export function isSendKey(e: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'keyCode'> & { nativeEvent: { isComposing?: boolean } }): boolean {
  if (e.key !== 'Enter' || e.shiftKey) return false
  if (e.nativeEvent.isComposing || e.keyCode === 229) return false
  return true
}

export function ChatInput({ projectId, multimodal, canSend, supportsTools = false }: { projectId: string; multimodal: boolean; canSend: boolean; supportsTools?: boolean }) {
  const mode = useAgent((s) => modeFor(s.modes, projectId, supportsTools))
  const draft = useChat((s) => s.drafts[projectId] ?? '')
  const attachments = useChat((s) => s.attachments[projectId]) ?? []
  const running = useChat((s) => !!s.chats[projectId]?.run)
  const stopping = useChat((s) => !!s.chats[projectId]?.run?.stopping)
  const setDraft = useChat((s) => s.setDraft)
  const send = useChat((s) => s.send)
  const stop = useChat((s) => s.stop)
  const addAttachment = useChat((s) => s.addAttachment)
  const removeAttachment = useChat((s) => s.removeAttachment)
  const openSettings = useUI((s) => s.openSettings)
  const fileInput = useRef<HTMLInputElement>(null)
  const input = useRef<HTMLTextAreaElement>(null)
  // Why images cannot be attached, on screen (a native tooltip alone was easy to miss).
  const [attachHint, setAttachHint] = useState(false)
  useEffect(() => {
    if (multimodal) setAttachHint(false)
  }, [multimodal])
  // Opening a project puts the cursor where the person types next.
  useEffect(() => input.current?.focus(), [projectId])

  const empty = !draft.trim() && attachments.length === 0
  const doSend = () => {
    if (running || empty || !canSend) return
    void send(projectId)
  }

  const addFiles = async (files: File[]) => {
    for (const f of files) {
      if (!f.type.startsWith('image/')) continue
      if (f.size > MAX_IMAGE_BYTES) {
        toast.error(`${f.name || 'The image'} is larger than 10 MB; attach a smaller one.`)
        continue
      }
      try {
        addAttachment(projectId, { mime: f.type, data: await readAsBase64(f), name: f.name || 'pasted image' })
      } catch {
        toast.error('The image could not be read.')
      }
    }
  }

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(e.clipboardData?.files ?? []).filter((f) => f.type.startsWith('image/'))
    if (files.length === 0) return
    e.preventDefault()
    if (!multimodal) {
      setAttachHint(true)
      return
    }
    void addFiles(files)
  }

  return (
    <div className="border-t border-border p-3">
      <div className="mx-auto flex max-w-3xl flex-col gap-2 rounded-xl border border-border bg-card p-2 focus-within:border-accent">
        {attachHint && !multimodal ? (
          <p id="chat-attach-hint" role="status" data-testid="chat-attach-hint" className="flex items-start gap-2 rounded-md bg-muted px-2 py-1.5 text-xs">
            <span className="flex-1">
              The chosen model does not take images. Choose one that does in the model picker, or, for a server of your own, tick “These
              models take images” in{' '}
              <button type="button" className="text-accent underline" onClick={openSettings}>
                Settings
              </button>
              .
            </span>
            <button type="button" aria-label="Hide" className="text-muted-foreground hover:text-foreground" onClick={() => setAttachHint(false)}>
              <X className="h-3.5 w-3.5" />
            </button>
          </p>
        ) : null}
        {attachments.length > 0 ? (
          <div className="flex flex-wrap gap-2" aria-label="Attached images">
            {attachments.map((a) => (
              <div key={a.id} className="relative" data-testid="attachment">
                <img src={`data:${a.mime};base64,${a.data}`} alt={a.name} className="h-14 w-14 rounded-md border border-border object-cover" />
                <button
                  type="button"
                  aria-label={`Remove ${a.name}`}
                  onClick={() => removeAttachment(projectId, a.id)}
                  className="absolute -right-1.5 -top-1.5 rounded-full border border-border bg-card p-0.5"
                >
                  <X className="h-3 w-3" />
                </button>
              </div>
            ))}
          </div>
        ) : null}
        <textarea
          ref={input}
          data-testid="chat-input"
          aria-label="Message"
          placeholder={PLACEHOLDER[mode]}
          rows={2}
          value={draft}
          onChange={(e) => {
            setDraft(projectId, e.target.value)
            noteTyping(projectId)
          }}
          onKeyDown={(e) => {
            if (isSendKey(e)) {
              e.preventDefault()
              doSend()
            }
          }}
          onPaste={onPaste}
          className="max-h-48 min-h-[2.5rem] w-full resize-none bg-transparent px-1 text-sm outline-none [field-sizing:content]"
        />
        <div className="flex items-center gap-1.5">
          <ModePicker projectId={projectId} supportsTools={supportsTools} disabled={running} />
          <ModelPicker />
          <TemplatePicker projectId={projectId} />
          <ParamsPanel />
          <input
            ref={fileInput}
            type="file"
            accept="image/*"
            multiple
            hidden
            onChange={(e) => {
              void addFiles(Array.from(e.target.files ?? []))
              e.target.value = ''
            }}
          />
          <Button
            size="icon"
            variant="ghost"
            aria-label={multimodal ? 'Attach images' : 'Attach images (the chosen model does not take images)'}
            aria-disabled={!multimodal || undefined}
            aria-describedby={attachHint ? 'chat-attach-hint' : undefined}
            data-testid="chat-attach"
            className="aria-disabled:opacity-50"
            onClick={() => (multimodal ? fileInput.current?.click() : setAttachHint((v) => !v))}
          >
            <ImagePlus className="h-4 w-4" />
          </Button>
          <div className="flex-1" />
          {running ? (
            <Button size="icon" variant="outline" aria-label="Stop" data-testid="chat-stop" disabled={stopping} onClick={() => void stop(projectId)}>
              <Square className="h-3.5 w-3.5 fill-current" />
            </Button>
          ) : (
            <Button size="icon" variant="primary" aria-label="Send" data-testid="chat-send" disabled={empty || !canSend} onClick={doSend}>
              <ArrowUp className="h-4 w-4" />
            </Button>
          )}
        </div>
      </div>
    </div>
  )
}
