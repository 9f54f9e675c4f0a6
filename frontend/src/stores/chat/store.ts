import { create } from 'zustand'
import { actionsSlice, templateOf } from './actions'
import { draftsSlice } from './drafts'
import { pagingSlice } from './paging'
import { emptyChat } from './reducer'
import type { ChatStoreState, StoreTools } from './types'

/** The chat store: one zustand store made of the drafts, paging and actions slices. */
export const useChat = create<ChatStoreState>((set, get) => {
  const tools: StoreTools = {
    set,
    get,
    patchChat: (projectId, p) =>
      set((s) => {
        const c = s.chats[projectId] ?? emptyChat()
        const delta = typeof p === 'function' ? p(c) : p
        return { chats: { ...s.chats, [projectId]: { ...c, ...delta } } }
      }),
  }
  return {
    chats: {},
    ...draftsSlice(tools),
    ...pagingSlice(tools),
    ...actionsSlice(tools),
  }
})

/** The template chosen for a project ('' = Auto), falling back to the project's own. */
export function templateFor(projectId: string): string {
  return templateOf(useChat.getState().templates, projectId)
}
