import type { Components } from 'react-markdown'
import { openURL } from '../../api'

/**
 * Links open in the system browser (navigating the app's own window would
 * leave Tessera); remote images are not fetched (offline, no tracking).
 */
export const markdownComponents: Components = {
  a: ({ href, children }) => (
    <a
      href={href}
      onClick={(e) => {
        e.preventDefault()
        if (href) openURL(href)
      }}
      rel="noreferrer noopener"
    >
      {children}
    </a>
  ),
  img: ({ alt, src }) => <span className="text-muted-foreground">[image{alt ? `: ${alt}` : ''}{typeof src === 'string' && src ? ` (${src})` : ''}]</span>,
}
