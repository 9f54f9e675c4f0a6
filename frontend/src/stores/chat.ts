import { create } from 'zustand'
import * as api from '../api'
import type {
  ChatEvent,
  ExecError,
  ExecResult,
  FileEntry,
  ImageAttachment,
  Message,
  ModelParams,
  Partial as PartialFragment,
  RunResult,
  Stage,
  StepError,
} from '../api'
import { runResultOf, toApiError } from '../api'
import { newId } from '../lib/utils'
import { useProjects } from './projects'
import { useCatalog } from './catalog'

/** What a request in flight has produced so far (from `chat:delta:<id>` batches). */
export interface RunState {
  requestId: string
  kind: 'send' | 'retry'
  stage: Stage | null
  partial: PartialFragment | null
  reasoning: string
  installLog: string
  stdout: string[]
  stderr: string[]
  results: ExecResult[]
  execError: ExecError | null
  stepError: StepError | null
  /** Id of the assistant message the backend saved for this request, once known. */
  assistantId: string | null
  done: boolean
  stopping: boolean
}

export interface Attachment extends ImageAttachment {
  id: string
  name: string
}

export interface SendError {
  code: string
  message: string
  /** 'retry' regenerates the last answer; 'resend' sends the kept draft again. */
  action: 'retry' | 'resend'
}

export interface ProjectChat {
  /** The loaded part of the chat (the newest pages), oldest first. */
  messages: Message[]
  loaded: boolean
  loading: boolean
  loadError: string | null
  /** Older messages exist than the oldest loaded one (`loadOlder` fetches them). */
  hasMore: boolean
  /** Seq of the oldest loaded message (the `beforeSeq` of the next older page); 0 when none. */
  oldestSeq: number
  /** An older page is being fetched. */
  loadingOlder: boolean
  olderError: string | null
  /** The person's message shown while Send has not returned it saved. */
  pendingUser: { text: string; images: Attachment[] } | null
  run: RunState | null
  sendError: SendError | null
  /** Message whose fragment the preview shows; null follows the latest (or the live run). */
  selected: string | null
  tab: 'code' | 'preview'
  /** The person picked a tab (or opened a fragment) this session: loads no longer change it. */
  tabChosen: boolean
  /** The project's kept files (ChatService.Files), shown when no answer is left to show them (after Clear). */
  files: FileEntry[] | null
}

export interface ModelChoice {
  providerId: string
  modelId: string
}

interface ChatStoreState {
  chats: Record<string, ProjectChat>
  drafts: Record<string, string>
  attachments: Record<string, Attachment[]>
  model: ModelChoice | null
  templates: Record<string, string>
  params: ModelParams

  load: (projectId: string, force?: boolean) => Promise<void>
  /** Fetches the page before the oldest loaded message and prepends it (one call at a time). */
  loadOlder: (projectId: string) => Promise<void>
  setDraft: (projectId: string, text: string) => void
  addAttachment: (projectId: string, a: Omit<Attachment, 'id'>) => void
  removeAttachment: (projectId: string, id: string) => void
  clearAttachments: (projectId: string) => void
  setModel: (m: ModelChoice | null) => void
  setTemplate: (projectId: string, template: string) => void
  setParams: (p: ModelParams) => void
  send: (projectId: string) => Promise<void>
  retry: (projectId: string) => Promise<void>
  stop: (projectId: string) => Promise<void>
  undo: (projectId: string) => Promise<void>
  clear: (projectId: string) => Promise<void>
  /** Deletes one answer, or one prompt with its answers (as the backend does). */
  deleteMessage: (projectId: string, messageId: string) => Promise<void>
  select: (projectId: string, messageId: string | null) => void
  setTab: (projectId: string, tab: 'code' | 'preview') => void
  dismissError: (projectId: string) => void
  /** Loads the project's kept files (for the Code tab of a chat with no answer). */
  loadFiles: (projectId: string) => Promise<void>
}

// ---------- persistence (drafts and picker choices survive restarts) ----------

const DRAFTS_KEY = 'tessera.drafts'
const PREFS_KEY = 'tessera.chatPrefs'

function readJSON<T>(key: string, fallback: T): T {
  try {
    const s = localStorage.getItem(key)
    return s ? (JSON.parse(s) as T) : fallback
  } catch {
    return fallback
  }
}

function writeJSON(key: string, v: unknown) {
  try {
    localStorage.setItem(key, JSON.stringify(v))
  } catch {
    // storage full or unavailable: the in-memory copy still works
  }
}

let draftTimer: ReturnType<typeof setTimeout> | null = null
function persistDrafts(drafts: Record<string, string>) {
  if (draftTimer) clearTimeout(draftTimer)
  draftTimer = setTimeout(() => {
    draftTimer = null
    const nonEmpty = Object.fromEntries(Object.entries(drafts).filter(([, v]) => v))
    writeJSON(DRAFTS_KEY, nonEmpty)
  }, 250)
}

/** Writes pending drafts now (tests, and before the window closes). */
export function flushDrafts() {
  if (!draftTimer) return
  clearTimeout(draftTimer)
  draftTimer = null
  const nonEmpty = Object.fromEntries(Object.entries(useChat.getState().drafts).filter(([, v]) => v))
  writeJSON(DRAFTS_KEY, nonEmpty)
}

interface Prefs {
  model: ModelChoice | null
  templates: Record<string, string>
  params: ModelParams
}

// ---------- event batches, applied once per animation frame ----------

export function newRun(requestId: string, kind: 'send' | 'retry'): RunState {
  return {
    requestId,
    kind,
    stage: 'generating',
    partial: null,
    reasoning: '',
    installLog: '',
    stdout: [],
    stderr: [],
    results: [],
    execError: null,
    stepError: null,
    assistantId: null,
    done: false,
    stopping: false,
  }
}

export function upsertMessage(list: Message[], m: Message): Message[] {
  const i = list.findIndex((x) => x.id === m.id)
  if (i >= 0) {
    const next = list.slice()
    next[i] = m
    return next
  }
  // Keep seq order; new messages nearly always go last.
  if (list.length === 0 || list[list.length - 1].seq <= m.seq) return [...list, m]
  return [...list, m].sort((a, b) => a.seq - b.seq)
}

/**
 * Applies one or more event batches to a run. Pure, so it is easy to test.
 * Only the last `partial` of the batch matters: each carries the whole
 * fragment so far.
 */
export function applyEvents(
  run: RunState,
  messages: Message[],
  events: ChatEvent[],
): { run: RunState; messages: Message[] } {
  let r = run
  let msgs = messages
  let stdout: string[] | null = null
  let stderr: string[] | null = null
  let results: ExecResult[] | null = null
  let log = ''
  let reasoning = ''
  const patch: globalThis.Partial<RunState> = {}
  for (const ev of events) {
    if (!ev || typeof ev !== 'object') continue
    switch (ev.type) {
      case 'stage':
        if (ev.stage) patch.stage = ev.stage
        break
      case 'partial':
        if (ev.partial) patch.partial = ev.partial
        break
      case 'reasoning':
        reasoning += ev.text ?? ''
        break
      case 'log':
        log += ev.text ?? ''
        break
      case 'stdout':
        ;(stdout ??= r.stdout.slice()).push(ev.text ?? '')
        break
      case 'stderr':
        ;(stderr ??= r.stderr.slice()).push(ev.text ?? '')
        break
      case 'result':
        if (ev.result) (results ??= r.results.slice()).push(ev.result)
        break
      case 'exec_error':
        if (ev.execError) patch.execError = ev.execError
        break
      case 'message':
        if (ev.message && ev.message.id) {
          msgs = upsertMessage(msgs, ev.message)
          if (ev.message.role === 'assistant') patch.assistantId = ev.message.id
        }
        break
      case 'error':
        if (ev.error) patch.stepError = ev.error
        break
      case 'done':
        patch.done = true
        break
    }
  }
  r = {
    ...r,
    ...patch,
    reasoning: reasoning ? r.reasoning + reasoning : r.reasoning,
    installLog: log ? r.installLog + log : r.installLog,
    stdout: stdout ?? r.stdout,
    stderr: stderr ?? r.stderr,
    results: results ?? r.results,
  }
  return { run: r, messages: msgs }
}

const pending = new Map<string, { projectId: string; events: ChatEvent[] }>()
let frame: number | null = null

const raf: (cb: () => void) => number =
  typeof requestAnimationFrame === 'function'
    ? (cb) => requestAnimationFrame(cb)
    : (cb) => setTimeout(cb, 16) as unknown as number

function scheduleFlush() {
  if (frame !== null) return
  frame = raf(() => {
    frame = null
    flushChatEvents()
  })
}

/** Applies every queued event batch now. */
export function flushChatEvents() {
  if (pending.size === 0) return
  const batches = [...pending.entries()]
  pending.clear()
  // A model that answered 404 is dropped from the picker by the backend:
  // reload the catalog so the provider's current default is offered.
  if (batches.some(([, b]) => b.events.some((e) => e.type === 'error' && e.error?.code === 'not_found' && e.error?.step === 'generate'))) {
    void useCatalog.getState().load()
  }
  useChat.setState((s) => {
    const chats = { ...s.chats }
    for (const [requestId, { projectId, events }] of batches) {
      const c = chats[projectId]
      if (!c || !c.run || c.run.requestId !== requestId) continue
      const { run, messages } = applyEvents(c.run, c.messages, events)
      chats[projectId] = { ...c, run, messages }
      if (run.done && !c.run.done) markStreamDone(requestId)
    }
    return { chats }
  })
}

function enqueue(projectId: string, requestId: string, batch: ChatEvent[]) {
  const q = pending.get(requestId)
  if (q) q.events.push(...batch)
  else pending.set(requestId, { projectId, events: [...batch] })
  scheduleFlush()
}

// ---------- the store ----------

export function emptyChat(): ProjectChat {
  return {
    messages: [],
    loaded: false,
    loading: false,
    loadError: null,
    hasMore: false,
    oldestSeq: 0,
    loadingOlder: false,
    olderError: null,
    pendingUser: null,
    run: null,
    sendError: null,
    selected: null,
    tab: 'code',
    tabChosen: false,
    files: null,
  }
}

/** True when a run result has something for the Preview tab (Python output or a web URL). */
export function hasPreview(result: RunResult | null | undefined): boolean {
  if (!result || result.stepError) return false
  return result.kind === 'python' || !!result.url
}

/**
 * The tab to open a freshly loaded chat on: Preview when the newest
 * assistant message kept a result without a failed step (so after a
 * relaunch the person sees their last output at once), else Code.
 */
export function initialTab(messages: Message[]): 'code' | 'preview' {
  // The answer the panel shows: the newest one with a fragment (a failed or
  // text-only answer after it shows nothing of its own), so a web project whose
  // last turn failed before any code still reopens on its running app.
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m.role !== 'assistant') continue
    if (!m.fragment && !hasPreview(runResultOf(m))) continue
    return hasPreview(runResultOf(m)) ? 'preview' : 'code'
  }
  return 'code'
}

// ---------- paging ----------

/** What a chat looks like after its newest page is loaded (nothing older kept). */
export function fromNewestPage(page: api.HistoryPage): Pick<ProjectChat, 'messages' | 'hasMore' | 'oldestSeq'> {
  const messages = page.messages
  return { messages, hasMore: page.hasMore && messages.length > 0, oldestSeq: messages[0]?.seq ?? 0 }
}

/**
 * Merges a freshly fetched newest page into the loaded chat: the older
 * messages already loaded (below the page) are kept, so a reload after
 * Undo or Retry does not throw away what the person scrolled through.
 * When the page is the whole chat, it replaces everything.
 */
export function mergeNewestPage(
  cur: Pick<ProjectChat, 'messages' | 'hasMore' | 'oldestSeq'>,
  page: api.HistoryPage,
): Pick<ProjectChat, 'messages' | 'hasMore' | 'oldestSeq'> {
  const fresh = fromNewestPage(page)
  if (!fresh.hasMore) return fresh
  const kept = cur.messages.filter((m) => m.seq < fresh.oldestSeq)
  if (kept.length === 0) return fresh
  return { messages: [...kept, ...fresh.messages], hasMore: cur.hasMore, oldestSeq: cur.oldestSeq }
}

/** Prepends an older page, skipping messages already loaded. */
export function prependPage(
  cur: Pick<ProjectChat, 'messages' | 'hasMore' | 'oldestSeq'>,
  page: api.HistoryPage,
): Pick<ProjectChat, 'messages' | 'hasMore' | 'oldestSeq'> {
  const have = new Set(cur.messages.map((m) => m.id))
  const older = page.messages.filter((m) => !have.has(m.id) && (cur.oldestSeq <= 0 || m.seq < cur.oldestSeq))
  if (older.length === 0) return { messages: cur.messages, hasMore: false, oldestSeq: cur.oldestSeq }
  return { messages: [...older, ...cur.messages], hasMore: page.hasMore, oldestSeq: older[0].seq }
}

// ---------- performance marks (read by the benchmark script) ----------

function mark(name: string) {
  try {
    if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name)
  } catch {
    // marks are best effort
  }
}

/**
 * Called by the chat panel once a project's loaded messages are committed to
 * the DOM after a project switch: `tessera:messages-rendered:<projectId>` and
 * `document.body.dataset.lastRender`.
 */
export function markMessagesRendered(projectId: string) {
  mark(`tessera:messages-rendered:${projectId}`)
  if (typeof document !== 'undefined' && document.body) document.body.dataset.lastRender = projectId
}

const streamDoneMarked = new Set<string>()

/** `tessera:stream-done:<requestId>`, once per request. */
export function markStreamDone(requestId: string) {
  if (streamDoneMarked.has(requestId)) return
  streamDoneMarked.add(requestId)
  if (streamDoneMarked.size > 200) streamDoneMarked.delete(streamDoneMarked.values().next().value as string)
  mark(`tessera:stream-done:${requestId}`)
}

const prefs = readJSON<Prefs>(PREFS_KEY, { model: null, templates: {}, params: {} })

/** Network-ish failures: the draft must survive them. */
function isDraftKeepingError(code: string): boolean {
  return code !== 'canceled'
}

export const useChat = create<ChatStoreState>((set, get) => {
  const patchChat = (projectId: string, p: globalThis.Partial<ProjectChat> | ((c: ProjectChat) => globalThis.Partial<ProjectChat>)) =>
    set((s) => {
      const c = s.chats[projectId] ?? emptyChat()
      const delta = typeof p === 'function' ? p(c) : p
      return { chats: { ...s.chats, [projectId]: { ...c, ...delta } } }
    })

  const savePrefs = () => {
    const { model, templates, params } = get()
    writeJSON(PREFS_KEY, { model, templates, params })
  }

  /** Fetches the newest page again and merges it into the loaded chat (keeps older loaded pages). */
  const refreshNewest = async (projectId: string) => {
    const page = await api.chat.history({ projectId, beforeSeq: 0, limit: api.HISTORY_PAGE })
    // A request started meanwhile owns the list until it settles.
    patchChat(projectId, (cur) => (cur.run ? {} : mergeNewestPage(cur, page)))
  }

  /** Runs Send or Retry: subscribes to the deltas, calls, and settles. */
  const runRequest = async (
    projectId: string,
    kind: 'send' | 'retry',
    start: (requestId: string) => Promise<api.SendResult>,
    onReject: (err: api.ApiError) => Promise<void> | void,
  ): Promise<boolean> => {
    const requestId = newId()
    patchChat(projectId, { run: newRun(requestId, kind), sendError: null, selected: null, tab: 'code' })
    // Subscribe before calling: events may arrive as soon as Send starts.
    const off = api.subscribeChat(requestId, (batch) => enqueue(projectId, requestId, batch))
    try {
      const res = await start(requestId)
      flushChatEvents()
      // The request is over even if its done event was lost.
      markStreamDone(requestId)
      patchChat(projectId, (c) => {
        let messages = c.messages
        if (res.user) messages = upsertMessage(messages, res.user)
        if (res.assistant) messages = upsertMessage(messages, res.assistant)
        const stepError = c.run?.stepError
        const shownOnMessage = !!res.assistant && (res.assistant.status === 'error' || !!res.assistant.result?.stepError)
        return {
          messages,
          pendingUser: null,
          run: null,
          sendError:
            stepError && !shownOnMessage
              ? { code: stepError.code, message: stepError.message, action: res.user || res.assistant ? 'retry' : 'resend' }
              : null,
          tab: hasPreview(runResultOf(res.assistant)) ? 'preview' : c.tab,
        }
      })
      return true
    } catch (e) {
      flushChatEvents()
      markStreamDone(requestId)
      const err = toApiError(e)
      patchChat(projectId, { run: null })
      await onReject(err)
      return false
    } finally {
      off()
      pending.delete(requestId)
    }
  }

  return {
    chats: {},
    drafts: readJSON<Record<string, string>>(DRAFTS_KEY, {}),
    attachments: {},
    model: prefs.model,
    templates: prefs.templates ?? {},
    params: prefs.params ?? {},

    load: async (projectId, force = false) => {
      const c = get().chats[projectId]
      if (c && (c.loading || (c.loaded && !force) || c.run)) return
      patchChat(projectId, { loading: true, loadError: null })
      try {
        // Only the newest page: older messages come with loadOlder (scrolling up).
        const page = await api.chat.history({ projectId, beforeSeq: 0, limit: api.HISTORY_PAGE })
        const fresh = fromNewestPage(page)
        // Open on the last output unless the person already chose a tab.
        patchChat(projectId, (cur) => ({
          ...fresh,
          olderError: null,
          loaded: true,
          loading: false,
          ...(cur.tabChosen || cur.run ? {} : { tab: initialTab(fresh.messages) }),
        }))
      } catch (e) {
        patchChat(projectId, { loaded: true, loading: false, loadError: toApiError(e).message })
      }
    },

    loadOlder: async (projectId) => {
      const c = get().chats[projectId]
      if (!c || !c.loaded || c.loading || c.loadingOlder || !c.hasMore || c.oldestSeq <= 0) return
      const beforeSeq = c.oldestSeq
      patchChat(projectId, { loadingOlder: true, olderError: null })
      try {
        const page = await api.chat.history({ projectId, beforeSeq, limit: api.HISTORY_PAGE })
        patchChat(projectId, (cur) =>
          // A reload that moved the oldest loaded message makes this page stale.
          cur.oldestSeq !== beforeSeq ? { loadingOlder: false } : { ...prependPage(cur, page), loadingOlder: false },
        )
      } catch (e) {
        patchChat(projectId, { loadingOlder: false, olderError: toApiError(e).message })
      }
    },

    setDraft: (projectId, text) => {
      set((s) => ({ drafts: { ...s.drafts, [projectId]: text } }))
      persistDrafts(get().drafts)
    },

    addAttachment: (projectId, a) =>
      set((s) => ({
        attachments: { ...s.attachments, [projectId]: [...(s.attachments[projectId] ?? []), { ...a, id: newId() }] },
      })),

    removeAttachment: (projectId, id) =>
      set((s) => ({
        attachments: { ...s.attachments, [projectId]: (s.attachments[projectId] ?? []).filter((x) => x.id !== id) },
      })),

    clearAttachments: (projectId) => set((s) => ({ attachments: { ...s.attachments, [projectId]: [] } })),

    setModel: (model) => {
      set({ model })
      savePrefs()
    },

    setTemplate: (projectId, template) => {
      set((s) => ({ templates: { ...s.templates, [projectId]: template } }))
      savePrefs()
    },

    setParams: (params) => {
      set({ params })
      savePrefs()
    },

    send: async (projectId) => {
      const s = get()
      const c = s.chats[projectId]
      if (c?.run) return
      const text = (s.drafts[projectId] ?? '').trim()
      const images = s.attachments[projectId] ?? []
      if (!text && images.length === 0) return
      const model = s.model
      if (!model) {
        patchChat(projectId, {
          sendError: { code: 'invalid', message: 'Choose a model first (add an LLM key in Settings if none is listed).', action: 'resend' },
        })
        return
      }
      const draftText = s.drafts[projectId] ?? ''
      // Clear the input at once; it comes back if the call fails.
      set((st) => ({
        drafts: { ...st.drafts, [projectId]: '' },
        attachments: { ...st.attachments, [projectId]: [] },
      }))
      persistDrafts(get().drafts)
      patchChat(projectId, { pendingUser: { text, images } })
      await runRequest(
        projectId,
        'send',
        (requestId) =>
          api.chat.send({
            requestId,
            projectId,
            text,
            images: images.map(({ mime, data }) => ({ mime, data })),
            providerId: model.providerId,
            modelId: model.modelId,
            template: templateFor(projectId),
            params: s.params,
          }),
        async (err) => {
          // Learn what the backend kept: the message may have been saved before the failure.
          try {
            await refreshNewest(projectId)
          } catch {
            // offline: keep what we have
          }
          const messages = get().chats[projectId]?.messages ?? []
          const last = messages[messages.length - 1]
          const saved = !!last && last.role === 'user' && last.content.trim() === text
          patchChat(projectId, {
            pendingUser: null,
            sendError:
              err.code === 'canceled'
                ? null
                : { code: err.code, message: err.message, action: saved ? 'retry' : 'resend' },
          })
          if (!saved && isDraftKeepingError(err.code)) {
            // Keep the draft: put it back unless the person already typed something new.
            set((st) => ({
              drafts: st.drafts[projectId] ? st.drafts : { ...st.drafts, [projectId]: draftText },
              attachments: (st.attachments[projectId] ?? []).length
                ? st.attachments
                : { ...st.attachments, [projectId]: images },
            }))
            persistDrafts(get().drafts)
          }
        },
      )
    },

    retry: async (projectId) => {
      const s = get()
      if (s.chats[projectId]?.run) return
      const model = s.model
      if (!model) {
        patchChat(projectId, {
          sendError: { code: 'invalid', message: 'Choose a model first (add an LLM key in Settings if none is listed).', action: 'retry' },
        })
        return
      }
      const ok = await runRequest(
        projectId,
        'retry',
        (requestId) =>
          api.chat.retry({
            requestId,
            projectId,
            providerId: model.providerId,
            modelId: model.modelId,
            template: templateFor(projectId),
            params: s.params,
          }),
        async (err) => {
          try {
            await refreshNewest(projectId)
          } catch {
            // offline
          }
          patchChat(projectId, {
            sendError: err.code === 'canceled' ? null : { code: err.code, message: err.message, action: 'retry' },
          })
        },
      )
      if (!ok) return
      // Retry replaced the last answer in the database: drop the old one here too.
      try {
        await refreshNewest(projectId)
      } catch {
        // offline: the new answer is shown already
      }
    },

    stop: async (projectId) => {
      const run = get().chats[projectId]?.run
      if (!run) return
      patchChat(projectId, (c) => ({ run: c.run ? { ...c.run, stopping: true } : null }))
      try {
        await api.chat.stop(run.requestId)
      } catch (e) {
        patchChat(projectId, (c) => ({
          run: c.run ? { ...c.run, stopping: false } : null,
          sendError: { code: toApiError(e).code, message: toApiError(e).message, action: 'retry' },
        }))
      }
    },

    undo: async (projectId) => {
      await api.chat.undo(projectId)
      await refreshNewest(projectId)
      patchChat(projectId, { selected: null, sendError: null, files: null })
    },

    deleteMessage: async (projectId, messageId) => {
      await api.chat.deleteMessage(projectId, messageId)
      const msgs = get().chats[projectId]?.messages ?? []
      const gone = new Set(exchangeOf(msgs, messageId))
      patchChat(projectId, {
        messages: msgs.filter((m) => !gone.has(m.id)),
        selected: gone.has(get().chats[projectId]?.selected ?? '') ? null : get().chats[projectId]?.selected ?? null,
      })
      await refreshNewest(projectId)
    },

    clear: async (projectId) => {
      await api.chat.clear(projectId)
      patchChat(projectId, { messages: [], hasMore: false, oldestSeq: 0, selected: null, sendError: null, pendingUser: null, files: null, tab: 'code' })
      try {
        await refreshNewest(projectId)
      } catch {
        // the chat was cleared: empty is right
      }
    },

    select: (projectId, messageId) => patchChat(projectId, { selected: messageId }),

    setTab: (projectId, tab) => patchChat(projectId, { tab, tabChosen: true }),

    dismissError: (projectId) => patchChat(projectId, { sendError: null }),

    loadFiles: async (projectId) => {
      try {
        const files = await api.chat.files(projectId)
        patchChat(projectId, { files })
      } catch {
        // offline or gone: the empty state stays
        patchChat(projectId, { files: [] })
      }
    },
  }
})

/** The template chosen for a project ('' = Auto), falling back to the project's own. */
export function templateFor(projectId: string): string {
  const t = useChat.getState().templates[projectId]
  if (t !== undefined) return t
  return useProjects.getState().projects.find((p) => p.id === projectId)?.template ?? ''
}

/** The ids a delete of messageId removes: an answer alone, or a prompt with the answers up to the next prompt. */
export function exchangeOf(messages: Message[], messageId: string): string[] {
  const i = messages.findIndex((m) => m.id === messageId)
  if (i < 0) return []
  if (messages[i].role !== 'user') return [messageId]
  const out = [messageId]
  for (let j = i + 1; j < messages.length && messages[j].role !== 'user'; j++) out.push(messages[j].id)
  return out
}
