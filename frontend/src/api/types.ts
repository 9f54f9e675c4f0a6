// Clean TypeScript shapes of what the Go backend sends and accepts (JSON).
// The generated classes in wailsjs/go/models.ts may lag behind the Go
// structs, so the rest of the page uses these and src/api casts.

export type ErrorCode =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'unavailable'
  | 'rate_limited'
  | 'canceled'
  | 'internal'

export interface ErrorDTO {
  code: ErrorCode | string
  message: string
  retryAfterSeconds?: number
  field?: string
  userMessageId?: string
}

export interface Paths {
  Home: string
  Database: string
  LogFile: string
}

export interface StartupStatus {
  ok: boolean
  error?: ErrorDTO
  paths: Paths
  version: string
  /** E2B_DOMAIN when set: the E2B domain in use instead of the one in Settings. */
  e2bDomainEnv?: string
}

export interface Project {
  id: string
  name: string
  description: string
  template: string // "" = Auto
  sandboxId: string
  sandboxState: string
  createdAt: string
  updatedAt: string
  lastActivityAt: string
  /** The project's folder name under the projects folder ("" until made). */
  workspace?: string
}

export interface CreateProjectRequest {
  name: string
  description: string
  template: string
}

export interface UpdateProjectRequest {
  id: string
  name?: string
  description?: string
  template?: string
}

export type Theme = 'system' | 'light' | 'dark'

export interface Settings {
  e2bDomain: string
  defaultProvider: string
  defaultModel: string
  sandboxTimeoutMinutes: number
  idlePauseMinutes: number
  theme: Theme
  customProviders?: unknown
  customTemplates: string[]
  onboarded: boolean
  /** The folder holding every project's folder; "" or absent = the default. */
  workspaceRoot?: string
}

/** A key that a settings change would send to a new place. */
export interface KeyDestination {
  account: string
  name: string
  from: string
  to: string
}

/** Asks the person before a held settings change is saved. */
export interface RedirectConfirm {
  token: string
  destinations: KeyDestination[]
}

/** Saved (confirm absent) or held until the person confirms (nothing saved). */
export interface SaveResult {
  settings: Settings
  confirm?: RedirectConfirm
}

export interface Model {
  id: string
  name: string
  multimodal: boolean
}

export interface Provider {
  id: string
  name: string
  needsKey: boolean
  local: boolean
  hasKey: boolean
  usable: boolean
  models: Model[]
  /** The provider's sensible default among models (ranked over what it lists now). */
  defaultModel?: string
  /** When models was fetched from the provider (unix ms); 0 = built-in knowledge. */
  modelsFetchedAt?: number
}

export interface Template {
  id: string
  name: string
  file: string
  port: number
  custom: boolean
}

export type SandboxState =
  | 'none'
  | 'starting'
  | 'resuming'
  | 'running'
  | 'pausing'
  | 'paused'
  | 'rebuilding'
  | 'error'
  /** Believed running, but E2B does not answer (status.error says why); clears by itself. */
  | 'unreachable'

export interface SandboxStatus {
  projectId: string
  state: SandboxState
  error?: string
  /** Set when the sandbox runs but something is not quite right (e.g. an install failed during a rebuild). */
  warning?: string
  sandboxId?: string
  template?: string
  timeoutAt?: string
  /** When Tessera pauses it for idleness unless there is activity (zero time unless running). */
  idlePauseAt?: string
  runningSecondsToday: number
  runningSecondsTotal: number
}

export type Role = 'user' | 'assistant'
export type MessageStatus = 'done' | 'streaming' | 'stopped' | 'error' | 'interrupted'

export interface FileEntry {
  path: string
  content: string
}

/** The fragment stored with an assistant message (Fragments' schema, snake_case). */
export interface Fragment {
  commentary?: string
  template?: string
  title?: string
  description?: string
  additional_dependencies?: string[]
  has_additional_dependencies?: boolean
  install_dependencies_command?: string
  port?: number | null
  file_path?: string
  code?: string | { file_path?: string; file_name?: string; file_content?: string }[]
  files?: FileEntry[]
}

export interface ExecResult {
  text?: string
  html?: string
  markdown?: string
  svg?: string
  png?: string
  jpeg?: string
  pdf?: string
  latex?: string
  javascript?: string
  json?: unknown
  chart?: unknown
  data?: unknown
  isMainResult?: boolean
}

export interface ExecError {
  name: string
  value: string
  traceback: string
}

export interface StepError {
  step: string
  code: string
  message: string
}

export interface RunResult {
  kind: 'python' | 'web'
  template: string
  sandboxId?: string
  url?: string
  stdout: string[]
  stderr: string[]
  results: ExecResult[]
  error?: ExecError
  installLog?: string
  stepError?: StepError
  /** Tokens of the answer, when the provider reported them. */
  usage?: { promptTokens: number; completionTokens: number; totalTokens: number }
  finishedAt?: string
}

export interface Message {
  id: string
  projectId: string
  seq: number
  role: Role
  content: string
  fragment?: Fragment | null
  /**
   * What running the fragment produced. Only ever set on assistant messages:
   * src/api moves a user message's stored `result` ({images}) to `attachments`.
   */
  result?: RunResult | null
  /** Images the person attached (user messages only). */
  attachments?: ImageAttachment[]
  status: MessageStatus
  createdAt: string
}

/** One page of a chat: ChatService.History. */
export interface HistoryRequest {
  projectId: string
  /** Messages older than this seq; 0 = the newest page. */
  beforeSeq: number
  /** Page size: default 50, at most 500. */
  limit: number
}

/** A page of a chat, oldest first. */
export interface HistoryPage {
  messages: Message[]
  /** True when older messages exist. */
  hasMore: boolean
}

/** Payload of "app:quit" while the backend pauses sandboxes before closing. */
export interface QuitProgress {
  done: number
  total: number
}

export interface ImageAttachment {
  mime: string
  data: string // base64, no data: prefix
}

export interface ModelParams {
  temperature?: number
  topP?: number
  maxTokens?: number
  frequencyPenalty?: number
  presencePenalty?: number
}

export interface SendRequest {
  requestId: string
  projectId: string
  text: string
  images: ImageAttachment[]
  providerId: string
  modelId: string
  template: string
  params: ModelParams
}

export interface RetryRequest {
  requestId: string
  projectId: string
  providerId: string
  modelId: string
  template: string
  params: ModelParams
}

export interface SendResult {
  user?: Message
  assistant?: Message
}

export type Stage = 'generating' | 'sandbox' | 'installing' | 'writing' | 'running' | 'preview'

export interface Partial {
  commentary: string
  title: string
  description: string
  template: string
  files: FileEntry[]
}

export type ChatEventType =
  | 'stage'
  | 'partial'
  | 'reasoning'
  | 'log'
  | 'stdout'
  | 'stderr'
  | 'result'
  | 'exec_error'
  | 'message'
  | 'error'
  | 'done'

export interface ChatEvent {
  type: ChatEventType
  stage?: Stage
  text?: string
  partial?: Partial
  result?: ExecResult
  execError?: ExecError
  message?: Message
  error?: StepError
}

/** The result of a key check, shown in the Settings field. */
export interface KeyCheck {
  ok: boolean
  /** "Works: ..." or the provider's reason in a sentence. */
  message: string
  code?: string
}
