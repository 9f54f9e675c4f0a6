// Typed wrappers over the Wails bindings. Every call resolves with the clean
// types from ./types or rejects with an ApiError carrying a sentence.
import type { api } from '../../wailsjs/go/models'
import type {
  BuildInfo,
  ChatEvent,
  Data,
  EnvResult,
  Fragment,
  CreateProjectRequest,
  HistoryPage,
  HistoryRequest,
  ImageAttachment,
  Message,
  RetryRequest,
  RunResult,
  SearchGroup,
  SendRequest,
  SendResult,
  SetEnvRequest,
  Settings,
  UpdateProjectRequest,
  UpdateStatus,
  UndoResult,
  WireMessage,
} from './types'
import { appQuit, chatDelta, sandboxStatus, terminalData, terminalExit, terminalState } from './topics'
import { bindings, models, runtime } from './wails'
import { call } from './call'

export * from './types'
export { ApiError, errorMessage, isCanceled, toApiError, BACKEND_MISSING } from './errors'
export { frameSandbox, previewIsolation, SAME_ORIGIN_TEMPLATES, type Isolation } from './security'

type WailsWindow = Window & { go?: Record<string, unknown>; runtime?: Record<string, unknown> }

function hasRuntime(): boolean {
  return typeof window !== 'undefined' && !!(window as WailsWindow).runtime
}

export { call }

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

/** The images of a user message, checked (mime and base64); anything else is dropped. */
export function attachmentsOf(images: readonly unknown[] | null | undefined): ImageAttachment[] {
  const out: ImageAttachment[] = []
  for (const img of images ?? []) {
    if (!img || typeof img !== 'object') continue
    const { mime, data } = img as { mime?: unknown; data?: unknown }
    if (typeof mime !== 'string' || typeof data !== 'string' || !data) continue
    if (!IMAGE_MIME.test(mime) || !BASE64.test(data)) continue
    out.push({ mime: mime.toLowerCase(), data: data.replace(/\s+/g, '') })
  }
  return out
}

function isRunResult(v: unknown): v is RunResult {
  return !!v && typeof v === 'object' && !Array.isArray(v) && 'kind' in v
}

/**
 * Parses the stored JSON of a wire message and checks its images. Only an
 * assistant message has a run result; a user message has attachments.
 */
export function normalizeMessage(m: WireMessage | Message): Message {
  const fragment = parseJSONField<Fragment>(m.fragment)
  if (m.role === 'user') {
    return { ...m, fragment, result: null, attachments: attachmentsOf(m.attachments) }
  }
  const parsed = parseJSONField<unknown>(m.result)
  return { ...m, fragment, result: isRunResult(parsed) ? parsed : null }
}

/** The run output of a message, or null (user messages never have one). */
export function runResultOf(m: Message | null | undefined): RunResult | null {
  if (!m || m.role !== 'assistant') return null
  return isRunResult(m.result) ? m.result : null
}

function normalizeResult(r: Data<api.SendResult> | null | undefined): SendResult {
  return {
    user: r?.user ? normalizeMessage(r.user) : undefined,
    assistant: r?.assistant ? normalizeMessage(r.assistant) : undefined,
    userSaved: !!r?.userSaved,
  }
}

/** Messages per ChatService.History page (the backend's default). */
export const HISTORY_PAGE = 50

export const system = {
  status: () => call(() => bindings.System.Status()),
}

export const projects = {
  list: async () => (await call(() => bindings.Projects.List())) ?? [],
  create: (req: CreateProjectRequest) => call(() => bindings.Projects.Create(req)),
  update: (req: UpdateProjectRequest) => call(() => bindings.Projects.Update(req)),
  remove: (id: string) => call(() => bindings.Projects.Delete(id)),
  select: (id: string) => call(() => bindings.Projects.Select(id)),
  current: async () => (await call(() => bindings.Projects.Current())) ?? '',
  /** A new project with a copy of the chat, files, installs and variables (no sandbox yet). */
  duplicate: (id: string) => call(() => bindings.Projects.Duplicate(id)),
  /** Postpones the cleanup of the project's idle sandbox. */
  keepSandbox: (id: string) => call(() => bindings.Projects.KeepSandbox(id)),
  /** The new-project gallery: starters shipped with Tessera (works offline). */
  starters: async () => (await call(() => bindings.Projects.Starters())) ?? [],
}

/** A project's variables and secrets (a secret's value never comes back). */
export const env = {
  list: async (projectId: string) => (await call(() => bindings.Env.List(projectId))) ?? [],
  set: async (req: SetEnvRequest): Promise<EnvResult> => {
    const r = await call(() => bindings.Env.Set(req))
    return { ...r, vars: r?.vars ?? [] }
  },
  remove: async (projectId: string, name: string): Promise<EnvResult> => {
    const r = await call(() => bindings.Env.Delete(projectId, name))
    return { ...r, vars: r?.vars ?? [] }
  },
}

export const about = {
  get: () => call<BuildInfo>(() => bindings.About.About()),
}

export const updates = {
  /** Asks the release feed at most once a day (and only if the person left it on). */
  check: () => call<UpdateStatus>(() => bindings.Update.Check()),
  /** Asks the release feed now ("Check now"). */
  checkNow: () => call<UpdateStatus>(() => bindings.Update.CheckNow()),
}

export const settings = {
  get: () => call(() => bindings.Settings.Get()),
  save: (s: Settings) => call(() => bindings.Settings.Save(models.Settings.createFrom(s))),
  confirmSave: (token: string) => call(() => bindings.Settings.ConfirmSave(token)),
  setKey: (account: string, value: string) =>
    call(() => bindings.Settings.SetKey({ account, value })),
  hasKey: (account: string) => call(() => bindings.Settings.HasKey(account)),
  keyStatus: async (accounts: string[]) =>
    (await call(() => bindings.Settings.KeyStatus(accounts))) ?? {},
  deleteKey: (account: string) => call(() => bindings.Settings.DeleteKey(account)),
  paths: () => call(() => bindings.Settings.Paths()),
}

export const catalog = {
  providers: async () => (await call(() => bindings.Catalog.Providers())) ?? [],
  refreshModels: async (providerId: string) =>
    (await call(() => bindings.Catalog.RefreshModels(providerId))) ?? [],
  templates: async () => (await call(() => bindings.Catalog.Templates())) ?? [],
}

export const keyCheck = {
  /**
   * Checks the key saved under a keychain account with a cheap
   * authenticated call: an LLM provider's model list ("llm:<id>"), or
   * E2B's sandbox list ("e2b"). A refused key resolves with ok false and
   * the provider's reason.
   */
  check: (account: string) => call(() => bindings.KeyCheck.CheckKey(account)),
}

export const sandbox = {
  status: (projectId: string) => call(() => bindings.Sandbox.Status(projectId)),
  pause: (projectId: string) => call(() => bindings.Sandbox.Pause(projectId)),
  resume: (projectId: string) => call(() => bindings.Sandbox.Resume(projectId)),
  restart: (projectId: string) => call(() => bindings.Sandbox.Restart(projectId)),
  /** Running time, vCPU/memory-seconds and estimated dollars per day. */
  cost: (projectId: string) => call(() => bindings.Sandbox.Cost(projectId)),
  /** E2B's CPU/memory samples of the last 10 minutes. */
  metrics: async (projectId: string) => (await call(() => bindings.Sandbox.Metrics(projectId))) ?? [],
  /** Monthly budget in US dollars; 0 removes it. */
  setBudget: (projectId: string, usd: number) => call(() => bindings.Sandbox.SetBudget(projectId, usd)),
  /** The model's spend this month (priced calls; unpriced and estimated ones counted apart) and its budget. */
  modelSpend: (projectId: string) => call(() => bindings.Sandbox.ModelSpend(projectId)),
  /** Monthly model budget in US dollars; 0 removes it. */
  setModelBudget: (projectId: string, usd: number) => call(() => bindings.Sandbox.SetModelBudget(projectId, usd)),
  publish: (projectId: string, port: number, hours: number) => call(() => bindings.Sandbox.Publish(projectId, port, hours)),
  unpublish: (projectId: string) => call(() => bindings.Sandbox.Unpublish(projectId)),
  /** The window is hidden or minimised (true) or shown (false): the backend pauses sandboxes a minute after. */
  setWindowHidden: (hidden: boolean) => call(() => bindings.Sandbox.SetWindowHidden(hidden)),
  /** The person is back at the project: its paused sandbox resumes in the background. */
  wake: (projectId: string) => call(() => bindings.Sandbox.Wake(projectId)),
  /** Whether the window is minimised (false without the Wails runtime). */
  windowMinimised: async () => (hasRuntime() ? !!(await runtime.WindowIsMinimised()) : false),
}

export const chat = {
  /**
   * One page of a chat, oldest first: up to `limit` messages older than
   * `beforeSeq` (0 = the newest page). The whole chat is never fetched at
   * once: a long chat opens as fast as a short one.
   */
  history: async ({ projectId, beforeSeq = 0, limit = HISTORY_PAGE }: Pick<HistoryRequest, 'projectId'> & globalThis.Partial<HistoryRequest>): Promise<HistoryPage> => {
    const req: HistoryRequest = { projectId, beforeSeq, limit }
    const page = await call(() => bindings.Chat.History(req))
    return { messages: (page?.messages ?? []).map(normalizeMessage), hasMore: !!page?.hasMore }
  },
  send: async (req: SendRequest) =>
    normalizeResult(await call(() => bindings.Chat.Send(models.SendRequest.createFrom(req)))),
  retry: async (req: RetryRequest) =>
    normalizeResult(await call(() => bindings.Chat.Retry(models.RetryRequest.createFrom(req)))),
  stop: (requestId: string) => call(() => bindings.Chat.Stop(requestId)),
  /** Takes the last exchange out and restores the files of the version before it. */
  undo: (projectId: string): Promise<UndoResult> => call(() => bindings.Chat.Undo(projectId)),
  /**
   * Undo after the person chose "Restore anyway": an agent turn's Undo was
   * refused (conflict, field "anyway") because they edited one of its files since.
   */
  undoAnyway: (projectId: string): Promise<UndoResult> => call(() => bindings.Chat.UndoAnyway(projectId)),
  /** Puts back what the last Undo took, with its files. */
  redo: (projectId: string): Promise<UndoResult> => call(() => bindings.Chat.Redo(projectId)),
  canRedo: (projectId: string): Promise<boolean> => call(() => bindings.Chat.CanRedo(projectId)),
  clear: (projectId: string) => call(() => bindings.Chat.Clear(projectId)),
  deleteMessage: (projectId: string, messageId: string) =>
    call(() => bindings.Chat.DeleteMessage({ projectId, messageId })),
  files: async (projectId: string) =>
    (await call(() => bindings.Chat.Files(projectId))) ?? [],
}

export const search = {
  /** Searches every project; any text is a valid query (nothing searchable = no groups). */
  query: async (query: string, limit = 50): Promise<SearchGroup[]> => {
    const r = await call(() => bindings.Search.Search({ query, limit }))
    return (r?.groups ?? []).map((g) => ({ ...g, hits: g.hits ?? [] }))
  },
}

/** Topics the backend pushes on (generated from backend/events/topics.go). */
export const topics = { chatDelta, sandboxStatus, appQuit, terminalData, terminalState, terminalExit }

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
