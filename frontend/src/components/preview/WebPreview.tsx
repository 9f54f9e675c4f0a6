import { useState } from 'react'
import { Check, Copy, ExternalLink, RefreshCw } from 'lucide-react'
import { openURL } from '../../api'
import { Button } from '../ui/Button'
import { copyText } from '../../lib/utils'

/**
 * The sandbox's web app. The frame's src is the sandbox host (https://<port>-<id>.<domain>),
 * a different origin from the app (wails://, http://wails.localhost), so the
 * same-origin policy already keeps it away from the app and its bindings.
 *
 * allow-same-origin is added ONLY when that URL's origin differs from ours: it
 * lets the framed app keep its own origin, which dev servers need (Next.js and
 * Vite HMR fetch their own chunks, Streamlit and Gradio use fetch/websockets to
 * their own host and localStorage; under an opaque origin these break). It
 * never grants access to the app, because the origins differ. A same-origin
 * URL (should one ever appear) gets no allow-same-origin, so scripts in it
 * cannot remove the sandbox.
 */
export function frameSandbox(url: string, appOrigin = window.location.origin): string {
  const base = 'allow-scripts allow-forms allow-popups allow-modals allow-downloads'
  try {
    const u = new URL(url)
    if ((u.protocol === 'https:' || u.protocol === 'http:') && u.origin !== appOrigin) return `${base} allow-same-origin`
  } catch {
    // not a URL: no extra rights
  }
  return base
}

export function WebPreview({ url }: { url: string }) {
  const [key, setKey] = useState(0)
  const [copied, setCopied] = useState(false)
  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-1 border-b border-border px-2 py-1">
        <Button size="icon" variant="ghost" aria-label="Refresh preview" data-testid="preview-refresh" onClick={() => setKey((k) => k + 1)}>
          <RefreshCw className="h-4 w-4" />
        </Button>
        <span className="min-w-0 flex-1 truncate rounded-full bg-muted px-3 py-1 font-mono text-xs" data-testid="preview-url" title={url}>
          {url}
        </span>
        <Button
          size="icon"
          variant="ghost"
          aria-label="Copy URL"
          data-testid="preview-copy-url"
          onClick={() =>
            void copyText(url).then((ok) => {
              setCopied(ok)
              setTimeout(() => setCopied(false), 1000)
            })
          }
        >
          {copied ? <Check className="h-4 w-4" /> : <Copy className="h-4 w-4" />}
        </Button>
        <Button size="icon" variant="ghost" aria-label="Open in browser" data-testid="preview-open" onClick={() => openURL(url)}>
          <ExternalLink className="h-4 w-4" />
        </Button>
      </div>
      <iframe
        key={key}
        data-testid="preview-iframe"
        title="App preview"
        src={url}
        sandbox={frameSandbox(url)}
        referrerPolicy="no-referrer"
        className="min-h-0 w-full flex-1 border-0 bg-white"
      />
    </div>
  )
}
