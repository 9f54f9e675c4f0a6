import type { FileEntry, Fragment, Message, Partial as PartialFragment, RunResult } from '../api'

/** One shape for the preview, whether the fragment is stored or still streaming. */
export interface FragmentView {
  title: string
  description: string
  template: string
  commentary: string
  files: FileEntry[]
}

export function fragmentFromStored(f: Fragment | null | undefined): FragmentView | null {
  if (!f) return null
  let files: FileEntry[] = []
  if (Array.isArray(f.files) && f.files.length > 0) {
    files = f.files.filter((x) => x && typeof x.path === 'string').map((x) => ({ path: x.path, content: x.content ?? '' }))
  } else if (typeof f.code === 'string') {
    files = [{ path: f.file_path || 'main', content: f.code }]
  } else if (Array.isArray(f.code)) {
    files = f.code.map((c, i) => ({
      path: c.file_path || c.file_name || `file-${i + 1}`,
      content: c.file_content ?? '',
    }))
  }
  return {
    title: f.title ?? '',
    description: f.description ?? '',
    template: f.template ?? '',
    commentary: f.commentary ?? '',
    files,
  }
}

export function fragmentFromPartial(p: PartialFragment | null | undefined): FragmentView | null {
  if (!p) return null
  return {
    title: p.title ?? '',
    description: p.description ?? '',
    template: p.template ?? '',
    commentary: p.commentary ?? '',
    files: (p.files ?? []).filter(Boolean).map((x) => ({ path: x.path ?? '', content: x.content ?? '' })),
  }
}

/** The text shown in the chat for an assistant message. */
export function commentaryOf(m: Message): string {
  if (m.content) return m.content
  return m.fragment?.commentary ?? ''
}

export function isPythonTemplate(template: string): boolean {
  return template === 'code-interpreter-v1' || template.startsWith('code-interpreter')
}

export function emptyResult(template: string): RunResult {
  return {
    kind: isPythonTemplate(template) ? 'python' : 'web',
    template,
    stdout: [],
    stderr: [],
    results: [],
  }
}

export function languageOf(path: string): string {
  const ext = path.toLowerCase().split('.').pop() ?? ''
  switch (ext) {
    case 'py':
      return 'python'
    case 'ts':
      return 'typescript'
    case 'tsx':
      return 'tsx'
    case 'js':
    case 'mjs':
    case 'cjs':
      return 'javascript'
    case 'jsx':
      return 'jsx'
    case 'vue':
      return 'vue'
    case 'css':
      return 'css'
    case 'html':
    case 'htm':
      return 'html'
    case 'json':
      return 'json'
    case 'md':
    case 'markdown':
      return 'markdown'
    default:
      return 'text'
  }
}
