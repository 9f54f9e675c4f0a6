// Names are measured and cut by what a person sees (grapheme clusters), as
// the backend does (backend/names): a family emoji is one character, and a
// cut never splits one.

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** The characters a person sees in s. */
export function graphemes(s: string): string[] {
  return Array.from(segmenter.segment(s), (g) => g.segment)
}

/** How many characters a person sees in s. */
export function nameLength(s: string): number {
  return graphemes(s).length
}

/**
 * s cut to at most max characters, ending in "…" when something was cut:
 * for names inside sentences (dialog texts, menu items, notices), where CSS
 * cannot put the ellipsis.
 */
export function cutName(s: string, max = 48): string {
  const g = graphemes(s)
  if (g.length <= max) return s
  return g.slice(0, Math.max(0, max - 1)).join('') + '…'
}
