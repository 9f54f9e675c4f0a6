// The chat store, split by job:
//   types.ts    the state's shape
//   reducer.ts  pure: event batches, settled requests, deletes (unit-tested without React)
//   drafts.ts   drafts, attachments and the picker choices, kept in localStorage
//   paging.ts   history a page at a time
//   actions.ts  send, retry, stop, undo, clear, delete; applies the backend's event batches
//   saved.ts    whether a failed Send had saved the person's message
//   store.ts    the zustand store made of those slices
// Benchmark marks live in lib/instrument.ts, off unless a benchmark turns them on.
export type { Attachment, ChatStoreState, ModelChoice, ProjectChat, RunState, SendError } from './types'
export { useChat, templateFor } from './store'
export { applyEvents, emptyChat, exchangeOf, hasPreview, initialTab, newRun, settleRun, upsertMessage } from './reducer'
export { fromNewestPage, mergeNewestPage, prependPage } from './paging'
export { flushDrafts } from './drafts'
export { userMessageSaved } from './saved'
export { markMessagesRendered, markStreamDone } from '../../lib/instrument'
