/** The markers the backend puts around each matched term of a search snippet. */
export const MARK_START = '\u0002'
export const MARK_END = '\u0003'

export interface SnippetPart {
  text: string
  match: boolean
}

/**
 * Splits a marked snippet into plain-text parts, matched or not. The page
 * renders each part as text, so nothing in a snippet is ever HTML. A stray
 * or unbalanced marker is dropped rather than shown.
 */
export function splitSnippet(snippet: string): SnippetPart[] {
  const out: SnippetPart[] = []
  let match = false
  let buf = ''
  const flush = () => {
    if (!buf) return
    const last = out[out.length - 1]
    if (last && last.match === match) last.text += buf
    else out.push({ text: buf, match })
    buf = ''
  }
  for (const ch of snippet) {
    if (ch === MARK_START || ch === MARK_END) {
      flush()
      match = ch === MARK_START
      continue
    }
    buf += ch
  }
  flush()
  return out
}
