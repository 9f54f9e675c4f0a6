import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { filesApi } from '../api/files'
import { FakeFolder } from '../test/fakeFolder'
import { DRAFTS_KEY, filesOf, hasDrafts, readKept, restoreKept, useFiles, visibleRows } from './files'
import { useToasts } from './toast'

vi.mock('../api/files', () => ({ filesApi: {} }))

let folder: FakeFolder
const P = 'p1'
const s = () => useFiles.getState()

beforeEach(() => {
  folder = new FakeFolder({ 'app.py': 'print(1)\n', 'src/lib/a.ts': 'a\n', 'src/b.ts': 'b\n', 'README.md': '# hi\n' })
  Object.assign(filesApi, folder.api)
  useFiles.setState({ byProject: {}, savedNonce: {}, shown: {} })
  useToasts.setState({ toasts: [] })
})
afterEach(() => vi.useRealTimers())

describe('visibleRows', () => {
  const entries = [
    { path: 'README.md', dir: false, size: 1 },
    { path: 'app.py', dir: false, size: 1 },
    { path: 'src', dir: true, size: 0 },
    { path: 'src/b.ts', dir: false, size: 1 },
    { path: 'src/lib', dir: true, size: 0 },
    { path: 'src/lib/a.ts', dir: false, size: 1 },
  ]
  it.each([
    { name: 'folders first, closed folders hide their files', expanded: {}, query: '', want: ['src', 'app.py', 'README.md'] },
    { name: 'an open folder shows its folders then files, indented', expanded: { src: true }, query: '', want: ['src', '  lib', '  b.ts', 'app.py', 'README.md'] },
    { name: 'a search shows the matches with their folders, open', expanded: {}, query: 'A.T', want: ['src', '  lib', '    a.ts'] },
    { name: 'a search that matches nothing shows nothing', expanded: {}, query: 'zzz', want: [] },
  ] as { name: string; expanded: Record<string, boolean>; query: string; want: string[] }[])('$name', ({ expanded, query, want }) => {
    expect(visibleRows(entries, expanded, query).map((r) => '  '.repeat(r.depth) + r.name)).toEqual(want)
  })
})

describe('files store', () => {
  it('loads the tree and opens a file in a tab', async () => {
    await s().loadTree(P)
    expect(filesOf(s(), P).entries.map((e) => e.path)).toContain('src/lib/a.ts')
    await s().open(P, 'app.py')
    await s().open(P, 'src/b.ts')
    const p = filesOf(s(), P)
    expect(p.tabs).toEqual(['app.py', 'src/b.ts'])
    expect(p.active).toBe('src/b.ts')
    expect(p.files['app.py']).toMatchObject({ content: 'print(1)\n', draft: null, loading: false })
  })

  it('an edit is a draft until saved; saving writes it, clears it and tells the preview to reload', async () => {
    await s().open(P, 'app.py')
    s().edit(P, 'app.py', 'print(2)\n')
    expect(hasDrafts(filesOf(s(), P))).toBe(true)
    expect(await s().save(P, 'app.py')).toBe(true)
    expect(folder.saves).toEqual([{ path: 'app.py', content: 'print(2)\n' }])
    expect(filesOf(s(), P).files['app.py']).toMatchObject({ content: 'print(2)\n', draft: null, saving: false })
    // Ctrl+S shows that it saved (the editor's "Saved at …").
    expect(Date.parse(filesOf(s(), P).files['app.py'].savedAt ?? '')).not.toBeNaN()
    expect(s().savedNonce[P]).toBe(1)
    // Typing back the saved text is no draft; saving without a draft does nothing.
    s().edit(P, 'app.py', 'print(2)\n')
    expect(await s().save(P, 'app.py')).toBe(false)
    expect(folder.saves).toHaveLength(1)
  })

  it('a failed save keeps the draft and says why', async () => {
    await s().open(P, 'app.py')
    s().edit(P, 'app.py', 'print(3)\n')
    folder.failSave = 'Tessera could not write app.py. Check the disk has space.'
    expect(await s().save(P, 'app.py')).toBe(false)
    expect(filesOf(s(), P).files['app.py']).toMatchObject({ draft: 'print(3)\n', error: folder.failSave })
    expect(useToasts.getState().toasts.at(-1)?.message).toBe(folder.failSave)
  })

  it('a save the sandbox could not take warns, and does not reload the preview', async () => {
    folder.synced = false
    await s().open(P, 'app.py')
    s().edit(P, 'app.py', 'x')
    await s().save(P, 'app.py')
    expect(s().savedNonce[P]).toBeUndefined()
  })

  it('drafts and tabs are kept on this computer and come back after a restart', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await s().open(P, 'app.py')
    await s().open(P, 'src/b.ts')
    s().edit(P, 'app.py', 'print("unsaved")\n')
    vi.advanceTimersByTime(300)
    expect(readKept()[P]).toMatchObject({ tabs: ['app.py', 'src/b.ts'], drafts: { 'app.py': { draft: 'print("unsaved")\n', base: 'print(1)\n' } } })
    // A restart: the store starts empty, the project's tabs and draft come back.
    useFiles.setState({ byProject: {} })
    const back = restoreKept(P)
    expect(back.tabs).toEqual(['app.py', 'src/b.ts'])
    expect(back.files['app.py']).toMatchObject({ draft: 'print("unsaved")\n', content: 'print(1)\n' })
    await s().open(P, 'app.py')
    expect(filesOf(s(), P).files['app.py']).toMatchObject({ draft: 'print("unsaved")\n', stale: false, size: 9 })
  })

  it('a kept draft whose file changed while the app was closed comes back stale', async () => {
    await s().open(P, 'app.py')
    s().edit(P, 'app.py', 'mine')
    s().close(P, 'README.md') // writes at once
    useFiles.setState({ byProject: {} })
    folder.files.set('app.py', 'changed meanwhile')
    await s().open(P, 'app.py')
    expect(filesOf(s(), P).files['app.py']).toMatchObject({ draft: 'mine', content: 'changed meanwhile', stale: true })
  })

  it('leaving the page keeps the last keystrokes at once', async () => {
    await s().open(P, 'app.py')
    s().edit(P, 'app.py', 'typed just before quitting')
    expect(readKept()[P]?.drafts?.['app.py']).toBeUndefined() // not yet: written a moment later
    window.dispatchEvent(new Event('pagehide'))
    expect(readKept()[P].drafts['app.py'].draft).toBe('typed just before quitting')
  })

  it('switching projects keeps each one its own drafts', async () => {
    await s().open(P, 'app.py')
    s().edit(P, 'app.py', 'one')
    await s().open('p2', 'app.py')
    expect(filesOf(s(), 'p2').files['app.py'].draft).toBeNull()
    expect(filesOf(s(), P).files['app.py'].draft).toBe('one')
  })

  it('a broken kept value is ignored, not fatal', () => {
    localStorage.setItem(DRAFTS_KEY, '{not json')
    expect(readKept()).toEqual({})
    localStorage.setItem(DRAFTS_KEY, JSON.stringify({ [P]: { tabs: 'x', drafts: { 'a.py': { draft: 3 } } } }))
    expect(restoreKept(P).tabs).toEqual([])
  })

  it('closing a tab drops its draft and shows the neighbour', async () => {
    await s().open(P, 'app.py')
    await s().open(P, 'src/b.ts')
    await s().open(P, 'README.md')
    s().activate(P, 'src/b.ts')
    s().edit(P, 'src/b.ts', 'changed')
    s().close(P, 'src/b.ts')
    const p = filesOf(s(), P)
    expect(p.tabs).toEqual(['app.py', 'README.md'])
    expect(p.active).toBe('README.md')
    expect(readKept()[P].drafts).toEqual({})
  })

  it('create opens a new file in its folder; an existing name is refused with the sentence', async () => {
    expect(await s().create(P, 'src/new.py', false)).toBe(true)
    expect(filesOf(s(), P)).toMatchObject({ active: 'src/new.py', expanded: { src: true } })
    expect(folder.files.get('src/new.py')).toBe('')
    expect(await s().create(P, 'app.py', false)).toBe(false)
    expect(useToasts.getState().toasts.at(-1)?.message).toBe('app.py already exists; choose another name.')
  })

  it('rename moves open tabs and drafts with the folder', async () => {
    await s().open(P, 'src/lib/a.ts')
    s().edit(P, 'src/lib/a.ts', 'draft')
    s().toggle(P, 'src/lib')
    expect(await s().rename(P, 'src', 'web')).toBe(true)
    const p = filesOf(s(), P)
    expect(p.expanded).toEqual({ 'web/lib': true })
    expect(p.tabs).toEqual(['web/lib/a.ts'])
    expect(p.active).toBe('web/lib/a.ts')
    expect(p.files['web/lib/a.ts'].draft).toBe('draft')
    expect(p.entries.map((e) => e.path)).toContain('web/lib/a.ts')
  })

  it('delete closes the tabs of what went', async () => {
    await s().open(P, 'src/b.ts')
    await s().open(P, 'app.py')
    expect(await s().remove(P, 'src')).toBe(true)
    expect(filesOf(s(), P).tabs).toEqual(['app.py'])
    expect(filesOf(s(), P).entries.some((e) => e.path.startsWith('src'))).toBe(false)
  })

  it('refresh reads open files again but keeps drafts', async () => {
    await s().open(P, 'app.py')
    await s().open(P, 'src/b.ts')
    s().edit(P, 'src/b.ts', 'mine')
    folder.files.set('app.py', 'print("from the model")\n')
    folder.files.set('src/b.ts', 'theirs')
    await s().refresh(P)
    expect(filesOf(s(), P).files['app.py']).toMatchObject({ content: 'print("from the model")\n', stale: false })
    // The draft stays, marked: saving it would replace what the model wrote.
    expect(filesOf(s(), P).files['src/b.ts']).toMatchObject({ draft: 'mine', content: 'theirs', stale: true })
    await s().save(P, 'src/b.ts')
    expect(filesOf(s(), P).files['src/b.ts']).toMatchObject({ draft: null, content: 'mine', stale: false })
  })

  it('the wrap choice is kept', () => {
    s().setWrap(true)
    expect(localStorage.getItem('tessera.editor.wrap')).toBe('1')
  })
})
