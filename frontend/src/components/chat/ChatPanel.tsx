import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { Eraser, Redo2, RotateCcw, Undo2, X } from 'lucide-react'
import { useChat, emptyChat, markMessagesRendered } from '../../stores/chat'
import { useCatalog, findModel } from '../../stores/catalog'
import { useSettings } from '../../stores/settings'
import { toast } from '../../stores/toast'
import { useUI } from '../../stores/ui'
import { errorMessage } from '../../api'
import { Button } from '../ui/Button'
import { ConfirmDialog } from '../ui/Dialog'
import { MessageList } from './MessageList'
import { ChatInput } from './ChatInput'
import { UploadButton, UploadDropZone, UploadList } from './Uploads'
import { VersionsButton, VersionsDialog } from '../versions/VersionsDialog'
import { useVersions } from '../../stores/versions'
import type { UndoResult } from '../../api'
import { editedSince, undoSentence } from '../../lib/fileStory'

/**
 * Picks a usable model when none (or an unusable one, e.g. one that
 * answered 404) is chosen: the default from settings, else the first usable
 * provider's own default (ranked over what it lists now).
 */
function useDefaultModel() {
  const providers = useCatalog((s) => s.providers)
  const model = useChat((s) => s.model)
  const setModel = useChat((s) => s.setModel)
  const settings = useSettings((s) => s.settings)
  useEffect(() => {
    const usable = providers.filter((p) => p.usable && p.models.length > 0)
    if (usable.length === 0) return
    const current = model ? findModel(usable, model.providerId, model.modelId) : null
    if (current) return
    const def = findModel(usable, settings.defaultProvider, settings.defaultModel)
    if (def) setModel({ providerId: def.provider.id, modelId: def.model.id })
    else {
      const p = usable[0]
      const id = p.models.some((m) => m.id === p.defaultModel) ? p.defaultModel! : p.models[0].id
      setModel({ providerId: p.id, modelId: id })
    }
  }, [providers, model, setModel, settings.defaultProvider, settings.defaultModel])
}

export function ChatPanel({ projectId }: { projectId: string }) {
  const chat = useChat((s) => s.chats[projectId]) ?? emptyChat()
  const load = useChat((s) => s.load)
  const undo = useChat((s) => s.undo)
  const redo = useChat((s) => s.redo)
  const loadCanRedo = useChat((s) => s.loadCanRedo)
  const clear = useChat((s) => s.clear)
  const retry = useChat((s) => s.retry)
  const send = useChat((s) => s.send)
  const dismissError = useChat((s) => s.dismissError)
  const model = useChat((s) => s.model)
  const providers = useCatalog((s) => s.providers)
  const [clearOpen, setClearOpen] = useState(false)
  const undoOpen = useUI((s) => s.undoFor === projectId)
  const askUndo = useUI((s) => s.askUndo)
  /** Undo of an agent turn was refused over the person's edit: the backend's sentence (the dialog asks again). */
  const [undoEdited, setUndoEdited] = useState<string | null>(null)
  const setUndoOpen = (o: boolean) => {
    askUndo(o ? projectId : null)
    if (!o) setUndoEdited(null)
  }
  useDefaultModel()

  useEffect(() => {
    void load(projectId)
    void loadCanRedo(projectId)
  }, [projectId, load, loadCanRedo])

  /** After Undo or Redo: the Versions panel, when it has the project, lists the new version. */
  const afterUndoRedo = (r: UndoResult, done: string) => {
    const v = useVersions.getState()
    if (v.byProject[projectId]?.loaded) void v.load(projectId)
    // Undo and Redo are one action back and forth: the newer sentence replaces the older.
    if (r.warning) toast.error(r.warning, 'undo-redo')
    else toast.info(done, 'undo-redo')
  }
  const onRedo = async () => {
    try {
      const r = await redo(projectId)
      afterUndoRedo(r, r.restored ? 'The exchange is back, and the files are those of its version again.' : 'The exchange is back.')
    } catch (e) {
      toast.error(errorMessage(e))
    }
  }

  // Benchmarks: once per project switch (this panel is keyed by project), as
  // soon as the loaded messages' rows are committed. A layout effect of the
  // parent runs after the list's rows are in the DOM, before paint.
  const marked = useRef<string | null>(null)
  const ready = chat.loaded && !chat.loading
  useLayoutEffect(() => {
    if (!ready || marked.current === projectId) return
    marked.current = projectId
    markMessagesRendered(projectId)
  }, [ready, projectId])

  const chosen = model ? findModel(providers.filter((p) => p.usable), model.providerId, model.modelId) : null
  const running = !!chat.run
  const { sendError } = chat

  return (
    <UploadDropZone projectId={projectId} className="flex h-full min-h-0 flex-col">
      <div className="flex items-center justify-end gap-1 border-b border-border px-3 py-1.5">
        <UploadButton projectId={projectId} />
        <VersionsButton projectId={projectId} disabled={running} />
        <Button
          size="sm"
          variant="ghost"
          data-testid="chat-undo"
          disabled={running || chat.messages.length === 0}
          onClick={() => setUndoOpen(true)}
        >
          <Undo2 className="h-3.5 w-3.5" /> Undo
        </Button>
        {chat.canRedo ? (
          <Button size="sm" variant="ghost" data-testid="chat-redo" disabled={running} onClick={() => void onRedo()}>
            <Redo2 className="h-3.5 w-3.5" /> Redo
          </Button>
        ) : null}
        <Button size="sm" variant="ghost" data-testid="chat-clear" disabled={running || chat.messages.length === 0} onClick={() => setClearOpen(true)}>
          <Eraser className="h-3.5 w-3.5" /> Clear
        </Button>
      </div>
      {chat.loadError ? (
        <p role="alert" className="m-3 text-sm text-destructive">
          {chat.loadError}
        </p>
      ) : null}
      {chat.loaded && chat.messages.length === 0 && !chat.run && !chat.pendingUser ? (
        <div className="flex flex-1 items-center justify-center p-6 text-center text-sm text-muted-foreground">
          Describe the app you want: “a Streamlit dashboard of a CSV”, “plot a sine wave in Python”…
        </div>
      ) : (
        <MessageList projectId={projectId} chat={chat} />
      )}
      {sendError ? (
        <div role="alert" data-testid="chat-error" className="mx-3 mb-1 flex items-start gap-2 rounded-md border border-destructive/60 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          <span className="flex-1">{sendError.message}</span>
          <Button
            size="sm"
            variant="outline"
            data-testid="chat-error-retry"
            disabled={running}
            onClick={() => void (sendError.action === 'retry' ? retry(projectId) : send(projectId))}
          >
            <RotateCcw className="h-3 w-3" /> Retry
          </Button>
          <button type="button" aria-label="Dismiss" onClick={() => dismissError(projectId)}>
            <X className="h-4 w-4" />
          </button>
        </div>
      ) : null}
      <UploadList projectId={projectId} />
      <ChatInput projectId={projectId} multimodal={!!chosen?.model.multimodal} canSend={!!chosen} supportsTools={!!chosen?.model.tools} />
      <ConfirmDialog
        open={clearOpen}
        onOpenChange={setClearOpen}
        title="Clear the chat?"
        description="All messages of this project are deleted. Its files are kept: the Code tab shows them, and the next message builds on them."
        confirmLabel="Clear"
        confirmTestId="confirm-clear"
        onConfirm={async () => {
          try {
            await clear(projectId)
            setClearOpen(false)
            toast.info("The chat was cleared. The project's files are kept: the Code tab shows them.")
          } catch (e) {
            toast.error(errorMessage(e))
          }
        }}
      />
      <ConfirmDialog
        open={undoOpen}
        onOpenChange={(o) => {
          // "Keep my edits": nothing was undone, and the toast says so.
          if (!o && undoEdited) toast.info('Nothing was undone: the exchange, your edits and the agent’s files stay as they are.', 'undo-redo')
          setUndoOpen(o)
        }}
        title={undoEdited ? 'You edited files of this agent turn since' : 'Undo the last exchange?'}
        description={
          undoEdited
            ? `${undoEdited} Undoing puts the agent's files back to what they were before its turn, and your edits to them are lost (Versions keeps them).`
            : "Your last message and its answer leave the chat, and the project's files go back to the version before that answer (as a new version: nothing is lost). For an agent turn, only the files it changed go back, and Tessera asks first if you edited one since. Redo brings both back."
        }
        confirmLabel={undoEdited ? 'Restore anyway' : 'Undo'}
        confirmTestId={undoEdited ? 'confirm-undo-anyway' : 'confirm-undo'}
        cancelLabel={undoEdited ? 'Keep my edits' : undefined}
        cancelTestId={undoEdited ? 'undo-keep' : undefined}
        onConfirm={async () => {
          try {
            const r = await undo(projectId, !!undoEdited)
            setUndoOpen(false)
            afterUndoRedo(r, undoSentence(r))
          } catch (e) {
            const edited = undoEdited ? null : editedSince(e)
            if (edited) {
              setUndoEdited(edited)
              return
            }
            setUndoOpen(false)
            toast.error(errorMessage(e))
          }
        }}
      />
      <VersionsDialog projectId={projectId} />
    </UploadDropZone>
  )
}
