import { Blocks, ChartLine, Gauge, Layers, Sparkles, Terminal, Triangle, type LucideIcon } from 'lucide-react'
import { templateKind, type TemplateKind } from '../../lib/templates'
import { cn } from '../../lib/utils'

const ICONS: Record<TemplateKind, LucideIcon> = {
  python: ChartLine,
  nextjs: Triangle,
  vue: Layers,
  streamlit: Gauge,
  gradio: Blocks,
  auto: Sparkles,
  other: Terminal,
}

/** The template's own icon (fragment cards, the preview header). */
export function TemplateIcon({ template, className }: { template: string; className?: string }) {
  const kind = templateKind(template)
  const Icon = ICONS[kind]
  return <Icon data-testid="template-icon" data-kind={kind} aria-hidden className={cn('h-4 w-4', className)} />
}
