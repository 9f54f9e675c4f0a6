import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { TerminalData, TerminalInfo, TerminalSnapshot } from '../api/terminal'

/** id -> live handlers of the mocked subscribeTerminal. */
const subs = new Map<string, Set<{ data: (d: TerminalData) => void; state: (i: TerminalInfo) => void }>>()

vi.mock('../api/terminal', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api/terminal')>()
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

const { terminalApi } = await import('../api/terminal')
const { streamTerminal, useTerminal } = await import('./terminal')
const api = vi.mocked(terminalApi)

const b64 = (s: string) => btoa(s)
const text = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c)).join('')
const info = (id: string, projectId = 'p', over: Partial<TerminalInfo> = {}): TerminalInfo => ({
  id, projectId, kind: 'shell', title: 'Terminal 1', state: 'starting', ...over,
})
const emit = (id: string, d: TerminalData) => subs.get(id)?.forEach((h) => h.data(d))
const emitState = (i: TerminalInfo) => subs.get(i.id)?.forEach((h) => h.state(i))

beforeEach(() => {
  vi.clearAllMocks()
  subs.clear()
  useTerminal.setState({ sessions: {}, byProject: {}, shown: {}, busy: {} })
})

describe('terminal store', () => {
  it('keeps sessions per project, follows their state and picks the next tab on close', async () => {
    api.open.mockResolvedValueOnce(info('a')).mockResolvedValueOnce(info('b', 'p', { title: 'Terminal 2' }))
    api.open.mockResolvedValueOnce(info('c', 'q'))
    expect(await useTerminal.getState().open('p')).toBe('a')
    await useTerminal.getState().open('p')
    await useTerminal.getState().open('q')
    let s = useTerminal.getState()
    expect(s.byProject.p).toMatchObject({ ids: ['a', 'b'], active: 'b' })
    expect(s.byProject.q).toMatchObject({ ids: ['c'], active: 'c' })

    emitState(info('a', 'p', { state: 'paused', message: 'The sandbox is paused. Press any key to resume it.' }))
    expect(useTerminal.getState().sessions.a).toMatchObject({ state: 'paused', message: expect.stringContaining('paused') })

    await useTerminal.getState().close('b')
    s = useTerminal.getState()
    expect(api.close).toHaveBeenCalledWith('b')
    expect(s.byProject.p).toMatchObject({ ids: ['a'], active: 'a' })
    expect(s.sessions.b).toBeUndefined()
    expect(subs.get('b')?.size ?? 0).toBe(0)
  })

  it('loads what the backend kept once, even when asked twice at once', async () => {
    api.list.mockResolvedValue([info('x', 'p', { state: 'running' }), info('y', 'p', { kind: 'server', title: 'Server' })])
    await Promise.all([useTerminal.getState().load('p'), useTerminal.getState().load('p')])
    await useTerminal.getState().load('p')
    expect(api.list).toHaveBeenCalledTimes(1)
    expect(useTerminal.getState().byProject.p).toMatchObject({ ids: ['x', 'y'], active: 'x', loaded: true })
  })

  it('resizes shells only, with a usable size', () => {
    useTerminal.setState({ sessions: { a: info('a'), s: info('s', 'p', { kind: 'server' }) } })
    useTerminal.getState().resize('a', 100, 30)
    useTerminal.getState().resize('s', 100, 30)
    useTerminal.getState().resize('a', 0, 30)
    expect(api.resize).toHaveBeenCalledTimes(1)
    expect(api.resize).toHaveBeenCalledWith('a', 100, 30)
  })
})

describe('streamTerminal', () => {
  it('writes the snapshot, then each later byte exactly once', async () => {
    let resolve!: (s: TerminalSnapshot) => void
    api.snapshot.mockReturnValueOnce(new Promise((r) => (resolve = r)))
    const out: Uint8Array[] = []
    const stop = streamTerminal('a', (b) => out.push(b))
    // Events that arrive before the snapshot wait for it; the part the
    // snapshot already has is cut off.
    emit('a', { start: 3, data: b64('def') })
    emit('a', { start: 6, data: b64('gh') })
    resolve({ ...info('a'), data: b64('abcde'), end: 5 })
    await Promise.resolve()
    await Promise.resolve()
    emit('a', { start: 8, data: b64('ij') })
    emit('a', { start: 8, data: b64('ij') }) // a duplicate
    expect(text(out)).toBe('abcdefghij')
    stop()
    emit('a', { start: 10, data: b64('k') })
    expect(text(out)).toBe('abcdefghij')
  })

  it('still streams when the snapshot fails', async () => {
    api.snapshot.mockRejectedValueOnce(new Error('gone'))
    const out: Uint8Array[] = []
    streamTerminal('a', (b) => out.push(b))
    emit('a', { start: 0, data: b64('hi') })
    await Promise.resolve()
    await Promise.resolve()
    expect(text(out)).toBe('hi')
  })
})

describe('terminal input', () => {
  it('sends keys in order, one call at a time, joining what was typed meanwhile', async () => {
    const calls: string[] = []
    const waits: Array<() => void> = []
    api.input.mockImplementation(async (_id: string, d: string) => {
      calls.push(d)
      await new Promise<void>((r) => waits.push(r))
    })
    const { input } = useTerminal.getState()
    input('a', 'e')
    input('a', 'c')
    input('a', 'h')
    input('a', 'o')
    expect(calls).toEqual(['e'])
    waits.shift()!()
    await vi.waitFor(() => expect(calls).toEqual(['e', 'cho']))
    input('a', '\r')
    waits.shift()!()
    await vi.waitFor(() => expect(calls).toEqual(['e', 'cho', '\r']))
    waits.shift()!()
  })
})
