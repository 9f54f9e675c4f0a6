import { render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../api'
import type { Project } from '../api'
import { ShortcutsHelp } from '../components/ShortcutsHelp'
import { emptyChat, newRun, useChat } from '../stores/chat'
import { useProjects } from '../stores/projects'
import { useSearch } from '../stores/search'
import { useUI } from '../stores/ui'
import { installShortcuts, shortcuts, type ShortcutId } from './shortcuts'
import type { makeApiMock } from '../test/apiMock'

vi.mock('../api', async (importOriginal) => {
  const { makeApiMock } = await import('../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const proj = (id: string): Project => ({
  id, name: id, description: '', template: '', sandboxId: '', sandboxState: 'none',
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', lastActivityAt: '2026-01-01T00:00:00Z',
})

/** What each shortcut must do: the state before, then the check after its key. */
const expectations: Record<ShortcutId, { before?: () => void; after: () => void | Promise<void> }> = {
  search: { after: () => expect(useSearch.getState().open).toBe(true) },
  newProject: { after: () => expect(useUI.getState().createOpen).toBe(true) },
  settings: { after: () => expect(useUI.getState().settingsOpen).toBe(true) },
  send: {
    before: () => useChat.setState({ drafts: { p1: 'make a clock' }, model: { providerId: 'openai', modelId: 'gpt' } }),
    after: async () => {
      await waitFor(() => expect(m.chat.send).toHaveBeenCalledTimes(1))
      expect(m.chat.send.mock.calls[0][0]).toMatchObject({ projectId: 'p1', text: 'make a clock' })
    },
  },
  stop: {
    before: () => useChat.setState({ chats: { p1: { ...emptyChat(), loaded: true, run: newRun('req-1', 'send') } } }),
    after: () => expect(m.chat.stop).toHaveBeenCalledWith('req-1'),
  },
  nextProject: { after: () => expect(useProjects.getState().currentId).toBe('p2') },
  previousProject: { after: () => expect(useProjects.getState().currentId).toBe('p3') },
  projectN: { after: () => expect(useProjects.getState().currentId).toBe('p2') },
  help: { after: () => expect(useUI.getState().helpOpen).toBe(true) },
}

let uninstall: () => void = () => {}

beforeEach(() => {
  vi.clearAllMocks()
  useProjects.setState({ projects: [proj('p1'), proj('p2'), proj('p3')], currentId: 'p1', loaded: true })
  useUI.setState({ createOpen: false, settingsOpen: false, helpOpen: false })
  useSearch.setState({ open: false })
  useChat.setState({ chats: {}, drafts: {}, model: null })
  m.projects.select.mockImplementation(async (id: string) => proj(id))
  uninstall = installShortcuts()
})
afterEach(() => uninstall())

describe('keyboard shortcuts', () => {
  it('has a check for every listed shortcut', () => {
    expect(shortcuts().map((s) => s.id).sort()).toEqual(Object.keys(expectations).sort())
  })

  it.each(shortcuts().map((s) => [s.id, s] as const))('%s triggers its action', async (id, s) => {
    expectations[id].before?.()
    const ev = new KeyboardEvent('keydown', { ...s.example, bubbles: true, cancelable: true })
    document.body.dispatchEvent(ev)
    expect(ev.defaultPrevented).toBe(true)
    await expectations[id].after()
  })

  it('works while typing in a field', () => {
    const input = document.createElement('textarea')
    document.body.append(input)
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true, bubbles: true, cancelable: true }))
    expect(useSearch.getState().open).toBe(true)
    // "?" is a character there, not the help sheet.
    input.dispatchEvent(new KeyboardEvent('keydown', { key: '?', shiftKey: true, bubbles: true, cancelable: true }))
    expect(useUI.getState().helpOpen).toBe(false)
    input.remove()
  })

  it('"?" outside a field opens the help sheet; plain keys and a handled Enter do nothing', () => {
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', bubbles: true, cancelable: true }))
    expect(useSearch.getState().open).toBe(false)
    const handled = new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true })
    handled.preventDefault() // the message box already sent it
    document.body.dispatchEvent(handled)
    expect(m.chat.send).not.toHaveBeenCalled()
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '?', shiftKey: true, bubbles: true, cancelable: true }))
    expect(useUI.getState().helpOpen).toBe(true)
  })

  it('Ctrl+/ opens the help sheet also where "/" needs Shift', () => {
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '/', ctrlKey: true, shiftKey: true, bubbles: true, cancelable: true }))
    expect(useUI.getState().helpOpen).toBe(true)
  })

  it('the help sheet lists every shortcut with its keys', () => {
    useUI.setState({ helpOpen: true })
    render(<ShortcutsHelp />)
    const rows = screen.getAllByTestId('shortcut-row')
    expect(rows.map((r) => r.dataset.shortcut)).toEqual(shortcuts().map((s) => s.id))
    const search = rows.find((r) => r.dataset.shortcut === 'search')!
    expect(search).toHaveTextContent('Search everything')
    expect(search).toHaveTextContent('Ctrl+K')
  })
})
