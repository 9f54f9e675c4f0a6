import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { EditorView } from '@codemirror/view'
import { filesApi } from '../../api/files'
import { FakeFolder } from '../../test/fakeFolder'
import { filesOf, useFiles } from '../../stores/files'
import { WebPreview } from '../preview/WebPreview'
import { Explorer } from './Explorer'
import { fileKind } from './FileTree'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
vi.mock('../../api/files', () => ({ filesApi: {} }))

const P = 'p1'
let folder: FakeFolder

beforeEach(() => {
  folder = new FakeFolder({ 'app.py': 'print(1)\n', 'src/lib/a.ts': 'export const a = 1\n', 'data.csv': 'x,y\n' })
  Object.assign(filesApi, folder.api)
  useFiles.setState({ byProject: {}, savedNonce: {}, shown: {} })
})

const row = (path: string) => screen.getAllByTestId('tree-row').find((r) => r.dataset.path === path)
const rows = () => screen.queryAllByTestId('tree-row').map((r) => r.dataset.path)

describe('Explorer', () => {
  it('lists the whole project, opens folders and files in tabs', async () => {
    const user = userEvent.setup()
    render(<Explorer projectId={P} />)
    await waitFor(() => expect(rows()).toEqual(['src', 'app.py', 'data.csv']))
    await user.click(row('src')!)
    await user.click(row('src/lib')!)
    expect(rows()).toEqual(['src', 'src/lib', 'src/lib/a.ts', 'app.py', 'data.csv'])
    await user.click(row('src/lib/a.ts')!)
    await waitFor(() => expect(screen.getByTestId('editor-text')).toHaveTextContent('export const a = 1'))
    await user.click(row('app.py')!)
    await waitFor(() => expect(screen.getByTestId('editor-text')).toHaveTextContent('print(1)'))
    expect(screen.getAllByTestId('editor-tab').map((t) => t.dataset.path)).toEqual(['src/lib/a.ts', 'app.py'])
  })

  it('shows a symbolic link as a link and never opens it', async () => {
    const user = userEvent.setup()
    folder.links.set('outside', '/etc')
    render(<Explorer projectId={P} />)
    await waitFor(() => expect(rows()).toContain('outside'))
    const link = row('outside')!
    expect(link.dataset.link).toBe('true')
    expect(within(link).getByLabelText('link')).toBeInTheDocument()
    expect(link).toHaveTextContent('→ /etc')
    await user.click(link)
    expect(screen.queryAllByTestId('editor-tab')).toHaveLength(0)
  })

  it('finds files by name', async () => {
    const user = userEvent.setup()
    render(<Explorer projectId={P} />)
    await waitFor(() => expect(rows()).toHaveLength(3))
    await user.type(screen.getByTestId('tree-search'), 'a.t')
    expect(rows()).toEqual(['src', 'src/lib', 'src/lib/a.ts'])
    await user.clear(screen.getByTestId('tree-search'))
    await user.type(screen.getByTestId('tree-search'), 'nothing')
    expect(screen.getByTestId('tree-empty')).toHaveTextContent('No file name contains “nothing”.')
  })

  it('makes a file in the folder of the file shown, and opens it', async () => {
    const user = userEvent.setup()
    render(<Explorer projectId={P} />)
    await waitFor(() => expect(rows()).toHaveLength(3))
    await user.click(row('src')!)
    await user.click(row('src/lib')!)
    await user.click(row('src/lib/a.ts')!)
    await user.click(screen.getByTestId('tree-new-file'))
    const input = screen.getByTestId('tree-new-input') as HTMLInputElement
    expect(input.value).toBe('src/lib/')
    await user.type(input, 'b.ts{Enter}')
    await waitFor(() => expect(folder.files.has('src/lib/b.ts')).toBe(true))
    await waitFor(() => expect(filesOf(useFiles.getState(), P).active).toBe('src/lib/b.ts'))
  })

  it('renames in place; Escape changes nothing', async () => {
    const user = userEvent.setup()
    render(<Explorer projectId={P} />)
    await waitFor(() => expect(rows()).toHaveLength(3))
    await user.click(within(row('app.py')!).getByTestId('tree-rename'))
    await user.keyboard('{Escape}')
    expect(folder.files.has('app.py')).toBe(true)
    await user.click(within(row('app.py')!).getByTestId('tree-rename'))
    const input = screen.getByTestId('tree-rename-input')
    await user.clear(input)
    await user.type(input, 'main.py{Enter}')
    await waitFor(() => expect(rows()).toContain('main.py'))
    expect(folder.files.has('app.py')).toBe(false)
  })

  it('works from the keyboard: Enter opens, F2 renames, Delete asks', async () => {
    const user = userEvent.setup()
    render(<Explorer projectId={P} />)
    await waitFor(() => expect(rows()).toHaveLength(3))
    row('src')!.focus()
    await user.keyboard('{Enter}')
    expect(rows()).toContain('src/lib')
    row('app.py')!.focus()
    await user.keyboard('{Enter}')
    await waitFor(() => expect(screen.getByTestId('editor-text')).toHaveTextContent('print(1)'))
    row('data.csv')!.focus()
    await user.keyboard('{F2}')
    expect(screen.getByTestId('tree-rename-input')).toHaveValue('data.csv')
    await user.keyboard('{Escape}')
    row('data.csv')!.focus()
    await user.keyboard('{Delete}')
    expect(await screen.findByText('Delete data.csv?')).toBeInTheDocument()
  })

  it('deletes only after the confirmation', async () => {
    const user = userEvent.setup()
    render(<Explorer projectId={P} />)
    await waitFor(() => expect(rows()).toHaveLength(3))
    await user.click(within(row('src')!).getByTestId('tree-delete'))
    expect(await screen.findByText('Delete the folder src?')).toBeInTheDocument()
    await user.click(screen.getByText('Cancel'))
    expect(folder.files.has('src/lib/a.ts')).toBe(true)
    await user.click(within(row('src')!).getByTestId('tree-delete'))
    await user.click(await screen.findByTestId('tree-delete-confirm'))
    await waitFor(() => expect(rows()).toEqual(['app.py', 'data.csv']))
    expect(folder.files.has('src/lib/a.ts')).toBe(false)
  })

  it('an unsaved tab shows so, saves from the button, and asks before closing', async () => {
    const user = userEvent.setup()
    render(<Explorer projectId={P} />)
    await waitFor(() => expect(rows()).toHaveLength(3))
    await user.click(row('app.py')!)
    await waitFor(() => expect(screen.getByTestId('editor-text')).toHaveTextContent('print(1)'))
    expect(screen.getByTestId('editor-save')).toBeDisabled()
    expect(screen.queryByTestId('editor-saved')).toBeNull()
    useFiles.getState().edit(P, 'app.py', 'print(2)\n')
    await waitFor(() => expect(screen.getByTestId('editor-tab')).toHaveAttribute('data-dirty', 'true'))
    await user.click(screen.getByTestId('editor-tab-close'))
    expect(await screen.findByText('Close app.py without saving?')).toBeInTheDocument()
    await user.click(screen.getByText('Cancel'))
    await user.click(screen.getByTestId('editor-save'))
    await waitFor(() => expect(screen.getByTestId('editor-tab')).toHaveAttribute('data-dirty', 'false'))
    expect(folder.saves).toEqual([{ path: 'app.py', content: 'print(2)\n' }])
    // A save shows that it saved, beside the button; typing again hides it.
    expect(screen.getByTestId('editor-saved')).toHaveTextContent(/^Saved at /)
    act(() => useFiles.getState().edit(P, 'app.py', 'print(3)\n'))
    expect(screen.queryByTestId('editor-saved')).toBeNull()
    act(() => useFiles.getState().edit(P, 'app.py', 'print(2)\n'))
    await user.click(screen.getByTestId('editor-tab-close'))
    expect(screen.queryByTestId('editor-tab')).toBeNull()
  })

  it('typing in the editor makes a draft and Ctrl+S saves it', async () => {
    const user = userEvent.setup()
    render(<Explorer projectId={P} />)
    await waitFor(() => expect(rows()).toHaveLength(3))
    await user.click(row('app.py')!)
    const content = await screen.findByTestId('code-editor-content', {}, { timeout: 5000 })
    const view = EditorView.findFromDOM(content)!
    view.dispatch({ changes: { from: view.state.doc.length, insert: 'print(2)\n' }, userEvent: 'input.type' })
    await waitFor(() => expect(screen.getByTestId('editor')).toHaveAttribute('data-dirty', 'true'))
    expect(filesOf(useFiles.getState(), P).files['app.py'].draft).toBe('print(1)\nprint(2)\n')
    content.dispatchEvent(new KeyboardEvent('keydown', { key: 's', code: 'KeyS', ctrlKey: true, bubbles: true, cancelable: true }))
    await waitFor(() => expect(folder.saves).toEqual([{ path: 'app.py', content: 'print(1)\nprint(2)\n' }]))
    await waitFor(() => expect(screen.getByTestId('editor')).toHaveAttribute('data-dirty', 'false'))
  })

  it('the wrap toggle is pressed and kept', async () => {
    const user = userEvent.setup()
    render(<Explorer projectId={P} />)
    await user.click(screen.getByTestId('editor-wrap'))
    expect(screen.getByTestId('editor-wrap')).toHaveAttribute('aria-pressed', 'true')
    expect(useFiles.getState().wrap).toBe(true)
    await user.click(screen.getByTestId('editor-wrap'))
  })

  it('while an answer streams, shows the files being written', async () => {
    render(<Explorer projectId={P} stream={[{ path: 'app.py', content: 'print("live' }]} />)
    await waitFor(() => expect(screen.getByTestId('code-text')).toHaveTextContent('print("live'))
    expect(screen.queryByTestId('editor-save')).toBeNull()
  })

  it.each([
    ['app.py', 'code'],
    ['page.tsx', 'code'],
    ['App.vue', 'code'],
    ['package.json', 'json'],
    ['styles.css', 'style'],
    ['README.md', 'text'],
    ['data.csv', 'data'],
    ['logo.png', 'image'],
    ['LICENSE', 'file'],
  ])('icon of %s is %s', (name, kind) => {
    expect(fileKind(name)).toBe(kind)
  })
})

describe('WebPreview device sizes', () => {
  it('shows the app at phone, tablet and desktop size, and keeps the choice', async () => {
    const user = userEvent.setup()
    const { unmount } = render(<WebPreview url="https://3000-sbx.e2b.app" />)
    const box = () => screen.queryByTestId('preview-frame-box')
    // jsdom cannot keep frames away from bindings, so the frame box may be absent: the toggles still work.
    expect(screen.getByTestId('preview-device-desktop')).toHaveAttribute('aria-pressed', 'true')
    await user.click(screen.getByTestId('preview-device-phone'))
    expect(screen.getByTestId('preview-device-phone')).toHaveAttribute('aria-pressed', 'true')
    if (box()) expect(box()).toHaveAttribute('data-device', 'phone')
    unmount()
    render(<WebPreview url="https://3000-sbx.e2b.app" />)
    expect(screen.getByTestId('preview-device-phone')).toHaveAttribute('aria-pressed', 'true')
    await user.click(screen.getByTestId('preview-device-tablet'))
    expect(screen.getByTestId('preview-device-tablet')).toHaveAttribute('aria-pressed', 'true')
  })
})
