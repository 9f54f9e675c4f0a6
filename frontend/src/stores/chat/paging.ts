// History paging: the chat loads its newest page, older pages come when the
// person scrolls up, and a reload merges the newest page without throwing
// away the older pages already loaded.
import * as api from '../../api'
import { toApiError } from '../../api'
import { initialTab } from './reducer'
import type { PagingSlice, ProjectChat, StoreTools } from './types'

type Paged = Pick<ProjectChat, 'messages' | 'hasMore' | 'oldestSeq'>

/** What a chat looks like after its newest page is loaded (nothing older kept). */
export function fromNewestPage(page: api.HistoryPage): Paged {
  const messages = page.messages
  return { messages, hasMore: page.hasMore && messages.length > 0, oldestSeq: messages[0]?.seq ?? 0 }
}

/**
 * Merges a freshly fetched newest page into the loaded chat: the older
 * messages already loaded (below the page) are kept, so a reload after
 * Undo or Retry does not throw away what the person scrolled through.
 * When the page is the whole chat, it replaces everything.
 */
export function mergeNewestPage(cur: Paged, page: api.HistoryPage): Paged {
  const fresh = fromNewestPage(page)
  if (!fresh.hasMore) return fresh
  const kept = cur.messages.filter((m) => m.seq < fresh.oldestSeq)
  if (kept.length === 0) return fresh
  return { messages: [...kept, ...fresh.messages], hasMore: cur.hasMore, oldestSeq: cur.oldestSeq }
}

/** Prepends an older page, skipping messages already loaded. */
export function prependPage(cur: Paged, page: api.HistoryPage): Paged {
  const have = new Set(cur.messages.map((m) => m.id))
  const older = page.messages.filter((m) => !have.has(m.id) && (cur.oldestSeq <= 0 || m.seq < cur.oldestSeq))
  if (older.length === 0) return { messages: cur.messages, hasMore: false, oldestSeq: cur.oldestSeq }
  return { messages: [...older, ...cur.messages], hasMore: page.hasMore, oldestSeq: older[0].seq }
}

/** The newest page of a project's history. */
export function fetchNewest(projectId: string): Promise<api.HistoryPage> {
  return api.chat.history({ projectId, beforeSeq: 0, limit: api.HISTORY_PAGE })
}

/** Fetches the newest page again and merges it into the loaded chat (keeps older loaded pages). */
export async function refreshNewest({ patchChat }: StoreTools, projectId: string): Promise<void> {
  const page = await fetchNewest(projectId)
  // A request started meanwhile owns the list until it settles.
  patchChat(projectId, (cur) => (cur.run ? {} : mergeNewestPage(cur, page)))
}

export function pagingSlice({ get, patchChat }: StoreTools): PagingSlice {
  return {
    load: async (projectId, force = false) => {
      const c = get().chats[projectId]
      if (c && (c.loading || (c.loaded && !force) || c.run)) return
      patchChat(projectId, { loading: true, loadError: null })
      try {
        // Only the newest page: older messages come with loadOlder (scrolling up).
        const fresh = fromNewestPage(await fetchNewest(projectId))
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
  }
}
