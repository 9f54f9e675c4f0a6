import { useEffect, useState } from 'react'
import type { AgentSettings, ToolApproval } from '../../api/agent'
import { useAgentSettings } from '../../stores/agentSettings'
import { Button } from '../ui/Button'

/** The tools whose approval the person may set (ask_user, finish and the to-do list always run). */
const TOOLS: { id: string; label: string }[] = [
  { id: 'run_command', label: 'Run commands' },
  { id: 'install_packages', label: 'Install packages' },
  { id: 'run_checks', label: 'Run checks' },
  { id: 'write_file', label: 'Write files' },
  { id: 'edit_file', label: 'Edit files' },
  { id: 'delete_path', label: 'Delete files' },
  { id: 'move_path', label: 'Move files' },
  { id: 'view_preview', label: 'View the preview' },
  { id: 'read_console', label: 'Read the console' },
]

/** Kinds of command that ask even with auto-approve; each may be let run. */
const DANGERS: { id: string; label: string }[] = [
  { id: 'delete_outside', label: 'Deleting outside the project' },
  { id: 'pipe_to_shell', label: 'Running a downloaded script (curl … | sh)' },
  { id: 'upload', label: 'Uploading files' },
  { id: 'git_push', label: 'git push' },
  { id: 'print_env', label: 'Printing the environment' },
  { id: 'kill_server', label: 'Killing the dev server' },
  { id: 'new_packages', label: 'Installing new packages' },
]

/**
 * The agent's limits and approvals in Settings. Saved on its own (the
 * agent checks them); a refused value stays in the form with the reason.
 */
export function AgentSection() {
  const saved = useAgentSettings((s) => s.settings)
  const load = useAgentSettings((s) => s.load)
  const save = useAgentSettings((s) => s.save)
  const saving = useAgentSettings((s) => s.saving)
  const error = useAgentSettings((s) => s.error)
  const done = useAgentSettings((s) => s.saved)
  const [form, setForm] = useState<AgentSettings | null>(null)
  useEffect(() => void load(), [load])
  useEffect(() => setForm(saved), [saved])
  if (!form) {
    return error ? (
      <p className="text-xs text-muted-foreground" data-testid="agent-settings-unavailable">
        Agent settings: {error}
      </p>
    ) : null
  }
  const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v))
  return (
    <fieldset className="flex flex-col gap-2" data-testid="agent-settings">
      <legend className="text-sm font-medium">Agent</legend>
      <div className="grid grid-cols-3 gap-2 text-xs">
        <label className="flex flex-col gap-1">
          Steps a turn
          <input type="number" min={1} max={200} data-testid="agent-step-limit" className="rounded border border-border bg-background px-2 py-1" value={Number.isNaN(form.stepLimit) ? '' : form.stepLimit} onChange={(e) => setForm({ ...form, stepLimit: num(e.target.value) })} />
        </label>
        <label className="flex flex-col gap-1">
          Spend cap a turn ($, 0 = none)
          <input type="number" min={0} step={0.1} data-testid="agent-spend-cap" className="rounded border border-border bg-background px-2 py-1" value={Number.isNaN(form.spendCapUsd) ? '' : form.spendCapUsd} onChange={(e) => setForm({ ...form, spendCapUsd: num(e.target.value) })} />
        </label>
        <label className="flex flex-col gap-1">
          Minutes a turn (0 = none)
          <input type="number" min={0} data-testid="agent-time-limit" className="rounded border border-border bg-background px-2 py-1" value={Number.isNaN(form.timeLimitSeconds) ? '' : Math.round(form.timeLimitSeconds / 60)} onChange={(e) => setForm({ ...form, timeLimitSeconds: Math.round(num(e.target.value) * 60) })} />
        </label>
      </div>
      <p className="text-xs text-muted-foreground">A turn that reaches a limit pauses; Continue goes on.</p>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-1" data-testid="agent-auto-approve" checked={form.autoApprove} onChange={(e) => setForm({ ...form, autoApprove: e.target.checked })} />
        <span>Run commands outside the allow-list without asking (the kinds below still ask unless ticked)</span>
      </label>
      <div className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
        {DANGERS.map((d) => (
          <label key={d.id} className="flex items-center gap-2">
            <input type="checkbox" data-testid={`agent-allow-${d.id}`} checked={!!form.allow[d.id]} onChange={(e) => setForm({ ...form, allow: { ...form.allow, [d.id]: e.target.checked } })} />
            Let run: {d.label}
          </label>
        ))}
      </div>
      <div className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
        {TOOLS.map((t) => (
          <label key={t.id} className="flex items-center justify-between gap-2">
            {t.label}
            <select
              data-testid={`agent-tool-${t.id}`}
              className="rounded border border-border bg-background px-1 py-0.5"
              value={form.tools[t.id] ?? ''}
              onChange={(e) => {
                const tools = { ...form.tools }
                if (e.target.value) tools[t.id] = e.target.value as ToolApproval
                else delete tools[t.id]
                setForm({ ...form, tools })
              }}
            >
              <option value="">Default</option>
              <option value="ask">Ask</option>
              <option value="always">Always</option>
              <option value="never">Never (not offered)</option>
            </select>
          </label>
        ))}
      </div>
      {error ? (
        <p role="alert" className="text-xs text-destructive" data-testid="agent-settings-error">
          {error}
        </p>
      ) : null}
      <div className="flex items-center gap-2">
        <Button type="button" size="sm" variant="outline" data-testid="agent-settings-save" disabled={saving} onClick={() => void save({ ...form, allow: Object.fromEntries(Object.entries(form.allow).filter(([, v]) => v)) })}>
          Save agent settings
        </Button>
        {done && !error ? (
          <span role="status" className="text-xs text-muted-foreground">
            Saved.
          </span>
        ) : null}
      </div>
    </fieldset>
  )
}
