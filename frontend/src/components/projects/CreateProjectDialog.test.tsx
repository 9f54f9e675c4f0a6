import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import { ApiError } from '../../api'
import type { makeApiMock } from '../../test/apiMock'
import { CreateProjectDialog } from './CreateProjectDialog'
import { useProjects } from '../../stores/projects'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>

const created = {
  id: 'n1', name: 'x', description: '', template: '', sandboxId: '', sandboxState: 'none',
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', lastActivityAt: '2026-01-01T00:00:00Z',
}

const gallery = [
  { id: 'streamlit-dashboard', name: 'Streamlit sales dashboard', stack: 'Streamlit, pandas', shows: 'A dashboard.', template: 'streamlit-developer', start: 'streamlit run app.py', entry: 'app.py', empty: false },
  { id: 'empty-gradio-developer', name: 'Empty Gradio developer project', stack: 'gradio', shows: 'Nothing yet.', template: 'gradio-developer', start: '', entry: 'app.py', empty: true },
]

beforeEach(() => {
  vi.clearAllMocks()
  useProjects.setState({ projects: [], currentId: null, starters: [], startersError: null })
})

function setup() {
  const onOpenChange = vi.fn()
  render(<CreateProjectDialog open onOpenChange={onOpenChange} />)
  return { onOpenChange, user: userEvent.setup() }
}

describe('CreateProjectDialog', () => {
  it('refuses an empty (or blank) name with an inline sentence', async () => {
    const { user } = setup()
    await user.type(screen.getByTestId('project-name-input'), '   ')
    await user.click(screen.getByTestId('project-create-submit'))
    expect(screen.getByText('Give the project a name.')).toBeInTheDocument()
    expect(screen.getByTestId('project-name-input')).toHaveAttribute('aria-invalid', 'true')
    expect(m.projects.create).not.toHaveBeenCalled()
  })

  it('refuses a 101-character name', async () => {
    const { user } = setup()
    await user.click(screen.getByTestId('project-name-input'))
    await user.paste('a'.repeat(101))
    await user.click(screen.getByTestId('project-create-submit'))
    expect(screen.getByText('A project name can have at most 100 characters (this one has 101).')).toBeInTheDocument()
    expect(m.projects.create).not.toHaveBeenCalled()
  })

  it('refuses a description over 1000 characters', async () => {
    const { user } = setup()
    await user.type(screen.getByTestId('project-name-input'), 'ok')
    await user.click(screen.getByTestId('project-description-input'))
    await user.paste('d'.repeat(1001))
    await user.click(screen.getByTestId('project-create-submit'))
    expect(screen.getByText('A description can have at most 1000 characters.')).toBeInTheDocument()
    expect(m.projects.create).not.toHaveBeenCalled()
  })

  it('creates with a 100-character name (after trimming) and Auto template, then closes', async () => {
    m.projects.create.mockResolvedValue(created)
    const { user, onOpenChange } = setup()
    await user.click(screen.getByTestId('project-name-input'))
    await user.paste('  ' + 'b'.repeat(100) + '  ')
    await user.type(screen.getByTestId('project-description-input'), 'A dashboard')
    await user.click(screen.getByTestId('project-create-submit'))
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false))
    expect(m.projects.create).toHaveBeenCalledWith({ name: 'b'.repeat(100), description: 'A dashboard', template: '' })
    expect(useProjects.getState().currentId).toBe('n1')
  })

  it('shows the backend sentence when create fails', async () => {
    m.projects.create.mockRejectedValue(new ApiError('internal', 'Tessera could not save the project. Try again.'))
    const { user, onOpenChange } = setup()
    await user.type(screen.getByTestId('project-name-input'), 'Demo')
    await user.click(screen.getByTestId('project-create-submit'))
    expect(await screen.findByText('Tessera could not save the project. Try again.')).toBeInTheDocument()
    expect(onOpenChange).not.toHaveBeenCalledWith(false)
  })

  it('offers the gallery and creates from the chosen starter, whose template wins', async () => {
    m.projects.starters.mockResolvedValue(gallery)
    m.projects.create.mockResolvedValue({ ...created, template: 'streamlit-developer' })
    const { user, onOpenChange } = setup()
    expect(await screen.findByText('Streamlit sales dashboard')).toBeInTheDocument()
    expect(screen.getAllByTestId('starter-picture')).toHaveLength(3) // blank + two
    expect(screen.getByText('Starts with streamlit run app.py')).toBeInTheDocument()
    await user.type(screen.getByTestId('project-name-input'), 'Sales')
    await user.click(screen.getByTestId('starter-streamlit-dashboard'))
    expect(screen.getByTestId('starter-template')).toHaveTextContent('streamlit-developer')
    expect(screen.queryByTestId('project-template-select')).not.toBeInTheDocument()
    await user.click(screen.getByTestId('project-create-submit'))
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false))
    expect(m.projects.create).toHaveBeenCalledWith({ name: 'Sales', description: '', template: 'streamlit-developer', starter: 'streamlit-dashboard' })
  })

  it('going back to Blank creates without a starter', async () => {
    m.projects.starters.mockResolvedValue(gallery)
    m.projects.create.mockResolvedValue(created)
    const { user, onOpenChange } = setup()
    await user.type(screen.getByTestId('project-name-input'), 'Plain')
    await user.click(await screen.findByTestId('starter-empty-gradio-developer'))
    await user.click(screen.getByTestId('starter-blank'))
    expect(screen.getByTestId('project-template-select')).toBeInTheDocument()
    await user.click(screen.getByTestId('project-create-submit'))
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false))
    expect(m.projects.create).toHaveBeenCalledWith({ name: 'Plain', description: '', template: '' })
  })

  it('shows the backend sentence for a refused starter and stays open', async () => {
    m.projects.starters.mockResolvedValue(gallery)
    m.projects.create.mockRejectedValue(new ApiError('invalid', 'There is no starter "streamlit-dashboard"; choose one from the gallery.'))
    const { user, onOpenChange } = setup()
    await user.type(screen.getByTestId('project-name-input'), 'Sales')
    await user.click(await screen.findByTestId('starter-streamlit-dashboard'))
    await user.click(screen.getByTestId('project-create-submit'))
    expect(await screen.findByText('There is no starter "streamlit-dashboard"; choose one from the gallery.')).toBeInTheDocument()
    expect(onOpenChange).not.toHaveBeenCalledWith(false)
    expect(useProjects.getState().projects).toHaveLength(0)
  })

  it('says so when the gallery cannot be read, and still creates a blank project', async () => {
    m.projects.starters.mockRejectedValue(new ApiError('unavailable', 'Starters are not available in this build of Tessera.'))
    const { user } = setup()
    expect(await screen.findByText('Starters are not available in this build of Tessera.')).toBeInTheDocument()
    await user.type(screen.getByTestId('project-name-input'), 'X')
    m.projects.create.mockResolvedValue(created)
    await user.click(screen.getByTestId('project-create-submit'))
    await waitFor(() => expect(m.projects.create).toHaveBeenCalledWith({ name: 'X', description: '', template: '' }))
  })

  it('names the project after the starter when the name is empty, never over the person\'s name', async () => {
    m.projects.starters.mockResolvedValue(gallery)
    const { user } = setup()
    await user.click(await screen.findByTestId('starter-streamlit-dashboard'))
    expect(screen.getByTestId('project-name-input')).toHaveValue('Streamlit sales dashboard')
    await user.click(screen.getByTestId('starter-empty-gradio-developer'))
    expect(screen.getByTestId('project-name-input')).toHaveValue('Empty Gradio developer project')
    await user.clear(screen.getByTestId('project-name-input'))
    await user.type(screen.getByTestId('project-name-input'), 'Mine')
    await user.click(screen.getByTestId('starter-streamlit-dashboard'))
    expect(screen.getByTestId('project-name-input')).toHaveValue('Mine')
  })
})
