import { useState } from 'react'
import { Check, Copy, ExternalLink, RefreshCw } from 'lucide-react'
import { frameSandbox, openURL, previewIsolation } from '../../api'
import { Button } from '../ui/Button'
import { copyText } from '../../lib/utils'

/**
 * The sandbox's web app, in a sandboxed iframe (see src/api/security.ts for
 * what it may do). It is not shown at all when this window cannot keep
 * frames away from the app's bindings.
 */
export function WebPreview({ url, template = '' }: { url: string; template?: string }) {
  const [key, setKey] = useState(0)
  const [copied, setCopied] = useState(false)
  const [isolation] = useState(previewIsolation)
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
      {!isolation.ok ? (
        <p role="alert" data-testid="preview-unsafe" className="m-3 rounded-md border border-destructive/60 p-3 text-sm text-destructive">
          {isolation.reason}
        </p>
      ) : (
      <iframe
        key={key}
        data-testid="preview-iframe"
        title="App preview"
        src={url}
        sandbox={frameSandbox(url, template)}
        referrerPolicy="no-referrer"
        className="min-h-0 w-full flex-1 border-0 bg-white"
      />
      )}
    </div>
  )
}
