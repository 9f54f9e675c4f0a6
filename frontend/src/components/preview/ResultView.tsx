import { memo } from 'react'
import type { ExecError, ExecResult } from '../../api'
import { stripAnsi, utf8ToBase64 } from '../../lib/utils'
import { LazyMarkdown } from '../chat/LazyMarkdown'

export type ResultKind =
  | 'png'
  | 'jpeg'
  | 'svg'
  | 'html'
  | 'markdown'
  | 'latex'
  | 'json'
  | 'pdf'
  | 'javascript'
  | 'chart'
  | 'data'
  | 'text'

/** Richest format first, as Jupyter picks one representation per result. */
const ORDER: ResultKind[] = ['png', 'jpeg', 'svg', 'html', 'markdown', 'latex', 'json', 'pdf', 'javascript', 'chart', 'data', 'text']

function present(r: ExecResult, k: ResultKind): boolean {
  const v = (r as Record<string, unknown>)[k]
  if (v === undefined || v === null) return false
  if (typeof v === 'string') return v.length > 0
  return true
}

export function kindOf(r: ExecResult): ResultKind | null {
  return ORDER.find((k) => present(r, k)) ?? null
}

function pretty(v: unknown): string {
  if (typeof v === 'string') {
    try {
      return JSON.stringify(JSON.parse(v), null, 2)
    } catch {
      return v
    }
  }
  try {
    return JSON.stringify(v, null, 2)
  } catch {
    return String(v)
  }
}

/** The image data may already carry a data: prefix; keep only base64. */
function b64(s: string): string {
  const i = s.indexOf('base64,')
  return s.startsWith('data:') && i >= 0 ? s.slice(i + 7) : s.replace(/\s+/g, '')
}

const box = 'overflow-auto rounded-md border border-border bg-background'

/** One rich result. Nothing here can run code in the app's window. */
export const ResultView = memo(function ResultView({ result }: { result: ExecResult }) {
  const kind = kindOf(result)
  if (!kind) return null
  const common = { 'data-testid': 'preview-result', 'data-kind': kind }
  switch (kind) {
    case 'png':
    case 'jpeg':
      return (
        <figure {...common} className={box + ' p-2'}>
          <img
            src={`data:image/${kind};base64,${b64(result[kind] as string)}`}
            alt={result.text ? result.text.slice(0, 200) : 'Chart or image output'}
            className="mx-auto max-w-full"
          />
        </figure>
      )
    case 'svg':
      // As an <img>, an SVG cannot run scripts or touch the page.
      return (
        <figure {...common} className={box + ' bg-white p-2'}>
          <img src={`data:image/svg+xml;base64,${utf8ToBase64(result.svg as string)}`} alt="SVG output" className="mx-auto max-w-full" />
        </figure>
      )
    case 'html':
      // pandas tables and the like: inside an iframe with an empty sandbox (no scripts, opaque origin).
      return (
        <div {...common} className={box}>
          <iframe
            title="HTML output"
            sandbox=""
            srcDoc={`<!doctype html><meta charset="utf-8"><style>body{font:13px system-ui,sans-serif;margin:8px;color:#18181b;background:#fff}table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:2px 6px;text-align:right}</style>${result.html}`}
            className="h-64 w-full resize-y bg-white"
          />
        </div>
      )
    case 'markdown':
      return (
        <div {...common} className={box + ' markdown p-3 text-sm'}>
          <LazyMarkdown text={result.markdown as string} />
        </div>
      )
    case 'latex':
      return (
        <pre {...common} className={box + ' p-3 font-mono text-xs whitespace-pre-wrap'}>
          {result.latex}
        </pre>
      )
    case 'json':
    case 'chart':
    case 'data':
      return (
        <pre {...common} className={box + ' max-h-96 p-3 font-mono text-xs'}>
          {pretty(result[kind])}
        </pre>
      )
    case 'pdf':
      return (
        <div {...common} className={box + ' p-3 text-sm'}>
          <a
            href={`data:application/pdf;base64,${b64(result.pdf as string)}`}
            download="output.pdf"
            className="text-accent underline"
          >
            Download the PDF output
          </a>
        </div>
      )
    case 'javascript':
      // Shown, never run.
      return (
        <pre {...common} className={box + ' p-3 font-mono text-xs whitespace-pre-wrap'}>
          {result.javascript}
        </pre>
      )
    case 'text':
    default:
      return (
        <pre {...common} className={box + ' p-3 font-mono text-xs whitespace-pre-wrap'}>
          {stripAnsi(result.text ?? '')}
        </pre>
      )
  }
})

export function ExecErrorView({ error }: { error: ExecError }) {
  return (
    <div data-testid="preview-error" role="alert" className="rounded-md border border-destructive/60 bg-destructive/5 p-3">
      <p className="font-mono text-sm font-semibold text-destructive">
        {error.name}: {stripAnsi(error.value)}
      </p>
      {error.traceback ? (
        <pre className="mt-2 max-h-80 overflow-auto font-mono text-xs whitespace-pre-wrap">{stripAnsi(error.traceback)}</pre>
      ) : null}
    </div>
  )
}
