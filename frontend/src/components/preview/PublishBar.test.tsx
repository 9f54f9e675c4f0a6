import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../../api'
import type { SandboxStatus } from '../../api'
import { type makeApiMock } from '../../test/apiMock'
import { useSandbox } from '../../stores/sandbox'
import { useToasts } from '../../stores/toast'
import { PublishBar, countdown, previewPort } from './PublishBar'

vi.mock('../../api', async (importOriginal) => {
  const { makeApiMock } = await import('../../test/apiMock')
  return makeApiMock(await importOriginal())
})
const m = api as unknown as ReturnType<typeof makeApiMock>
const URL_ = 'https://3000-sbx1.e2b.app/'

function status(over: Partial<SandboxStatus> = {}): SandboxStatus {
  return { projectId: 'a', state: 'running', sandboxId: 'sbx1', timeoutAt: '', idlePauseAt: '', runningSecondsToday: 0, runningSecondsTotal: 0, todayUSD: 0, monthUSD: 0, budgetUSD: 0, publishedUntil: '', ...over }
}

beforeEach(() => {
  vi.clearAllMocks()
  useSandbox.setState({ byProject: { a: status() }, busy: {} })
})

describe('previewPort', () => {
  it.each([
    ['https://3000-sbx1.e2b.app/', 3000],
    ['https://8501-abc123.e2b.dev/page?x=1', 8501],
    ['https://70000-abc.e2b.app/', null],
    ['https://example.com/', null],
    ['not a url', null],
  ])('%s -> %s', (u, want) => expect(previewPort(u)).toBe(want))
})

describe('countdown', () => {
  it.each([
    [2 * 3600_000 + 5 * 60_000, '2 h 05 min'],
    [4 * 60_000 + 9_000, '4 min 09 s'],
    [12_000, '12 s'],
    [-5, '0 s'],
  ])('%s ms -> %s', (ms, want) => expect(countdown(ms)).toBe(want))
})

describe('PublishBar', () => {
  it('publishes the preview port for the chosen hours', async () => {
    const until = new Date(Date.now() + 4 * 3600_000).toISOString()
    m.sandbox.publish.mockResolvedValue({ url: URL_, until })
    m.sandbox.status.mockResolvedValue(status({ publishedUntil: until, publishURL: URL_ }))
    const user = userEvent.setup()
    render(<PublishBar projectId="a" url={URL_} />)
    expect(screen.getByTestId('publish-bar')).toHaveAttribute('data-published', 'false')
    await user.selectOptions(screen.getByTestId('publish-hours'), '4')
    await act(async () => {
      await user.click(screen.getByTestId('publish-button'))
    })
    expect(m.sandbox.publish).toHaveBeenCalledWith('a', 3000, 4)
    expect(screen.getByTestId('publish-bar')).toHaveAttribute('data-published', 'true')
    expect(screen.getByTestId('publish-url')).toHaveTextContent(URL_)
    expect(screen.getByTestId('publish-countdown').textContent).toMatch(/^(3 h 59 min|4 h 00 min) left$/)
  })

  it('unpublishes', async () => {
    const until = new Date(Date.now() + 3600_000).toISOString()
    useSandbox.setState({ byProject: { a: status({ publishedUntil: until, publishURL: URL_ }) } })
    m.sandbox.status.mockResolvedValue(status())
    const user = userEvent.setup()
    render(<PublishBar projectId="a" url={URL_} />)
    await act(async () => {
      await user.click(screen.getByTestId('publish-stop'))
    })
    expect(m.sandbox.unpublish).toHaveBeenCalledWith('a')
    expect(screen.getByTestId('publish-bar')).toHaveAttribute('data-published', 'false')
  })

  it("a plan's shorter lifetime is said once, beside the link, not as a notice; Unpublish clears it", async () => {
    const until = new Date(Date.now() + 50 * 60_000).toISOString()
    useToasts.setState({ toasts: [] })
    const note = 'Your E2B plan keeps a sandbox for a limited time: the link works until 04:32, 50 min from now.'
    m.sandbox.publish.mockResolvedValue({ url: URL_, until, note })
    m.sandbox.status.mockResolvedValue(status({ publishedUntil: until, publishURL: URL_ }))
    const user = userEvent.setup()
    render(<PublishBar projectId="a" url={URL_} />)
    await act(async () => {
      await user.click(screen.getByTestId('publish-button'))
    })
    expect(screen.getByTestId('publish-note')).toHaveTextContent(note)
    expect(useToasts.getState().toasts).toHaveLength(0)
    m.sandbox.status.mockResolvedValue(status())
    await act(async () => {
      await user.click(screen.getByTestId('publish-stop'))
    })
    expect(screen.queryByTestId('publish-note')).toBeNull()
    expect(useSandbox.getState().publishNote.a).toBe('')
  })

  it('an expired or paused link is not shown as published', () => {
    useSandbox.setState({ byProject: { a: status({ state: 'paused', publishedUntil: new Date(Date.now() + 3600_000).toISOString(), publishURL: URL_ }) } })
    render(<PublishBar projectId="a" url={URL_} />)
    expect(screen.getByTestId('publish-bar')).toHaveAttribute('data-published', 'false')
  })

  it('a refused publish is said, not shown as published', async () => {
    m.sandbox.publish.mockRejectedValue(new Error('A preview can be published for 1 to 24 hours.'))
    const user = userEvent.setup()
    render(<PublishBar projectId="a" url={URL_} />)
    await act(async () => {
      await user.click(screen.getByTestId('publish-button'))
    })
    expect(screen.getByTestId('publish-bar')).toHaveAttribute('data-published', 'false')
  })

  it('is absent without a preview port', () => {
    render(<PublishBar projectId="a" url="https://example.com/" />)
    expect(screen.queryByTestId('publish-bar')).toBeNull()
  })
})
