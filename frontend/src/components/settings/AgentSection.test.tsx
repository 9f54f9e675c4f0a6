import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as agentApi from '../../api/agent'
import { ApiError } from '../../api'
import { useAgentSettings } from '../../stores/agentSettings'
import { AgentSection } from './AgentSection'

vi.mock('../../api/agent', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../api/agent')>()
  return { ...actual, agent: { ...actual.agent, settings: vi.fn(), saveSettings: vi.fn() } }
})
const a = agentApi.agent as unknown as { settings: ReturnType<typeof vi.fn>; saveSettings: ReturnType<typeof vi.fn> }

const saved = { stepLimit: 30, spendCapUsd: 1, timeLimitSeconds: 1200, autoApprove: false, tools: {}, allow: {} }

beforeEach(() => {
  vi.clearAllMocks()
  useAgentSettings.setState({ settings: null, saving: false, error: null, errorField: null, saved: false })
  a.settings.mockResolvedValue(saved)
})

describe('the agent settings', () => {
  it('saves the limits, a tool set to never and a danger let run', async () => {
    a.saveSettings.mockImplementation(async (s: unknown) => s)
    render(<AgentSection />)
    fireEvent.change(await screen.findByTestId('agent-step-limit'), { target: { value: '50' } })
    fireEvent.change(screen.getByTestId('agent-time-limit'), { target: { value: '5' } })
    fireEvent.change(screen.getByTestId('agent-tool-install_packages'), { target: { value: 'never' } })
    fireEvent.click(screen.getByTestId('agent-allow-git_push'))
    fireEvent.click(screen.getByTestId('agent-settings-save'))
    await waitFor(() => expect(a.saveSettings).toHaveBeenCalledTimes(1))
    expect(a.saveSettings.mock.calls[0][0]).toEqual({ ...saved, stepLimit: 50, timeLimitSeconds: 300, tools: { install_packages: 'never' }, allow: { git_push: true } })
    expect(await screen.findByText('Saved.')).toBeInTheDocument()
  })

  it('a refused value keeps the form as typed and says why', async () => {
    a.saveSettings.mockRejectedValue(new ApiError('invalid', 'The step limit must be between 1 and 200.', { field: 'stepLimit' }))
    render(<AgentSection />)
    const input = await screen.findByTestId('agent-step-limit')
    fireEvent.change(input, { target: { value: '999' } })
    fireEvent.click(screen.getByTestId('agent-settings-save'))
    expect(await screen.findByTestId('agent-settings-error')).toHaveTextContent('The step limit must be between 1 and 200.')
    expect(input).toHaveValue(999)
    expect(useAgentSettings.getState().settings?.stepLimit).toBe(30)
  })
})
