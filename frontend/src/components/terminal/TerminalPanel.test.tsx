import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { TerminalData, TerminalInfo } from '../../api/terminal'
import type { SandboxStatus } from '../../api'

// jsdom cannot lay out xterm.js: a fake with its surface (writes go into a
// line buffer, typed keys come back through onData).
const terms: FakeTerm[] = []
class FakeTerm {
  cols = 80
  rows = 24
  opts: Record<string, unknown>
  text = ''
  dataFns: Array<(d: string) => void> = []
  disposed = false
  constructor(opts: Record<string, unknown>) {
    this.opts = opts
    terms.push(this)
  }
  get buffer() {
    const lines = this.text.split(/\r?\n/)
    return { active: { length: lines.length, getLine: (i: number) => ({ translateToString: (trim?: boolean) => (trim ? lines[i].trimEnd() : lines[i]) }) } }
  }
  write(d: Uint8Array | string, cb?: () => void) {
    this.text += typeof d === 'string' ? d : new TextDecoder().decode(d)
    cb?.()
  }
  onData(fn: (d: string) => void) {
    this.dataFns.push(fn)
    return { dispose: () => {} }
  }
  onResize() {
    return { dispose: () => {} }
  }
  open() {}
  focus() {}
  loadAddon() {}
  dispose() {
    this.disposed = true
  }
  type(d: string) {
    this.dataFns.forEach((f) => f(d))
  }
}
vi.mock('@xterm/xterm', () => ({ Terminal: FakeTerm }))
vi.mock('@xterm/addon-fit', () => ({ FitAddon: class { fit() {} } }))
vi.mock('@xterm/xterm/css/xterm.css', () => ({}))

const subs = new Map<string, Set<{ data: (d: TerminalData) => void; state: (i: TerminalInfo) => void }>>()
vi.mock('../../api/terminal', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../api/terminal')>()
  return {
    ...actual,
    terminalApi: {
      open: vi.fn(),
      openServer: vi.fn(),
      input: vi.fn(async () => undefined),
      resize: vi.fn(async () => undefined),
      close: vi.fn(async () => undefined),
      snapshot: vi.fn(),
      list: vi.fn(async () => []),
      restartServer: vi.fn(async () => undefined),
    },
    subscribeTerminal: vi.fn((id: string, on: { data: (d: TerminalData) => void; state: (i: TerminalInfo) => void }) => {
      const set = subs.get(id) ?? new Set()
      set.add(on)
      subs.set(id, set)
      return () => set.delete(on)
    }),
  }
})

const { terminalApi } = await import('../../api/terminal')
const { useTerminal } = await import('../../stores/terminal')
const { TerminalPanel } = await import('./TerminalPanel')
const { useSandbox } = await import('../../stores/sandbox')
const api = vi.mocked(terminalApi)

const info = (id: string, over: Partial<TerminalInfo> = {}): TerminalInfo => ({
  id, projectId: 'p', kind: 'shell', title: 'Terminal 1', state: 'running', ...over,
})

beforeEach(() => {
  vi.clearAllMocks()
  subs.clear()
  terms.length = 0
  useTerminal.setState({ sessions: {}, byProject: {}, shown: {}, busy: {} })
  useSandbox.setState({ byProject: { p: { projectId: 'p', state: 'running' } as SandboxStatus } })
  api.snapshot.mockImplementation(async (id: string) => ({ ...(useTerminal.getState().sessions[id] ?? info(id)), data: btoa('$ '), end: 2 }))
})

describe('TerminalPanel', () => {
  it('opens a shell on the first visit, shows its output and sends the keys', async () => {
    api.open.mockResolvedValueOnce(info('a'))
    render(<TerminalPanel projectId="p" web={false} />)
    await waitFor(() => expect(api.open).toHaveBeenCalledWith('p', 80, 24))
    const view = await screen.findByTestId('xterm')
    await waitFor(() => expect(view.dataset.text).toBe('$'))
    expect(terms[0].opts.disableStdin).toBe(false)
    act(() => subs.get('a')?.forEach((h) => h.data({ start: 2, data: btoa('echo hi\r\nhi\r\n') })))
    await waitFor(() => expect(view.dataset.text).toContain('hi\nhi'))
    act(() => terms[0].type('ls\r'))
    expect(api.input).toHaveBeenCalledWith('a', 'ls\r')
    expect(screen.queryByTestId('terminal-server-tab')).toBeNull()
  })

  it('does not start a paused sandbox by itself: it asks, and the button says it starts the sandbox', async () => {
    useSandbox.setState({ byProject: { p: { projectId: 'p', state: 'paused' } as SandboxStatus } })
    api.open.mockResolvedValueOnce(info('a'))
    render(<TerminalPanel projectId="p" web={false} />)
    const ask = await screen.findByTestId('terminal-ask')
    expect(ask).toHaveTextContent('Opening one starts the sandbox')
    expect(api.open).not.toHaveBeenCalled()
    expect(screen.getByTestId('terminal-new')).toHaveAccessibleName('New terminal (starts the sandbox)')
    await userEvent.click(screen.getByTestId('terminal-start'))
    await waitFor(() => expect(api.open).toHaveBeenCalledWith('p', 80, 24))
  })

  it('says when the sandbox is paused, and a second tab is its own terminal', async () => {
    useTerminal.setState({
      sessions: { a: info('a', { state: 'paused', message: 'The sandbox is paused. Press any key to resume it.' }) },
      byProject: { p: { ids: ['a'], active: 'a', loaded: true } },
    })
    api.open.mockResolvedValueOnce(info('b', { title: 'Terminal 2' }))
    render(<TerminalPanel projectId="p" web={false} />)
    expect(screen.getByTestId('terminal-message').textContent).toContain('Press any key to resume')
    expect(api.open).not.toHaveBeenCalled()
    await userEvent.click(screen.getByTestId('terminal-new'))
    await waitFor(() => expect(screen.getAllByTestId('terminal-tab')).toHaveLength(2))
    await waitFor(() => expect(screen.getByTestId('xterm').dataset.terminalId).toBe('b'))
    await userEvent.click(screen.getByRole('button', { name: 'Close Terminal 2' }))
    expect(api.close).toHaveBeenCalledWith('b')
    await waitFor(() => expect(screen.getByTestId('xterm').dataset.terminalId).toBe('a'))
  })

  it('has a read-only Server console with Restart server for a web template', async () => {
    useTerminal.setState({ sessions: { a: info('a') }, byProject: { p: { ids: ['a'], active: 'a', loaded: true } } })
    api.openServer.mockResolvedValueOnce(info('s', { kind: 'server', title: 'Server' }))
    render(<TerminalPanel projectId="p" web />)
    expect(screen.queryByTestId('terminal-restart-server')).toBeNull()
    await userEvent.click(screen.getByTestId('terminal-server-tab'))
    expect(api.openServer).toHaveBeenCalledWith('p')
    await waitFor(() => expect(screen.getByTestId('xterm').dataset.terminalId).toBe('s'))
    await waitFor(() => expect(terms.at(-1)?.opts.disableStdin).toBe(true))
    expect(terms.at(-1)?.opts.convertEol).toBe(true)
    await userEvent.click(screen.getByTestId('terminal-restart-server'))
    expect(api.restartServer).toHaveBeenCalledWith('p')
  })
})
