import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import App from './App'

// No vi.mock here: the real src/api runs without window.go, as in a plain browser.
describe('App without the Go backend', () => {
  it('shows a full-window sentence instead of crashing', async () => {
    render(<App />)
    expect(await screen.findByTestId('startup-error')).toHaveTextContent("Tessera's backend is not running")
  })
})

describe('empty states do not repeat', () => {
  it('under the welcome panel there is no second "Create a project"', async () => {
    const { NoProject } = await import('./App')
    const { useProjects } = await import('./stores/projects')
    useProjects.setState({ projects: [], loaded: true })
    const { container, unmount } = render(<NoProject withCreate={false} />)
    expect(container).toBeEmptyDOMElement()
    unmount()
    render(<NoProject />)
    expect(screen.getAllByText('Create a project')).toHaveLength(1)
  })
})
