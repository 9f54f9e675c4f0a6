// Typed wrappers over the Wails bindings. Every call resolves with the clean
// types from ./types or rejects with an ApiError carrying a sentence.
import { ApiError, BACKEND_MISSING, toApiError } from './errors'
import type {
  ChatEvent,
  CreateProjectRequest,
  FileEntry,
  HistoryPage,
  HistoryRequest,
  ImageAttachment,
  KeyCheck,
  Message,
  Model,
  Paths,
  Project,
  Provider,
  RetryRequest,
  RunResult,
  SandboxStatus,
  SaveResult,
  SearchGroup,
  SearchResponse,
  SendRequest,
  SendResult,
  Settings,
  StartupStatus,
  Template,
  UpdateProjectRequest,
} from './types'
import { bindings, runtime } from './wails'

export * from './types'
export { ApiError, errorMessage, isCanceled, toApiError, BACKEND_MISSING } from './errors'
export { frameSandbox, previewIsolation, SAME_ORIGIN_TEMPLATES, type Isolation } from './security'

type WailsWindow = Window & { go?: Record<string, unknown>; runtime?: Record<string, unknown> }

function hasBackend(): boolean {
  return typeof window !== 'undefined' && !!(window as WailsWindow).go
}

function hasRuntime(): boolean {
  return typeof window !== 'undefined' && !!(window as WailsWindow).runtime
}

/** Runs a bound call; a missing backend or any rejection becomes an ApiError. */
async function call<T>(fn: () => Promise<unknown>): Promise<T> {
  if (!hasBackend()) throw new ApiError('unavailable', BACKEND_MISSING)
  try {
    return (await fn()) as T
  } catch (e) {
    throw toApiError(e)
  }
}

/** Go's json.RawMessage may arrive as an object or, from older code paths, as text. */
function parseJSONField<T>(v: unknown): T | null {
  if (v === null || v === undefined || v === '') return null
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as T
    } catch {
      return null
    }
  }
  return v as T
}

const IMAGE_MIME = /^image\/[a-z0-9.+-]{1,64}$/i
const BASE64 = /^[A-Za-z0-9+/=\s_-]*$/

/** The images of a user message's stored result ({"images":[{mime,data}]}); anything else is dropped. */
export function attachmentsOf(raw: unknown): ImageAttachment[] {
  const v = parseJSONField<{ images?: unknown }>(raw)
  if (!v || typeof v !== 'object' || !Array.isArray(v.images)) return []
  const out: ImageAttachment[] = []
  for (const img of v.images as unknown[]) {
    if (!img || typeof img !== 'object') continue
    const { mime, data } = img as { mime?: unknown; data?: unknown }
    if (typeof mime !== 'string' || typeof data !== 'string' || !data) continue
    if (!IMAGE_MIME.test(mime) || !BASE64.test(data)) continue
    out.push({ mime: mime.toLowerCase(), data: data.replace(/\s+/g, '') })
  }
  return out
}

function isRunResult(v: unknown): v is RunResult {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !('images' in v && !('kind' in v))
}

/**
 * Parses the JSON columns. A user message's `result` holds its attachments,
 * never a RunResult: it becomes `attachments` and `result` is null, so no
 * preview code can mistake it for run output.
 */
export function normalizeMessage(m: Message): Message {
  const fragment = parseJSONField<Message['fragment']>(m.fragment)
  if (m.role === 'user') {
    const attachments = m.attachments?.length ? m.attachments : attachmentsOf(m.result)
    return { ...m, fragment, result: null, attachments }
  }
  const parsed = parseJSONField<unknown>(m.result)
  return { ...m, fragment, result: isRunResult(parsed) ? parsed : null }
}

/** The run output of a message, or null (user messages never have one). */
export function runResultOf(m: Message | null | undefined): RunResult | null {
  if (!m || m.role !== 'assistant') return null
  return isRunResult(m.result) ? m.result : null
}

function normalizeResult(r: SendResult | null | undefined): SendResult {
  return {
    user: r?.user ? normalizeMessage(r.user) : undefined,
    assistant: r?.assistant ? normalizeMessage(r.assistant) : undefined,
  }
}

/** Messages per ChatService.History page (the backend's default). */
export const HISTORY_PAGE = 50

export const system = {
  status: () => call<StartupStatus>(() => bindings.System.Status()),
}

export const projects = {
  list: async () => (await call<Project[] | null>(() => bindings.Projects.List())) ?? [],
  create: (req: CreateProjectRequest) => call<Project>(() => bindings.Projects.Create(req as never)),
  update: (req: UpdateProjectRequest) => call<Project>(() => bindings.Projects.Update(req as never)),
  remove: (id: string) => call<void>(() => bindings.Projects.Delete(id)),
  select: (id: string) => call<Project>(() => bindings.Projects.Select(id)),
  current: async () => (await call<string | null>(() => bindings.Projects.Current())) ?? '',
}

export const settings = {
  get: () => call<Settings>(() => bindings.Settings.Get()),
  save: (s: Settings) => call<SaveResult>(() => bindings.Settings.Save(s as never)),
  confirmSave: (token: string) => call<Settings>(() => bindings.Settings.ConfirmSave(token)),
  setKey: (account: string, value: string) =>
    call<void>(() => bindings.Settings.SetKey({ account, value } as never)),
  hasKey: (account: string) => call<boolean>(() => bindings.Settings.HasKey(account)),
  keyStatus: async (accounts: string[]) =>
    (await call<Record<string, boolean> | null>(() => bindings.Settings.KeyStatus(accounts))) ?? {},
  deleteKey: (account: string) => call<void>(() => bindings.Settings.DeleteKey(account)),
  paths: () => call<Paths>(() => bindings.Settings.Paths()),
}

export const catalog = {
  providers: async () => (await call<Provider[] | null>(() => bindings.Catalog.Providers())) ?? [],
  refreshModels: async (providerId: string) =>
    (await call<Model[] | null>(() => bindings.Catalog.RefreshModels(providerId))) ?? [],
  templates: async () => (await call<Template[] | null>(() => bindings.Catalog.Templates())) ?? [],
}

export const keyCheck = {
  /**
   * Checks the key saved under a keychain account with a cheap
   * authenticated call: an LLM provider's model list ("llm:<id>"), or
   * E2B's sandbox list ("e2b"). A refused key resolves with ok false and
   * the provider's reason.
   */
  check: (account: string) => call<KeyCheck>(() => bindings.KeyCheck.CheckKey(account)),
}

export const sandbox = {
  status: (projectId: string) => call<SandboxStatus>(() => bindings.Sandbox.Status(projectId)),
  pause: (projectId: string) => call<void>(() => bindings.Sandbox.Pause(projectId)),
  resume: (projectId: string) => call<void>(() => bindings.Sandbox.Resume(projectId)),
  restart: (projectId: string) => call<void>(() => bindings.Sandbox.Restart(projectId)),
}

export const chat = {
  /**
   * One page of a chat, oldest first: up to `limit` messages older than
   * `beforeSeq` (0 = the newest page). The whole chat is never fetched at
   * once: a long chat opens as fast as a short one.
   */
  history: async ({ projectId, beforeSeq = 0, limit = HISTORY_PAGE }: Pick<HistoryRequest, 'projectId'> & globalThis.Partial<HistoryRequest>): Promise<HistoryPage> => {
    const req: HistoryRequest = { projectId, beforeSeq, limit }
    const page = await call<{ messages?: Message[] | null; hasMore?: boolean } | null>(() => bindings.Chat.History(req as never))
    return { messages: (page?.messages ?? []).map(normalizeMessage), hasMore: !!page?.hasMore }
  },
  send: async (req: SendRequest) =>
    normalizeResult(await call<SendResult>(() => bindings.Chat.Send(req as never))),
  retry: async (req: RetryRequest) =>
    normalizeResult(await call<SendResult>(() => bindings.Chat.Retry(req as never))),
  stop: (requestId: string) => call<void>(() => bindings.Chat.Stop(requestId)),
  undo: (projectId: string) => call<void>(() => bindings.Chat.Undo(projectId)),
  clear: (projectId: string) => call<void>(() => bindings.Chat.Clear(projectId)),
  deleteMessage: (projectId: string, messageId: string) =>
    call<void>(() => bindings.Chat.DeleteMessage({ projectId, messageId })),
  files: async (projectId: string) =>
    (await call<FileEntry[] | null>(() => bindings.Chat.Files(projectId))) ?? [],
}

export const search = {
  /** Searches every project; any text is a valid query (nothing searchable = no groups). */
  query: async (query: string, limit = 50): Promise<SearchGroup[]> => {
    const r = await call<SearchResponse | null>(() => bindings.Search.Search({ query, limit } as never))
    return (r?.groups ?? []).map((g) => ({ ...g, hits: g.hits ?? [] }))
  },
}

/** Topics the backend pushes on. */
export const topics = {
  chatDelta: (requestId: string) => `chat:delta:${requestId}`,
  sandboxStatus: (projectId: string) => `sandbox:status:${projectId}`,
  /** {done, total} while sandboxes are paused before the window closes. */
  appQuit: 'app:quit',
}

/**
 * Listens to a Wails event topic. Returns the function that stops listening
 * (only this listener: EventsOff would drop every listener of the topic).
 * Without the Wails runtime (a plain browser) it listens to nothing.
 */
export function subscribe<T = unknown>(topic: string, handler: (payload: T) => void): () => void {
  if (!hasRuntime()) return () => {}
  const off = runtime.EventsOn(topic, (payload: unknown) => handler(payload as T))
  return typeof off === 'function' ? off : () => {}
}

/** Subscribes to a chat request's event batches (each payload is an array). */
export function subscribeChat(requestId: string, handler: (batch: ChatEvent[]) => void): () => void {
  return subscribe<ChatEvent[] | ChatEvent>(topics.chatDelta(requestId), (p) => {
    const batch = Array.isArray(p) ? p : [p]
    handler(
      batch.map((ev) => (ev && ev.type === 'message' && ev.message ? { ...ev, message: normalizeMessage(ev.message) } : ev)),
    )
  })
}

/** Opens a URL in the system browser (never inside the app's window). */
export function openURL(url: string): void {
  if (!/^https?:\/\//i.test(url)) return
  if (hasRuntime()) runtime.BrowserOpenURL(url)
  else window.open(url, '_blank', 'noopener,noreferrer')
}
