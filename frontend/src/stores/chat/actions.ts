// What the person does to a chat: send, retry, stop, undo, clear, delete,
// and the small view choices (selected answer, tab, dismissed error).
import * as api from '../../api'
import type { ChatEvent } from '../../api'
import { toApiError } from '../../api'
import { newId } from '../../lib/utils'
import { markStreamDone } from '../../lib/instrument'
import { useCatalog } from '../catalog'
import { useSettings } from '../settings'
import { fragmentFromStored } from '../../lib/fragment'
import { fixPrompt, problemsOf } from '../../lib/problems'
import { useProjects } from '../projects'
import { useAgent } from '../agent/store'
import { useSandbox } from '../sandbox'
import { toast } from '../toast'
import { persistDrafts } from './drafts'
import { refreshNewest } from './paging'
import { applyEvents, dropsModel, exchangeOf, newRun, settleRun } from './reducer'
import { userMessageSaved } from './saved'
import { agentFixProblem, chatMode, restoreAgentStep, runAgentTurn, stopAgentTurn } from './agentTurn'
import type { ActionsSlice, Attachment, StoreTools } from './types'

const NO_MODEL = 'Choose a model first (add an LLM key in Settings if none is listed).'

/** The template chosen for a project ('' = Auto), falling back to the project's own. */
export function templateOf(templates: Record<string, string>, projectId: string): string {
  const t = templates[projectId]
  if (t !== undefined) return t
  return useProjects.getState().projects.find((p) => p.id === projectId)?.template ?? ''
}

/**
 * Applies one batch of a request's events to its project's chat. The
 * backend already gathers a request's events into one batch every 30 ms
 * (backend/chat/batcher.go), so each batch is one store update: the page
 * adds no batching of its own.
 */
export function applyBatch({ set }: StoreTools, projectId: string, requestId: string, events: ChatEvent[]) {
  if (dropsModel(events)) void useCatalog.getState().load()
  set((s) => {
    const c = s.chats[projectId]
    if (!c || !c.run || c.run.requestId !== requestId) return s
    const { run, messages } = applyEvents(c.run, c.messages, events)
    if (run.done && !c.run.done) markStreamDone(requestId)
    return { chats: { ...s.chats, [projectId]: { ...c, run, messages } } }
  })
}

export function actionsSlice(tools: StoreTools): ActionsSlice {
  const { set, get, patchChat } = tools

  /**
   * Runs Send or Retry: subscribes to the deltas, calls, and settles.
   * onReject gets the error and what the call rejected with (which may
   * carry more than the ApiError keeps, e.g. whether the message was saved).
   */
  const runRequest = async (
    projectId: string,
    kind: 'send' | 'retry',
    start: (requestId: string) => Promise<api.SendResult>,
    onReject: (err: api.ApiError, rejection: unknown) => Promise<void> | void,
  ): Promise<api.SendResult | null> => {
    const requestId = newId()
    patchChat(projectId, { run: newRun(requestId, kind), sendError: null, selected: null, tab: 'code' })
    // Subscribe before calling: events may arrive as soon as Send starts.
    const off = api.subscribeChat(requestId, (batch) => applyBatch(tools, projectId, requestId, batch))
    try {
      const res = await start(requestId)
      // The request is over even if its done event was lost.
      markStreamDone(requestId)
      patchChat(projectId, (c) => settleRun(c, res))
      // A new turn: what Undo took can no longer be redone.
      patchChat(projectId, { canRedo: false })
      void useSandbox.getState().checkModelBudget(projectId)
      return res
    } catch (e) {
      markStreamDone(requestId)
      patchChat(projectId, { run: null })
      void get().loadCanRedo(projectId)
      await onReject(toApiError(e), e)
      return null
    } finally {
      off()
    }
  }

  /** Reloads the newest page; offline keeps what is shown. */
  const tryRefresh = async (projectId: string) => {
    try {
      await refreshNewest(tools, projectId)
    } catch {
      // offline: keep what we have
    }
  }

  /**
   * Sends a message: the person's draft (fromDraft: the input clears at
   * once and comes back if nothing was kept) or a Fix (the draft is left
   * alone). A turn that ends with a problem is fixed once by itself when
   * the person turned auto-fix on, unless it was that fix already.
   */
  const submit = async (projectId: string, text: string, images: Attachment[], fromDraft: boolean, auto: boolean) => {
    const s = get()
    const model = s.model
    if (!model) {
      patchChat(projectId, { sendError: { code: 'invalid', message: NO_MODEL, action: 'resend' } })
      return
    }
    // Agent, Ask and Plan run as agent turns (a Fix too: the agent reads the
    // error, edits and checks until it is gone); Quick is the one-shot below.
    const mode = chatMode(tools, projectId)
    if (mode !== 'quick') {
      const end = await runAgentTurn(tools, projectId, { text, images, fromDraft, mode })
      void useSandbox.getState().checkModelBudget(projectId)
      // The model could not use the tools: the same message goes the one-shot way.
      if (end?.reason !== 'quick') {
        // Auto-fix once: a turn that finished on a failed step is sent back once, as an agent turn.
        const failed = end && !auto && useSettings.getState().settings.autoFixOnce ? agentFixProblem(useAgent.getState().turns[projectId]) : null
        if (failed) await submit(projectId, fixPrompt(failed), [], false, true)
        return
      }
      if (end.notice) toast.info(end.notice)
    }
    const draftText = s.drafts[projectId] ?? ''
    if (fromDraft) {
      // Clear the input at once; it comes back if the call fails.
      set((st) => ({
        drafts: { ...st.drafts, [projectId]: '' },
        attachments: { ...st.attachments, [projectId]: [] },
      }))
      persistDrafts(get().drafts)
    }
    patchChat(projectId, { pendingUser: { text, images } })
    const res = await runRequest(
      projectId,
      'send',
      (requestId) =>
        api.chat.send({
          requestId,
          projectId,
          text,
          images: images.map(({ mime, data }) => ({ mime, data })),
          providerId: model.providerId,
          modelId: model.modelId,
          template: templateOf(get().templates, projectId),
          params: s.params,
        }),
      async (err, rejection) => {
        // Learn what the backend kept: the message may have been saved before the failure.
        await tryRefresh(projectId)
        const saved = userMessageSaved(rejection, get().chats[projectId]?.messages ?? [], text)
        patchChat(projectId, {
          pendingUser: null,
          sendError: err.code === 'canceled' ? null : { code: err.code, message: err.message, action: saved ? 'retry' : 'resend' },
        })
        // A canceled Send drops the draft; any other failure keeps it.
        if (fromDraft && !saved && err.code !== 'canceled') {
          // Put it back unless the person already typed something new.
          set((st) => ({
            drafts: st.drafts[projectId] ? st.drafts : { ...st.drafts, [projectId]: draftText },
            attachments: (st.attachments[projectId] ?? []).length ? st.attachments : { ...st.attachments, [projectId]: images },
          }))
          persistDrafts(get().drafts)
        }
      },
    )
    if (!res?.assistant || auto || !useSettings.getState().settings.autoFixOnce) return
    if (res.assistant.status === 'stopped') return
    const [first] = problemsOf(api.runResultOf(res.assistant), fragmentFromStored(res.assistant.fragment))
    if (first) await submit(projectId, fixPrompt(first), [], false, true)
  }

  return {
    send: async (projectId) => {
      const s = get()
      if (s.chats[projectId]?.run) return
      const text = (s.drafts[projectId] ?? '').trim()
      const images = s.attachments[projectId] ?? []
      if (!text && images.length === 0) return
      await submit(projectId, text, images, true, false)
    },

    fix: async (projectId, problem, opts) => {
      if (get().chats[projectId]?.run) return
      await submit(projectId, fixPrompt(problem), [], false, !!opts?.auto)
    },

    retry: async (projectId) => {
      const s = get()
      if (s.chats[projectId]?.run) return
      const model = s.model
      if (!model) {
        patchChat(projectId, { sendError: { code: 'invalid', message: NO_MODEL, action: 'retry' } })
        return
      }
      const ok = await runRequest(
        projectId,
        'retry',
        (requestId) =>
          api.chat.retry({
            requestId,
            projectId,
            providerId: model.providerId,
            modelId: model.modelId,
            template: templateOf(get().templates, projectId),
            params: s.params,
          }),
        async (err) => {
          await tryRefresh(projectId)
          patchChat(projectId, {
            sendError: err.code === 'canceled' ? null : { code: err.code, message: err.message, action: 'retry' },
          })
        },
      )
      // Retry replaced the last answer in the database: drop the old one here too
      // (offline: the new answer is shown already).
      if (ok) await tryRefresh(projectId)
    },

    continueTurn: async (projectId, turnId, messageId) => {
      if (get().chats[projectId]?.run) return
      if (!get().model) {
        patchChat(projectId, { sendError: { code: 'invalid', message: NO_MODEL, action: 'retry' } })
        return
      }
      const mode = useAgent.getState().byMessage[messageId]?.mode ?? 'agent'
      await runAgentTurn(tools, projectId, { text: '', images: [], fromDraft: false, mode: mode === 'quick' ? 'agent' : mode, continueFrom: { turnId, messageId } })
    },

    restoreBefore: async (projectId, turnId, seq, anyway = false) => {
      try {
        await restoreAgentStep(turnId, seq, anyway)
        // The files changed: the Code tab and the explorer read them again.
        patchChat(projectId, { files: null })
        toast.success(`The files are back to what they were before step ${seq} (a new version; Versions has the one before).`)
        return null
      } catch (e) {
        const err = toApiError(e)
        if (err.code === 'conflict' && !anyway) return err.message
        toast.error(err.message)
        return null
      }
    },

    buildPlan: async (projectId, plan) => {
      if (get().chats[projectId]?.run || !plan.trim()) return
      if (!get().model) {
        patchChat(projectId, { sendError: { code: 'invalid', message: NO_MODEL, action: 'resend' } })
        return
      }
      await runAgentTurn(tools, projectId, { text: 'Build this plan.', images: [], fromDraft: false, mode: 'agent', plan })
    },

    stop: async (projectId) => {
      const run = get().chats[projectId]?.run
      if (!run) return
      patchChat(projectId, (c) => ({ run: c.run ? { ...c.run, stopping: true } : null }))
      try {
        await (run.kind === 'agent' ? stopAgentTurn(run.requestId) : api.chat.stop(run.requestId))
      } catch (e) {
        const err = toApiError(e)
        patchChat(projectId, (c) => ({
          run: c.run ? { ...c.run, stopping: false } : null,
          sendError: { code: err.code, message: err.message, action: 'retry' },
        }))
      }
    },

    // Undo and Redo change the files as well as the list: the preview
    // follows the latest answer again and the Code tab reloads the files.
    undo: async (projectId, anyway = false) => {
      const r = await (anyway ? api.chat.undoAnyway(projectId) : api.chat.undo(projectId))
      patchChat(projectId, { canRedo: r.canRedo })
      await refreshNewest(tools, projectId)
      patchChat(projectId, { selected: null, sendError: null, files: null })
      return r
    },

    redo: async (projectId) => {
      const r = await api.chat.redo(projectId)
      patchChat(projectId, { canRedo: r.canRedo })
      await refreshNewest(tools, projectId)
      patchChat(projectId, { selected: null, sendError: null, files: null })
      return r
    },

    loadCanRedo: async (projectId) => {
      try {
        const canRedo = await api.chat.canRedo(projectId)
        patchChat(projectId, { canRedo })
      } catch {
        // unknown: keep what is shown
      }
    },

    deleteMessage: async (projectId, messageId) => {
      await api.chat.deleteMessage(projectId, messageId)
      patchChat(projectId, (c) => {
        const gone = new Set(exchangeOf(c.messages, messageId))
        return {
          canRedo: false,
          messages: c.messages.filter((m) => !gone.has(m.id)),
          selected: c.selected !== null && gone.has(c.selected) ? null : c.selected,
        }
      })
      await refreshNewest(tools, projectId)
    },

    clear: async (projectId) => {
      await api.chat.clear(projectId)
      patchChat(projectId, { canRedo: false, messages: [], hasMore: false, oldestSeq: 0, selected: null, sendError: null, pendingUser: null, files: null, tab: 'code' })
      // The chat was cleared: empty is right even offline.
      await tryRefresh(projectId)
    },

    select: (projectId, messageId) => patchChat(projectId, { selected: messageId }),

    setTab: (projectId, tab) => patchChat(projectId, { tab, tabChosen: true }),

    dismissError: (projectId) => patchChat(projectId, { sendError: null }),

    loadFiles: async (projectId) => {
      try {
        patchChat(projectId, { files: await api.chat.files(projectId) })
      } catch {
        // offline or gone: the empty state stays
        patchChat(projectId, { files: [] })
      }
    },
  }
}
