import { templateKind } from '../../lib/templates'
import { cn } from '../../lib/utils'

/**
 * A small drawing of what a starter shows, inline so the gallery works
 * offline and needs no image files: a landing page, a to-do list, a
 * dashboard, a form, a notebook cell; an empty project is a dashed page.
 */
export function StarterPicture({ template, empty, className }: { template: string; empty: boolean; className?: string }) {
  const kind = templateKind(template)
  return (
    <svg viewBox="0 0 120 72" role="img" aria-hidden data-testid="starter-picture" data-kind={empty ? 'empty' : kind}
      className={cn('h-16 w-full rounded border border-border bg-muted/40', className)}>
      {empty ? (
        <rect x="30" y="10" width="60" height="52" rx="4" fill="none" stroke="currentColor" strokeOpacity="0.4" strokeDasharray="4 3" />
      ) : kind === 'nextjs' ? (
        <g fill="currentColor">
          <rect x="30" y="8" width="60" height="8" rx="2" opacity="0.7" />
          <rect x="40" y="20" width="40" height="4" rx="2" opacity="0.35" />
          <rect x="46" y="28" width="28" height="7" rx="2" fill="#0ea5e9" />
          {[10, 46, 82].map((x) => (
            <rect key={x} x={x} y="44" width="28" height="20" rx="3" opacity="0.25" />
          ))}
        </g>
      ) : kind === 'vue' ? (
        <g>
          {[12, 30, 48].map((y, i) => (
            <g key={y}>
              <rect x="28" y={y} width="10" height="10" rx="2" fill={i === 0 ? '#10b981' : 'none'} stroke="#10b981" />
              <rect x="44" y={y + 3} width="48" height="4" rx="2" fill="currentColor" opacity={i === 0 ? 0.25 : 0.5} />
            </g>
          ))}
        </g>
      ) : kind === 'streamlit' ? (
        <g>
          <rect x="6" y="6" width="24" height="60" rx="2" fill="currentColor" opacity="0.15" />
          {[38, 64, 90].map((x) => (
            <rect key={x} x={x} y="8" width="22" height="12" rx="2" fill="currentColor" opacity="0.25" />
          ))}
          <polyline points="38,60 52,44 66,50 80,32 96,38 112,26" fill="none" stroke="#ef4444" strokeWidth="2.5" />
        </g>
      ) : kind === 'gradio' ? (
        <g>
          <rect x="10" y="10" width="46" height="40" rx="3" fill="none" stroke="currentColor" strokeOpacity="0.5" />
          <rect x="10" y="54" width="46" height="9" rx="2" fill="#f97316" />
          <rect x="64" y="10" width="46" height="18" rx="3" fill="currentColor" opacity="0.2" />
          <rect x="64" y="32" width="46" height="18" rx="3" fill="currentColor" opacity="0.2" />
        </g>
      ) : (
        <g>
          <rect x="8" y="8" width="104" height="14" rx="2" fill="currentColor" opacity="0.15" />
          <text x="12" y="18" fontSize="8" fontFamily="monospace" fill="currentColor" opacity="0.7">[1] df.plot()</text>
          {[0, 1, 2, 3, 4, 5].map((i) => (
            <rect key={i} x={16 + i * 16} y={64 - (12 + ((i * 7) % 5) * 7)} width="10" height={12 + ((i * 7) % 5) * 7} fill="#6366f1" opacity="0.8" />
          ))}
        </g>
      )}
    </svg>
  )
}
