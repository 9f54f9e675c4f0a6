// The chat's lines about the project's files (issue 29, item 4): after a
// restore or an undo, an answer above may say "the button is green now"
// over a purple app. The versions' own history (restore and undo commits)
// says what the files became and when; each such version is a line in the
// chat at its time, so the story stays true after a reload too. Pure.
import type { Message } from '../api'
import { toApiError } from '../api/errors'
import type { Version } from '../api/versions'

export interface FileLine {
  /** The version's id. */
  id: string
  kind: 'restore' | 'undo'
  /** The chat message it follows (the last one before it). */
  afterMessageId: string
  /** What the files now are, in one sentence. */
  text: string
  time: string
}

const STORY_KINDS = new Set(['restore', 'undo'])

/** The model trailer of the version an agent turn's Undo makes (backend agent.ModelUndo). */
const AGENT_UNDO = 'undo'

/** The files an agent turn's Undo put back, named (a few) or counted. */
function agentFiles(paths: string[]): string {
  if (paths.length === 0) return 'The files that turn changed'
  const named = paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more`
  return `The files that turn changed (${named})`
}

/** The version message's first line, without a closing period (a sentence is built around it). */
function subject(v: Version): string {
  return v.message.split('\n', 1)[0].trim().replace(/\.$/, '')
}

/**
 * The lines to show among messages (oldest first): one per restore or undo
 * version newer than the first loaded message, after the last message
 * older than it. versions: as History returns them (newest first).
 */
export function fileLines(messages: Message[], versions: Version[]): FileLine[] {
  if (messages.length === 0) return []
  // A version's time is git's, in whole seconds: messages are compared at
  // the same grain, or an undo in the second of the first message is lost.
  const sec = (m: Message) => Math.floor(Date.parse(m.createdAt) / 1000) * 1000
  const start = sec(messages[0])
  const out: FileLine[] = []
  for (const v of [...versions].reverse()) {
    if (!STORY_KINDS.has(v.kind)) continue
    const t = Date.parse(v.time)
    if (Number.isNaN(t) || t < start) continue
    let after: Message | undefined
    for (const m of messages) {
      if (sec(m) <= t) after = m
      else break
    }
    if (!after) continue
    const text =
      v.kind === 'restore'
        ? `${subject(v)}. The project's files are now those of that version; what answers above say about them may no longer hold.`
        : v.model === AGENT_UNDO
          ? `${subject(v)}. ${agentFiles(v.filesChanged ?? [])} are back to what they were before that turn; the project's other files are as they were.`
          : `${subject(v)}. The project's files are now those of the version before that answer.`
    out.push({ id: v.id, kind: v.kind as FileLine['kind'], afterMessageId: after.id, text, time: v.time })
  }
  return out
}

/**
 * The backend's sentence when Undo of an agent turn was refused because the
 * person edited one of its files since (nothing changed; "Restore anyway"
 * undoes over the edit), else null.
 */
export function editedSince(e: unknown): string | null {
  const err = toApiError(e)
  return err.code === 'conflict' && err.field === 'anyway' ? err.message : null
}

/** Undo's sentence, from what it did to the files (UndoResult.files), never from a guess. */
export function undoSentence(r: { restored: boolean; files?: string; agent?: boolean }): string {
  if (r.agent) {
    return r.files === 'already'
      ? "The agent's turn was removed. The files it had changed were already back to what they were before it, so they stay as they are. Redo brings it back."
      : "The agent's turn was undone: the files it changed are back to what they were before it; your other files are as they were. Redo brings it back."
  }
  switch (r.files ?? (r.restored ? 'restored' : '')) {
    case 'restored':
      return 'The last exchange was undone and the files are back to the version before it. Redo brings it back.'
    case 'already':
      return 'The last exchange was removed. The files it had changed were already back to the version before it (restored in between), so they stay as they are. Redo brings it back.'
    case 'unchanged':
      return 'The last exchange was removed; it had not changed the files. Redo brings it back.'
    default:
      return 'The last exchange was removed. Redo brings it back.'
  }
}
