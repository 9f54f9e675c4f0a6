import type { Template } from '../api'

/**
 * The name the template picker shows for a template id ("Python data
 * analyst" for code-interpreter-v1), so cards and headers use the same
 * words. Unknown ids (a custom template removed since) show as they are;
 * an empty id is Auto.
 */
export function templateName(id: string, templates: Template[]): string {
  if (!id) return 'Auto'
  return templates.find((t) => t.id === id)?.name || id
}

/** Which picture a template gets: one per built-in kind, a terminal for the rest. */
export type TemplateKind = 'python' | 'nextjs' | 'vue' | 'streamlit' | 'gradio' | 'auto' | 'other'

export function templateKind(id: string): TemplateKind {
  if (!id) return 'auto'
  if (id.startsWith('code-interpreter')) return 'python'
  if (id.startsWith('nextjs')) return 'nextjs'
  if (id.startsWith('vue')) return 'vue'
  if (id.startsWith('streamlit')) return 'streamlit'
  if (id.startsWith('gradio')) return 'gradio'
  return 'other'
}
