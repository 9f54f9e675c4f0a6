// The pure part of the chat store: how a run's event batches, a settled
// request and a delete change a project's chat. No store, no API calls, so
// everything here is unit-tested without React (reducer.test.ts).
import type { ChatEvent, ExecResult, Message, RunResult, SendResult } from '../../api'
import { runResultOf } from '../../api'
import type { ProjectChat, RunState } from './types'

export function newRun(requestId: string, kind: RunState['kind']): RunState {
  return {
    requestId,
    kind,
    stage: 'generating',
    partial: null,
    reasoning: '',
    installLog: '',
    waiting: '',
    stdout: [],
    stderr: [],
    results: [],
    execError: null,
    stepError: null,
    assistantId: null,
    done: false,
    stopping: false,
  }
}

export function emptyChat(): ProjectChat {
  return {
    messages: [],
    loaded: false,
    loading: false,
    loadError: null,
    hasMore: false,
    oldestSeq: 0,
    loadingOlder: false,
    olderError: null,
    pendingUser: null,
    run: null,
    sendError: null,
    selected: null,
    tab: 'code',
    tabChosen: false,
    files: null,
    canRedo: false,
  }
}

export function upsertMessage(list: Message[], m: Message): Message[] {
  const i = list.findIndex((x) => x.id === m.id)
  if (i >= 0) {
    const next = list.slice()
    next[i] = m
    return next
  }
  // Keep seq order; new messages nearly always go last.
  if (list.length === 0 || list[list.length - 1].seq <= m.seq) return [...list, m]
  return [...list, m].sort((a, b) => a.seq - b.seq)
}

/**
 * Applies one event batch (the backend sends one every 30 ms) to a run.
 * Only the last `partial` of the batch matters: each carries the whole
 * fragment so far.
 */
export function applyEvents(
  run: RunState,
  messages: Message[],
  events: ChatEvent[],
): { run: RunState; messages: Message[] } {
  let msgs = messages
  let stdout: string[] | null = null
  let stderr: string[] | null = null
  let results: ExecResult[] | null = null
  let log = ''
  let reasoning = ''
  const patch: globalThis.Partial<RunState> = {}
  for (const ev of events) {
    if (!ev || typeof ev !== 'object') continue
    switch (ev.type) {
      case 'stage':
        if (ev.stage) patch.stage = ev.stage
        patch.waiting = ''
        break
      case 'wait':
        patch.waiting = ev.text ?? ''
        break
      case 'partial':
        if (ev.partial) patch.partial = ev.partial
        break
      case 'reasoning':
        reasoning += ev.text ?? ''
        break
      case 'log':
        log += ev.text ?? ''
        break
      case 'stdout':
        ;(stdout ??= run.stdout.slice()).push(ev.text ?? '')
        break
      case 'stderr':
        ;(stderr ??= run.stderr.slice()).push(ev.text ?? '')
        break
      case 'result':
        if (ev.result) (results ??= run.results.slice()).push(ev.result)
        break
      case 'exec_error':
        if (ev.execError) patch.execError = ev.execError
        break
      case 'message':
        if (ev.message && ev.message.id) {
          msgs = upsertMessage(msgs, ev.message)
          if (ev.message.role === 'assistant') patch.assistantId = ev.message.id
        }
        break
      case 'error':
        if (ev.error) patch.stepError = ev.error
        break
      case 'done':
        patch.done = true
        break
    }
  }
  const next: RunState = {
    ...run,
    ...patch,
    reasoning: reasoning ? run.reasoning + reasoning : run.reasoning,
    installLog: log ? run.installLog + log : run.installLog,
    stdout: stdout ?? run.stdout,
    stderr: stderr ?? run.stderr,
    results: results ?? run.results,
  }
  return { run: next, messages: msgs }
}

/**
 * A model that answered 404 is dropped from the picker by the backend: the
 * page reloads the catalog so the provider's current default is offered.
 */
export function dropsModel(events: ChatEvent[]): boolean {
  return events.some((e) => e?.type === 'error' && e.error?.code === 'not_found' && e.error?.step === 'generate')
}

/** True when a run result has something for the Preview tab (Python output or a web URL). */
export function hasPreview(result: RunResult | null | undefined): boolean {
  if (!result || result.stepError) return false
  return result.kind === 'python' || !!result.url
}

/**
 * The tab to open a freshly loaded chat on: Preview when the newest
 * assistant message kept a result without a failed step (so after a
 * relaunch the person sees their last output at once), else Code.
 */
export function initialTab(messages: Message[]): 'code' | 'preview' {
  // The answer the panel shows: the newest one with a fragment (a failed or
  // text-only answer after it shows nothing of its own), so a web project whose
  // last turn failed before any code still reopens on its running app.
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m.role !== 'assistant') continue
    if (!m.fragment && !hasPreview(runResultOf(m))) continue
    return hasPreview(runResultOf(m)) ? 'preview' : 'code'
  }
  return 'code'
}

/**
 * The chat once Send or Retry returned: the saved messages replace the live
 * run, and a failed step not already shown on the saved answer becomes the
 * inline error (Retry when something was saved, else Resend). The panel
 * goes where the outcome is: the output, or the failed step's detail.
 */
export function settleRun(c: ProjectChat, res: SendResult): globalThis.Partial<ProjectChat> {
  let messages = c.messages
  if (res.user) messages = upsertMessage(messages, res.user)
  if (res.assistant) messages = upsertMessage(messages, res.assistant)
  const stepError = c.run?.stepError
  const shownOnMessage = !!res.assistant && (res.assistant.status === 'error' || !!res.assistant.result?.stepError)
  return {
    messages,
    pendingUser: null,
    run: null,
    sendError:
      stepError && !shownOnMessage
        ? { code: stepError.code, message: stepError.message, action: res.user || res.assistant ? 'retry' : 'resend' }
        : null,
    tab: hasPreview(runResultOf(res.assistant)) || showsStepDetail(runResultOf(res.assistant)) ? 'preview' : c.tab,
  }
}

/**
 * A sandbox step (sandbox, install, write, run, preview) failed: the Preview
 * tab has its sentence and what the install printed. A failed generation has
 * no result; its sentence is in the chat.
 */
export function showsStepDetail(result: RunResult | null | undefined): boolean {
  return !!result?.stepError && result.stepError.step !== 'generate'
}

/** The ids a delete of messageId removes: an answer alone, or a prompt with the answers up to the next prompt. */
export function exchangeOf(messages: Message[], messageId: string): string[] {
  const i = messages.findIndex((m) => m.id === messageId)
  if (i < 0) return []
  if (messages[i].role !== 'user') return [messageId]
  const out = [messageId]
  for (let j = i + 1; j < messages.length && messages[j].role !== 'user'; j++) out.push(messages[j].id)
  return out
}
