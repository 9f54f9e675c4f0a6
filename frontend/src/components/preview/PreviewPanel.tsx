import * as Tabs from '@radix-ui/react-tabs'
import { useEffect, useMemo, useRef } from 'react'
import { Code2, Eye, FolderTree, SquareTerminal } from 'lucide-react'
import { useChat, emptyChat } from '../../stores/chat'
import { runResultOf, type Message, type RunResult } from '../../api'
import { emptyResult, fragmentFromPartial, fragmentFromStored, isPythonTemplate, type FragmentView } from '../../lib/fragment'
import { CodeView } from './CodeView'
import { useCatalog } from '../../stores/catalog'
import { templateName } from '../../lib/templates'
import { TemplateIcon } from '../ui/TemplateIcon'
import { PythonOutput } from './PythonOutput'
import { ProblemsPanel } from './ProblemsPanel'
import { SandboxWebPreview } from './WebPreviewCover'
import { TerminalPanel } from '../terminal/TerminalPanel'
import { useTerminal } from '../../stores/terminal'
import { useFiles } from '../../stores/files'
import { Explorer } from '../files/Explorer'

const tabCls =
  'inline-flex items-center gap-1.5 rounded-md px-3 py-1 text-xs font-medium text-muted-foreground data-[state=active]:bg-muted data-[state=active]:text-foreground disabled:opacity-50'

function lastWithFragment(messages: Message[]): Message | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m.role === 'assistant' && m.fragment) return m
  }
  return null
}

export function PreviewPanel({ projectId }: { projectId: string }) {
  const chat = useChat((s) => s.chats[projectId]) ?? emptyChat()
  const setTab = useChat((s) => s.setTab)
  const templates = useCatalog((s) => s.templates)
  const loadFiles = useChat((s) => s.loadFiles)
  const { run, selected, messages, tab, files: keptFiles, loaded } = chat
  const terminalShown = useTerminal((s) => !!s.shown[projectId])
  const showTerminal = useTerminal((s) => s.show)
  // A new answer shows its code, as the chat store asks, not the terminal.
  const runId = run?.requestId
  useEffect(() => {
    if (runId) showTerminal(projectId, false)
  }, [runId, projectId, showTerminal])
  const filesShown = useFiles((s) => !!s.shown[projectId])
  const showFiles = useFiles((s) => s.show)
  // A turn that ended may have written files: the explorer reads them again (drafts stay).
  const hadRun = useRef(false)
  useEffect(() => {
    if (runId) hadRun.current = true
    else if (hadRun.current) {
      hadRun.current = false
      void useFiles.getState().refresh(projectId)
    }
  }, [runId, projectId])
  const editFile = (path: string) => {
    void useFiles.getState().open(projectId, path)
    showTerminal(projectId, false)
    showFiles(projectId, true)
  }
  // Without an answer there are no tabs: the Files flag shows the explorer in place of the message.
  const editKept = filesShown
  const setEditKept = (on: boolean) => showFiles(projectId, on)

  const view = useMemo((): { fragment: FragmentView | null; result: RunResult | null; live: boolean; stopped: boolean } => {
    if (run && !selected) {
      const fragment = fragmentFromPartial(run.partial)
      const template = fragment?.template ?? ''
      const result: RunResult = {
        ...emptyResult(template),
        stdout: run.stdout,
        stderr: run.stderr,
        results: run.results,
        error: run.execError ?? undefined,
        installLog: run.installLog,
      }
      return { fragment, result, live: true, stopped: false }
    }
    const m = selected ? messages.find((x) => x.id === selected) ?? null : lastWithFragment(messages)
    // runResultOf: a user message's stored result is its attachments, never run output.
    return {
      fragment: fragmentFromStored(m?.role === 'assistant' ? m.fragment : null),
      result: runResultOf(m),
      live: false,
      stopped: m?.status === 'stopped',
    }
  }, [run, selected, messages])

  const { fragment, result, live, stopped } = view
  const noAnswer = !fragment && !live
  // Nothing left in the chat shows the project's files (after Clear or Undo): fetch them for the Code tab.
  useEffect(() => {
    if (noAnswer && loaded && keptFiles === null) void loadFiles(projectId)
  }, [noAnswer, loaded, keptFiles, loadFiles, projectId])
  const python = result ? result.kind === 'python' || (!result.url && isPythonTemplate(result.template || fragment?.template || '')) : false
  const hasOutput = !!result && (python ? true : !!result.url)

  if (noAnswer) {
    if (keptFiles && keptFiles.length > 0) {
      return (
        <div className="flex h-full min-h-0 flex-col" data-testid="kept-files">
          <p className="flex items-center gap-2 border-b border-border px-3 py-2 text-xs text-muted-foreground">
            <span className="flex-1">The project's files, kept from earlier answers. Your next message builds on them.</span>
            <button className="rounded px-2 py-0.5 font-medium text-foreground hover:bg-muted" data-testid="kept-edit" onClick={() => setEditKept(!editKept)}>
              {editKept ? 'Back to the code' : 'Edit the files'}
            </button>
          </p>
          <div className="min-h-0 flex-1">
            {editKept ? <Explorer projectId={projectId} /> : <CodeView files={keptFiles} onEdit={(path) => {
              void useFiles.getState().open(projectId, path)
              setEditKept(true)
            }} />}
          </div>
        </div>
      )
    }
    if (editKept) {
      return (
        <div className="flex h-full min-h-0 flex-col">
          <p className="flex items-center gap-2 border-b border-border px-3 py-2 text-xs text-muted-foreground">
            <span className="flex-1">The project's folder. Your next message builds on what is here.</span>
            <button className="rounded px-2 py-0.5 font-medium text-foreground hover:bg-muted" data-testid="kept-edit" onClick={() => setEditKept(false)}>
              Close
            </button>
          </p>
          <div className="min-h-0 flex-1">
            <Explorer projectId={projectId} />
          </div>
        </div>
      )
    }
    return (
      <div className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center text-sm text-muted-foreground">
        The code and the running app appear here once you send a message.
        <button className="rounded px-2 py-1 text-xs font-medium text-foreground hover:bg-muted" data-testid="files-open" onClick={() => setEditKept(true)}>
          Or open the project's files to write them yourself
        </button>
      </div>
    )
  }

  const codeFiles = (fragment?.files ?? []).filter((f) => !stopped || f.content.trim() !== '')
  return (
    <Tabs.Root
      value={terminalShown ? 'terminal' : filesShown ? 'files' : tab}
      onValueChange={(v) => {
        showTerminal(projectId, v === 'terminal')
        showFiles(projectId, v === 'files')
        if (v !== 'terminal' && v !== 'files') setTab(projectId, v as 'code' | 'preview')
      }}
      className="flex h-full min-h-0 flex-col"
    >
      <div className="flex items-center gap-2 border-b border-border px-3 py-1.5">
        <Tabs.List aria-label="Preview" className="flex gap-1">
          <Tabs.Trigger value="code" data-testid="tab-code" className={tabCls}>
            <Code2 className="h-3.5 w-3.5" /> Code
          </Tabs.Trigger>
          <Tabs.Trigger value="preview" data-testid="tab-preview" className={tabCls}>
            <Eye className="h-3.5 w-3.5" /> Preview
          </Tabs.Trigger>
          <Tabs.Trigger value="files" data-testid="tab-files" className={tabCls}>
            <FolderTree className="h-3.5 w-3.5" /> Files
          </Tabs.Trigger>
          <Tabs.Trigger value="terminal" data-testid="tab-terminal" className={tabCls}>
            <SquareTerminal className="h-3.5 w-3.5" /> Terminal
          </Tabs.Trigger>
        </Tabs.List>
        {/* Only the title gives way when the panel is narrow: the template and the tokens are never cut (issue 29: "· 2,8…"). */}
        <div className="flex min-w-0 flex-1 items-center justify-end gap-1 text-xs whitespace-nowrap text-muted-foreground" data-testid="preview-meta">
          {fragment?.title ? (
            <span className="min-w-0 truncate font-medium text-foreground" title={fragment.title}>
              {fragment.title}
            </span>
          ) : null}
          {fragment?.template ? (
            <span data-testid="preview-template" title={fragment.template} className="shrink-0">
              · <TemplateIcon template={fragment.template} className="inline h-3.5 w-3.5 align-[-2px]" /> {templateName(fragment.template, templates)}
            </span>
          ) : null}
          {result?.usage?.totalTokens ? (
            <span data-testid="usage-tokens" className="shrink-0" title={`${result.usage.promptTokens} prompt + ${result.usage.completionTokens} answer tokens`}>
              · {result.usage.totalTokens.toLocaleString()} tokens
            </span>
          ) : null}
        </div>
      </div>
      <Tabs.Content value="code" className="min-h-0 flex-1 data-[state=inactive]:hidden" forceMount>
        <CodeView
          files={codeFiles}
          streaming={live}
          emptyText={stopped ? 'The answer was stopped before any code was written.' : undefined}
          onEdit={editFile}
        />
      </Tabs.Content>
      <Tabs.Content value="files" className="min-h-0 flex-1 data-[state=inactive]:hidden">
        {filesShown ? <Explorer projectId={projectId} stream={live ? codeFiles : undefined} /> : null}
      </Tabs.Content>
      <Tabs.Content value="preview" className="flex min-h-0 flex-1 flex-col data-[state=inactive]:hidden">
        <ProblemsPanel projectId={projectId} result={result} fragment={fragment} live={live} web={!python && !!fragment?.template} />
        {result?.stepError ? (
          <div className="m-3 flex flex-col gap-2" data-testid="preview-step-error" data-step={result.stepError.step}>
            <p role="alert" className="rounded-md border border-destructive/60 p-3 text-sm text-destructive">
              {result.stepError.message}
            </p>
            {result.installLog ? (
              <details open className="text-xs">
                <summary className="cursor-pointer text-muted-foreground">What the install printed</summary>
                <pre data-testid="preview-install-log" className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap rounded-md bg-muted p-2 font-mono">
                  {result.installLog}
                </pre>
              </details>
            ) : null}
          </div>
        ) : null}
        {result?.stepError && result.stepError.step !== 'run' ? null : result && hasOutput ? (
          python ? (
            <PythonOutput result={result} running={live} />
          ) : (
            <SandboxWebPreview projectId={projectId} url={result.url as string} sandboxId={result.sandboxId} template={fragment?.template ?? ''} />
          )
        ) : (
          <p className="p-4 text-sm text-muted-foreground">{live ? 'The preview appears when the app is running…' : 'No preview for this fragment.'}</p>
        )}
      </Tabs.Content>
      <Tabs.Content value="terminal" className="min-h-0 flex-1 data-[state=inactive]:hidden">
        {terminalShown ? <TerminalPanel projectId={projectId} web={!!fragment?.template && !isPythonTemplate(fragment.template)} /> : null}
      </Tabs.Content>
    </Tabs.Root>
  )
}
