import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import type { Project, SearchGroup } from '../../api'
import { useProjects } from '../../stores/projects'
import { useSearch } from '../../stores/search'
import { SearchDialog } from './SearchDialog'
import type { makeApiMock } from '../../test/apiMock'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const proj = (id: string): Project => ({
  id, name: id, description: '', template: '', sandboxId: '', sandboxState: 'none',
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', lastActivityAt: '2026-01-01T00:00:00Z',
})

const groups: SearchGroup[] = [
  {
    projectId: 'p1', projectName: 'Weather',
    hits: [
      { kind: 'project', snippet: '\u0002Weather\u0003 app', messageId: '', seq: 0, path: '', line: 0 },
      { kind: 'file', snippet: 'def \u0002weather\u0003():', messageId: '', seq: 0, path: 'src/w.py', line: 12 },
    ],
  },
  {
    projectId: 'p2', projectName: 'Notes <b>bold</b>',
    hits: [{ kind: 'message', snippet: '<img src=x onerror="window.pwned=1"> \u0002weather\u0003 talk', messageId: 'm9', seq: 9, path: '', line: 0 }],
  },
]

beforeEach(() => {
  vi.clearAllMocks()
  useSearch.setState({ open: true, query: '', groups: [], answered: '', loading: false, error: null, active: 0, jump: null, reveal: null })
  useProjects.setState({ projects: [proj('p1'), proj('p2')], currentId: 'p1', loaded: true })
  m.projects.select.mockImplementation(async (id: string) => proj(id))
  m.search.query.mockResolvedValue(groups)
})

async function typeQuery(text: string) {
  const user = userEvent.setup()
  render(<SearchDialog />)
  await user.type(screen.getByTestId('search-input'), text)
  await screen.findAllByTestId('search-hit')
  return user
}

describe('SearchDialog', () => {
  it('shows hits grouped by project with the matched words marked, as text only', async () => {
    await typeQuery('weather')
    expect(m.search.query).toHaveBeenLastCalledWith('weather')
    const gs = screen.getAllByTestId('search-group')
    expect(gs.map((g) => g.getAttribute('aria-label'))).toEqual(['Weather', 'Notes <b>bold</b>'])
    expect(within(gs[0]).getAllByTestId('search-hit')).toHaveLength(2)
    expect(within(gs[0]).getByText('src/w.py:12', { exact: false })).toBeInTheDocument()
    const marks = document.querySelectorAll('[data-testid="search-dialog"] mark')
    expect([...marks].map((x) => x.textContent)).toEqual(['Weather', 'weather', 'weather'])
    // Markup in a snippet or a name is shown, never parsed.
    expect(document.querySelector('[data-testid="search-dialog"] img')).toBeNull()
    expect(document.querySelector('[data-testid="search-dialog"] b')).toBeNull()
    expect(screen.getByText(/<img src=x onerror/)).toBeInTheDocument()
  })

  it('moves with the arrow keys and opens the highlighted hit with Enter', async () => {
    const user = await typeQuery('weather')
    const hits = () => screen.getAllByTestId('search-hit')
    expect(hits()[0]).toHaveAttribute('aria-selected', 'true')
    await user.keyboard('{ArrowDown}{ArrowDown}')
    expect(hits()[2]).toHaveAttribute('aria-selected', 'true')
    expect(screen.getByTestId('search-input')).toHaveAttribute('aria-activedescendant', hits()[2].id)
    await user.keyboard('{ArrowDown}')
    expect(hits()[0]).toHaveAttribute('aria-selected', 'true')
    await user.keyboard('{ArrowUp}')
    expect(hits()[2]).toHaveAttribute('aria-selected', 'true')
  })

  it('Enter opens the message: the dialog closes and the project switches', async () => {
    const user = await typeQuery('weather')
    await user.keyboard('{ArrowUp}')
    m.chat.history.mockResolvedValue({ messages: [{ id: 'm9', projectId: 'p2', seq: 9, role: 'user', content: 'weather', status: 'done', createdAt: '' }], hasMore: false })
    await user.keyboard('{Enter}')
    expect(useSearch.getState().open).toBe(false)
    expect(useProjects.getState().currentId).toBe('p2')
    await waitFor(() => expect(useSearch.getState().jump).toMatchObject({ projectId: 'p2', messageId: 'm9' }))
  })

  it('Escape closes it', async () => {
    const user = await typeQuery('weather')
    await user.keyboard('{Escape}')
    expect(useSearch.getState().open).toBe(false)
    expect(screen.queryByTestId('search-dialog')).toBeNull()
  })

  it('opens with the focus in the field and the last query selected', async () => {
    useSearch.setState({ query: 'weather' })
    render(<SearchDialog />)
    const input = screen.getByTestId('search-input') as HTMLInputElement
    await waitFor(() => expect(input).toHaveFocus())
    expect([input.selectionStart, input.selectionEnd]).toEqual([0, 7])
  })

  it('says when nothing matches', async () => {
    m.search.query.mockResolvedValue([])
    const user = userEvent.setup()
    render(<SearchDialog />)
    await user.type(screen.getByTestId('search-input'), 'zzz')
    expect(await screen.findByTestId('search-empty')).toHaveTextContent('Nothing matches “zzz”.')
  })
})
