import { describe, expect, it } from 'vitest'
import type { Message } from '../api'
import type { Version } from '../api/versions'
import { ApiError } from '../api/errors'
import { editedSince, fileLines, undoSentence } from './fileStory'

const msg = (id: string, at: string, role: Message['role'] = 'assistant'): Message => ({
  id, projectId: 'p', seq: 1, role, content: '', status: 'done', createdAt: `2026-12-08T${at}:00Z`,
})
const ver = (id: string, at: string, kind: string, message: string): Version => ({
  id, time: `2026-12-08T${at}:00Z`, message, kind, messageId: '', model: '', restoredFrom: '', filesChanged: [], current: false, restorePoint: false, conflicts: [],
})

describe('fileLines', () => {
  const messages = [msg('u1', '04:00', 'user'), msg('a1', '04:01'), msg('u2', '04:05', 'user'), msg('a2', '04:06')]
  it('a restore is a line after the last message before it, saying what the files are now', () => {
    const lines = fileLines(messages, [
      ver('v3', '04:10', 'restore', 'Restored the version of 2026-12-08 04:01: Make it purple'),
      ver('v2', '04:06', 'turn', 'Make it green'),
      ver('v1', '04:01', 'turn', 'Make it purple'),
    ])
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ id: 'v3', kind: 'restore', afterMessageId: 'a2' })
    expect(lines[0].text).toBe(
      "Restored the version of 2026-12-08 04:01: Make it purple. The project's files are now those of that version; what answers above say about them may no longer hold.",
    )
  })
  it('an undo between turns sits where it happened; edits and turns are not lines', () => {
    const lines = fileLines(messages, [
      ver('v5', '04:06', 'turn', 'Make it green'),
      ver('v4', '04:04', 'undo', 'Undid: Make it blue (back to the version of 2026-12-08 04:01)'),
      ver('v3', '04:03', 'edit', 'Edited app.py'),
    ])
    expect(lines.map((l) => [l.id, l.afterMessageId])).toEqual([['v4', 'a1']])
    expect(lines[0].text).toMatch(/^Undid: Make it blue \(back to the version of 2026-12-08 04:01\)\. The project's files are now those of the version before that answer\.$/)
  })
  it("an agent turn's undo names the files it put back and says the others stayed", () => {
    const v = { ...ver('v6', '04:07', 'undo', "Undid the agent's turn: add a form"), model: 'undo', filesChanged: ['src/App.tsx', 'src/Form.tsx'] }
    const lines = fileLines(messages, [v])
    expect(lines.map((l) => [l.id, l.afterMessageId])).toEqual([['v6', 'a2']])
    expect(lines[0].text).toBe(
      "Undid the agent's turn: add a form. The files that turn changed (src/App.tsx, src/Form.tsx) are back to what they were before that turn; the project's other files are as they were.",
    )
    const many = fileLines(messages, [{ ...v, filesChanged: ['a', 'b', 'c', 'd', 'e'] }])
    expect(many[0].text).toContain('(a, b, c and 2 more)')
  })
  it('an undo in the same second as the first message (git keeps whole seconds) is still a line', () => {
    const first = { ...msg('u1', '04:00', 'user'), createdAt: '2026-12-08T04:00:00.700Z' }
    const lines = fileLines([first, { ...msg('a1', '04:00'), createdAt: '2026-12-08T04:00:00.800Z' }], [ver('v1', '04:00', 'undo', 'Undid: x')])
    expect(lines.map((l) => [l.id, l.afterMessageId])).toEqual([['v1', 'a1']])
  })
  it('nothing older than the loaded messages, nothing without messages', () => {
    expect(fileLines(messages, [ver('v0', '03:00', 'restore', 'Restored x')])).toEqual([])
    expect(fileLines([], [ver('v0', '05:00', 'restore', 'Restored x')])).toEqual([])
  })
})

describe('undoSentence', () => {
  it.each([
    [{ restored: true, files: 'restored' }, /files are back to the version before it/],
    [{ restored: false, files: 'already' }, /already back to the version before it \(restored in between\)/],
    [{ restored: false, files: 'unchanged' }, /it had not changed the files/],
    [{ restored: false }, /^The last exchange was removed\. Redo brings it back\.$/],
    [{ restored: true, files: 'restored', agent: true }, /files it changed are back to what they were before it; your other files are as they were/],
    [{ restored: false, files: 'already', agent: true }, /agent's turn was removed\. The files it had changed were already back/],
  ])('%j', (r, want) => {
    expect(undoSentence(r)).toMatch(want)
  })
  it('never says the files were not changed when Undo could not tell', () => {
    expect(undoSentence({ restored: false })).not.toMatch(/not changed/)
  })
})

describe('editedSince', () => {
  it("is the backend's sentence only for the conflict that Restore anyway answers", () => {
    expect(editedSince(new ApiError('conflict', 'a.txt changed after the agent\'s step.', { field: 'anyway' }))).toBe("a.txt changed after the agent's step.")
    expect(editedSince(new ApiError('conflict', 'Stop the running message first.'))).toBeNull()
    expect(editedSince(new ApiError('invalid', 'x', { field: 'anyway' }))).toBeNull()
  })
})
