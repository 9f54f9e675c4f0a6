import { render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunResult } from '../../api'
import { useTerminal } from '../../stores/terminal'
import { ProblemsPanel } from './ProblemsPanel'

const CONSOLE = 'ready - started server on 0.0.0.0:3000\nerror - ./pages/index.tsx\nError: Cannot find module \'leftpad\'\n'

vi.mock('../../api/terminal', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api/terminal')>()),
  terminalApi: {
    snapshot: vi.fn(async (id: string) => ({ id, projectId: 'p1', kind: 'server', title: 'Server', state: 'running', data: btoa(CONSOLE), end: CONSOLE.length })),
  },
  subscribeTerminal: vi.fn(() => () => {}),
}))

const web: RunResult = { kind: 'web', template: 'nextjs-developer', url: 'https://3000-s.e2b.app', stdout: [], stderr: [], results: [] }
const frag = { title: 'T', description: '', template: 'nextjs-developer', commentary: '', files: [{ path: 'pages/index.tsx', content: '' }] }

beforeEach(() => {
  useTerminal.setState({
    sessions: { s1: { id: 's1', projectId: 'p1', kind: 'server', title: 'Server', state: 'running' } },
    byProject: { p1: { ids: ['s1'], active: 's1', loaded: true } },
    shown: {},
    busy: {},
  })
})

describe('ProblemsPanel', () => {
  it('an error in the server console is a problem', async () => {
    render(<ProblemsPanel projectId="p1" result={web} fragment={frag} live={false} web />)
    const row = await screen.findByTestId('problem')
    expect(row.dataset.kind).toBe('server')
    expect(screen.getByTestId('problem-title').textContent).toContain("Cannot find module 'leftpad'")
  })

  it('a server that never opened its port carries what the console printed', async () => {
    const failed: RunResult = { ...web, url: undefined, stepError: { step: 'preview', code: 'unavailable', message: 'The app did not open port 3000.' } }
    render(<ProblemsPanel projectId="p1" result={failed} fragment={frag} live={false} web />)
    await waitFor(() => expect(screen.getAllByTestId('problem').map((r) => r.dataset.kind)).toEqual(['port', 'server']))
    const rows = screen.getAllByTestId('problem')
    expect(rows[0].textContent).toContain('started server on 0.0.0.0:3000')
  })

  it('nothing while the run is live', () => {
    render(<ProblemsPanel projectId="p1" result={{ ...web, error: { name: 'E', value: 'v', traceback: '' } }} fragment={frag} live web={false} />)
    expect(screen.queryByTestId('problems')).toBeNull()
  })
})
