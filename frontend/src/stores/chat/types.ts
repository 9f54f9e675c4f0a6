import type {
  ExecError,
  ExecResult,
  FileEntry,
  ImageAttachment,
  Message,
  ModelParams,
  Partial as PartialFragment,
  Stage,
  StepError,
  UndoResult,
} from '../../api'

/** What a request in flight has produced so far (from `chat:delta:<id>` batches). */
export interface RunState {
  requestId: string
  /** agent: an agent turn (its steps are in the agent store; stage stays null). */
  kind: 'send' | 'retry' | 'agent'
  stage: Stage | null
  partial: PartialFragment | null
  reasoning: string
  installLog: string
  /** What a slow sandbox step waits for ("" when it does not). */
  waiting: string
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
  /** Redo can bring back what Undo took (the backend's answer; a new turn, Clear or Delete forget it). */
  canRedo: boolean
}

import type { Problem } from '../../lib/problems'

export interface ModelChoice {
  providerId: string
  modelId: string
}

/** Drafts, attachments and the picker choices (drafts.ts). */
export interface DraftsSlice {
  drafts: Record<string, string>
  attachments: Record<string, Attachment[]>
  model: ModelChoice | null
  templates: Record<string, string>
  params: ModelParams

  setDraft: (projectId: string, text: string) => void
  addAttachment: (projectId: string, a: Omit<Attachment, 'id'>) => void
  removeAttachment: (projectId: string, id: string) => void
  clearAttachments: (projectId: string) => void
  setModel: (m: ModelChoice | null) => void
  setTemplate: (projectId: string, template: string) => void
  setParams: (p: ModelParams) => void
}

/** Loading the history a page at a time (paging.ts). */
export interface PagingSlice {
  load: (projectId: string, force?: boolean) => Promise<void>
  /** Fetches the page before the oldest loaded message and prepends it (one call at a time). */
  loadOlder: (projectId: string) => Promise<void>
}

/** What the person does to the chat (actions.ts). */
export interface ActionsSlice {
  send: (projectId: string) => Promise<void>
  /**
   * Fix with AI: sends the problem (its file, its error text) to the model
   * as the next turn; the person's draft stays as it is. auto marks the
   * one automatic fix of a failed run (Settings: auto-fix once), which is
   * never followed by another.
   */
  fix: (projectId: string, problem: Problem, opts?: { auto?: boolean }) => Promise<void>
  retry: (projectId: string) => Promise<void>
  /** Goes on with a paused (or interrupted) agent turn, kept with the answer messageId. */
  continueTurn: (projectId: string, turnId: string, messageId: string) => Promise<void>
  /**
   * Puts the files an agent turn changed back to before its step seq and
   * says so in a toast. Resolves with the backend's sentence when the
   * person edited one of them since (nothing changed: anyway restores).
   */
  restoreBefore: (projectId: string, turnId: string, seq: number, anyway?: boolean) => Promise<string | null>
  /** "Build this plan": an Agent turn that builds the (edited) plan. */
  buildPlan: (projectId: string, plan: string) => Promise<void>
  stop: (projectId: string) => Promise<void>
  /**
   * Takes the last exchange out with its files (an agent turn: only the files it
   * changed). Rejects, changing nothing, when the person edited one of them since
   * (editedSince says so); anyway restores over those edits.
   */
  undo: (projectId: string, anyway?: boolean) => Promise<UndoResult>
  /** Puts back what the last Undo took: the messages and their files. */
  redo: (projectId: string) => Promise<UndoResult>
  /** Asks the backend whether Redo has something (when a project opens). */
  loadCanRedo: (projectId: string) => Promise<void>
  clear: (projectId: string) => Promise<void>
  /** Deletes one answer, or one prompt with its answers (as the backend does). */
  deleteMessage: (projectId: string, messageId: string) => Promise<void>
  select: (projectId: string, messageId: string | null) => void
  setTab: (projectId: string, tab: 'code' | 'preview') => void
  dismissError: (projectId: string) => void
  /** Loads the project's kept files (for the Code tab of a chat with no answer). */
  loadFiles: (projectId: string) => Promise<void>
}

export interface ChatStoreState extends DraftsSlice, PagingSlice, ActionsSlice {
  chats: Record<string, ProjectChat>
}

/** A change to one project's chat: fields, or a function of the current chat. */
export type ChatPatch = globalThis.Partial<ProjectChat> | ((c: ProjectChat) => globalThis.Partial<ProjectChat>)

/** What every slice gets from the store: zustand's set/get and a per-project patch. */
export interface StoreTools {
  set: (partial: globalThis.Partial<ChatStoreState> | ((s: ChatStoreState) => globalThis.Partial<ChatStoreState>)) => void
  get: () => ChatStoreState
  patchChat: (projectId: string, p: ChatPatch) => void
}
