import { render, screen } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { useSandbox } from '../../stores/sandbox'
import type { SandboxStatus } from '../../api'
import { StageIndicator } from './StageIndicator'

const status = (over: Partial<SandboxStatus>): SandboxStatus =>
  ({ projectId: 'p1', state: 'starting', sandboxId: '', timeoutAt: '', idlePauseAt: '', runningSecondsToday: 0, runningSecondsTotal: 0, todayUSD: 0, monthUSD: 0, budgetUSD: 0, publishedUntil: '', ...over }) as SandboxStatus

beforeEach(() => {
  useSandbox.setState({ byProject: {} })
})

describe('StageIndicator', () => {
  it('says what a slow step waits for', () => {
    render(<StageIndicator projectId="p1" stage="writing" installLog="" stopping={false} waiting="Still waiting for the sandbox to take the files (10 seconds so far)." />)
    expect(screen.getByTestId('stage-wait').textContent).toBe('Still waiting for the sandbox to take the files (10 seconds so far).')
  })

  it("shows the sandbox's own wait (a 429 from E2B) while the sandbox starts", () => {
    useSandbox.setState({ byProject: { p1: status({ waiting: 'E2B is limiting requests; Tessera tries to create the sandbox again in 7 seconds.' }) } })
    render(<StageIndicator projectId="p1" stage="sandbox" installLog="" stopping={false} waiting="Still waiting for the sandbox to start (5 seconds so far)." />)
    expect(screen.getByTestId('stage-wait').textContent).toContain('E2B is limiting requests')
  })

  it('says nothing when nothing is slow', () => {
    render(<StageIndicator projectId="p1" stage="running" installLog="" stopping={false} />)
    expect(screen.queryByTestId('stage-wait')).toBeNull()
  })
})
