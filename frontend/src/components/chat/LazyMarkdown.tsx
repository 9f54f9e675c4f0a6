import { lazy, Suspense } from 'react'

const load = () => import('./MarkdownRender')
const MarkdownRender = lazy(load)

/**
 * Markdown as the chat and the results show it. The renderer (a sixth of
 * the page's code) is not parsed before the first paint: until it is
 * there, the same text shows as plain text, then it is formatted.
 */
export function LazyMarkdown({ text }: { text: string }) {
  return (
    <Suspense fallback={<span className="whitespace-pre-wrap">{text}</span>}>
      <MarkdownRender text={text} />
    </Suspense>
  )
}

/** Fetches the renderer while the page is idle. */
export function prefetchMarkdown(): void {
  void load()
}
