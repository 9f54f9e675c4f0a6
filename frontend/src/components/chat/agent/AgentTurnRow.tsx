import { useCallback, useEffect } from 'react'
import type { AgentApproval, ApprovalDecision } from '../../../api/agent'
import { useAgent } from '../../../stores/agent/store'
import { useChat } from '../../../stores/chat'
import type { AgentTurn } from '../../../stores/agent/reducer'
import { AgentTurnView } from './AgentTurnView'

function useTurnActions(projectId: string) {
  const answer = useAgent((s) => s.answer)
  const answerErrors = useAgent((s) => s.answerErrors)
  const setPlanDraft = useAgent((s) => s.setPlanDraft)
  const planDraft = useAgent((s) => s.planDrafts[projectId])
  const continueTurn = useChat((s) => s.continueTurn)
  const buildPlan = useChat((s) => s.buildPlan)
  const busy = useChat((s) => !!s.chats[projectId]?.run)
  const onAnswer = useCallback((a: AgentApproval, d: ApprovalDecision) => void answer(a.id, d, a.tool), [answer])
  const onPlanDraft = useCallback((t: string) => setPlanDraft(projectId, t), [projectId, setPlanDraft])
  const onBuildPlan = useCallback((plan: string) => void buildPlan(projectId, plan), [projectId, buildPlan])
  const restoreBefore = useChat((s) => s.restoreBefore)
  return { answerErrors, onAnswer, planDraft, onPlanDraft, onBuildPlan, continueTurn, busy, restoreBefore }
}

/** The running agent turn of a project (the live row of the chat). */
export function AgentLiveTurn({ projectId }: { projectId: string }) {
  const turn = useAgent((s) => s.turns[projectId])
  const requestId = useChat((s) => s.chats[projectId]?.run?.requestId)
  const a = useTurnActions(projectId)
  if (!turn || turn.requestId !== requestId) return null
  return <AgentTurnView turn={turn} latest busy answerErrors={a.answerErrors} onAnswer={a.onAnswer} />
}

/**
 * The step log of a saved agent answer: the turn of this session, or the
 * stored steps (loaded once, when the row shows). Renders nothing for an
 * answer that was not an agent turn.
 */
export function AgentAnswerTurn({ projectId, messageId, latest }: { projectId: string; messageId: string; latest: boolean }) {
  const turn: AgentTurn | undefined = useAgent((s) => s.byMessage[messageId])
  const loadTurn = useAgent((s) => s.loadTurn)
  const a = useTurnActions(projectId)
  useEffect(() => {
    if (!turn) void loadTurn(messageId)
  }, [turn, messageId, loadTurn])
  if (!turn) return null
  return (
    <AgentTurnView
      turn={turn}
      latest={latest}
      showText={false}
      busy={a.busy}
      answerErrors={a.answerErrors}
      onContinue={() => void a.continueTurn(projectId, turn.turnId, messageId)}
      planDraft={latest ? a.planDraft : undefined}
      onPlanDraft={latest ? a.onPlanDraft : undefined}
      onBuildPlan={latest ? a.onBuildPlan : undefined}
      onRestore={(seq, anyway) => a.restoreBefore(projectId, turn.turnId, seq, anyway)}
    />
  )
}
