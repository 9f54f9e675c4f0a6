import { useEffect } from 'react'
import type { RefObject } from 'react'
import type { Message } from '../../api'
import { useSearch } from '../../stores/search'

/** How long a message opened from search stays highlighted. */
export const JUMP_FLASH_MS = 2000

/**
 * Scrolls the message a search result opened into view and highlights it
 * briefly (data-search-hit on its row). The list renders only its newest
 * rows: when the message is above them, more rows are rendered first
 * (showRows) and the jump happens on the next render. The search store has
 * already fetched the page that holds it.
 */
export function useMessageJump(
  projectId: string,
  list: Message[],
  shownRows: number,
  showRows: (n: number) => void,
  scroller: RefObject<HTMLDivElement | null>,
) {
  const jump = useSearch((s) => s.jump)
  const clearJump = useSearch((s) => s.clearJump)
  useEffect(() => {
    if (!jump || jump.projectId !== projectId) return
    const idx = list.findIndex((m) => m.id === jump.messageId)
    if (idx < 0) return
    const needed = list.length - idx
    if (needed > shownRows) {
      showRows(needed)
      return
    }
    const row = scroller.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(jump.messageId)}"]`)
    if (!row) return
    clearJump(jump.nonce)
    row.scrollIntoView?.({ block: 'center' })
    row.dataset.searchHit = 'true'
    setTimeout(() => delete row.dataset.searchHit, JUMP_FLASH_MS)
  }, [jump, projectId, list, shownRows, showRows, scroller, clearJump])
}
