import { useEffect } from 'react'
import type { AgentMode } from '../../../api/agent'
import { AGENT_MODES } from '../../../api/agent'
import { modeFor, useAgent } from '../../../stores/agent/store'
import { toast } from '../../../stores/toast'
import { errorMessage } from '../../../api'
import { SelectBox } from '../../ui/SelectBox'
import { useChat } from '../../../stores/chat'
import { MODE_LABEL } from './AgentTurnView'


/**
 * The chat's mode in the composer: Agent, Ask, Plan or Quick, remembered
 * per chat by the backend. Agent is the default for a model that takes
 * tool calls, Quick for one that does not.
 */
export function ModePicker({ projectId, supportsTools, disabled }: { projectId: string; supportsTools: boolean; disabled?: boolean }) {
  const model = useChat((s) => s.model)
  const modes = useAgent((s) => s.modes)
  const loadMode = useAgent((s) => s.loadMode)
  const setMode = useAgent((s) => s.setMode)
  // Asked again when the model changes: a chat that never chose a mode
  // follows the model (the backend knows which take tools, per model).
  const providerId = model?.providerId
  const modelId = model?.modelId
  useEffect(() => {
    if (providerId && modelId) void loadMode(projectId, providerId, modelId)
  }, [projectId, providerId, modelId, loadMode])
  const mode = modeFor(modes, projectId, supportsTools)
  return (
    <SelectBox
      ariaLabel="Mode"
      testId="mode-select"
      disabled={disabled}
      value={mode}
      onValueChange={(v) => {
        setMode(projectId, v as AgentMode).catch((e: unknown) => toast.error(errorMessage(e)))
      }}
      groups={[
        {
          label: 'Mode',
          options: AGENT_MODES.map((m) => ({
            value: m,
            label: m !== 'quick' && !supportsTools ? `${MODE_LABEL[m]} (text tools)` : MODE_LABEL[m],
          })),
        },
      ]}
      className="max-w-[9rem]"
    />
  )
}

