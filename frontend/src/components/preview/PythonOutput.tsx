import type { RunResult } from '../../api'
import { stripAnsi } from '../../lib/utils'
import { ExecErrorView, ResultView } from './ResultView'

export function PythonOutput({ result, running }: { result: RunResult; running?: boolean }) {
  const stdout = (result.stdout ?? []).join('')
  const stderr = (result.stderr ?? []).join('')
  const results = result.results ?? []
  const empty = !stdout && !stderr && results.length === 0 && !result.error
  return (
    <div className="flex h-full flex-col gap-3 overflow-auto p-3">
      {result.error ? <ExecErrorView error={result.error} /> : null}
      {results.map((r, i) => (
        <ResultView key={i} result={r} />
      ))}
      {stdout ? (
        <section aria-label="Output">
          <h4 className="mb-1 text-xs font-semibold text-muted-foreground">Output</h4>
          <pre data-testid="preview-stdout" className="max-h-80 overflow-auto rounded-md bg-muted p-2 font-mono text-xs whitespace-pre-wrap">
            {stripAnsi(stdout)}
          </pre>
        </section>
      ) : null}
      {stderr ? (
        <section aria-label="Errors and warnings">
          <h4 className="mb-1 text-xs font-semibold text-muted-foreground">Errors and warnings</h4>
          <pre data-testid="preview-stderr" className="max-h-80 overflow-auto rounded-md bg-muted p-2 font-mono text-xs whitespace-pre-wrap text-destructive">
            {stripAnsi(stderr)}
          </pre>
        </section>
      ) : null}
      {empty ? (
        <p className="text-sm text-muted-foreground">{running ? 'Running…' : 'No output or logs.'}</p>
      ) : null}
    </div>
  )
}
