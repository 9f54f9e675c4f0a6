/** A small inline SVG line chart (no axes): values scaled to 0..max. */
export function Sparkline({
  values,
  max,
  label,
  testId,
  className = 'stroke-emerald-500',
  width = 120,
  height = 28,
}: {
  values: number[]
  max: number
  label: string
  testId?: string
  className?: string
  width?: number
  height?: number
}) {
  const top = max > 0 ? max : Math.max(1, ...values)
  const n = values.length
  const points = values
    .map((v, i) => {
      const x = n === 1 ? width : (i / (n - 1)) * width
      const y = height - (Math.min(Math.max(v, 0), top) / top) * (height - 2) - 1
      return `${x.toFixed(1)},${y.toFixed(1)}`
    })
    .join(' ')
  return (
    <svg role="img" aria-label={label} data-testid={testId} data-points={n} width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="overflow-visible">
      <title>{label}</title>
      <line x1={0} y1={height - 1} x2={width} y2={height - 1} className="stroke-border" strokeWidth={1} />
      {n > 0 ? <polyline points={points} fill="none" strokeWidth={1.5} className={className} /> : null}
    </svg>
  )
}
