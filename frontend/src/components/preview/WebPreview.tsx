import { useEffect, useState } from 'react'
import { Check, Copy, ExternalLink, Monitor, RefreshCw, Smartphone, Tablet } from 'lucide-react'
import { frameSandbox, openURL, previewIsolation } from '../../api'
import { Button } from '../ui/Button'
import { cn, copyText } from '../../lib/utils'

export type Device = 'phone' | 'tablet' | 'desktop'

/** The frame's size per device (CSS pixels); desktop fills the panel. */
export const DEVICES: Record<Device, { label: string; width?: number; height?: number }> = {
  phone: { label: 'Phone (390 × 844)', width: 390, height: 844 },
  tablet: { label: 'Tablet (820 × 1180)', width: 820, height: 1180 },
  desktop: { label: 'Desktop (full width)' },
}

const DEVICE_KEY = 'tessera.preview.device'

function savedDevice(): Device {
  try {
    const d = localStorage.getItem(DEVICE_KEY)
    return d === 'phone' || d === 'tablet' ? d : 'desktop'
  } catch {
    return 'desktop'
  }
}

/**
 * The sandbox's web app, in a sandboxed iframe (see src/api/security.ts for
 * what it may do). It is not shown at all when this window cannot keep
 * frames away from the app's bindings.
 */
/** Room the box keeps around a device frame (its p-3 padding, both sides). */
const FRAME_PAD = 24

/**
 * How much a device frame is scaled to fit the panel: a tablet's 820 px
 * page in a 640 px panel is laid out at 820 px and shown smaller, instead
 * of being squeezed to the panel (where it looked just like Desktop).
 */
export function fitScale(deviceWidth: number | undefined, boxWidth: number): number {
  if (!deviceWidth || boxWidth <= 0) return 1
  return Math.min(1, Math.max(0.1, (boxWidth - FRAME_PAD) / deviceWidth))
}

/** The box's width, followed as the panel is resized (0 until measured). */
function useWidth(): [(el: HTMLDivElement | null) => void, number] {
  const [width, setWidth] = useState(0)
  const [el, setEl] = useState<HTMLDivElement | null>(null)
  useEffect(() => {
    if (!el || typeof ResizeObserver === 'undefined') return
    const ro = new ResizeObserver(() => setWidth(el.clientWidth))
    ro.observe(el)
    setWidth(el.clientWidth)
    return () => ro.disconnect()
  }, [el])
  return [setEl, width]
}

export function WebPreview({ url, template = '', reloadKey = 0 }: { url: string; template?: string; reloadKey?: number }) {
  const [key, setKey] = useState(0)
  const [device, setDeviceState] = useState<Device>(savedDevice)
  const setDevice = (d: Device) => {
    setDeviceState(d)
    try {
      localStorage.setItem(DEVICE_KEY, d)
    } catch {
      /* the choice lasts this session only */
    }
  }
  const size = DEVICES[device]
  const [boxRef, boxWidth] = useWidth()
  const scale = fitScale(size.width, boxWidth)
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
        <div role="group" aria-label="Device size" className="flex">
          {(Object.keys(DEVICES) as Device[]).map((d) => {
            const Icon = d === 'phone' ? Smartphone : d === 'tablet' ? Tablet : Monitor
            return (
              <Button
                key={d}
                size="icon"
                variant="ghost"
                aria-label={DEVICES[d].label}
                aria-pressed={device === d}
                data-testid={`preview-device-${d}`}
                className={cn(device === d && 'bg-muted text-foreground')}
                onClick={() => setDevice(d)}
              >
                <Icon className="h-4 w-4" />
              </Button>
            )
          })}
        </div>
        <Button size="icon" variant="ghost" aria-label="Open in browser" data-testid="preview-open" onClick={() => openURL(url)}>
          <ExternalLink className="h-4 w-4" />
        </Button>
      </div>
      {!isolation.ok ? (
        <p role="alert" data-testid="preview-unsafe" className="m-3 rounded-md border border-destructive/60 p-3 text-sm text-destructive">
          {isolation.reason}
        </p>
      ) : (
      <div
        ref={boxRef}
        className={cn('relative flex min-h-0 flex-1', !!size.width && 'justify-center overflow-auto bg-muted/40 p-3')}
        data-testid="preview-frame-box"
        data-device={device}
        data-scale={scale.toFixed(2)}
      >
        {size.width && scale < 1 ? (
          <span data-testid="preview-scale" className="absolute right-2 top-1 rounded bg-background/80 px-1 text-[10px] text-muted-foreground">
            {size.width} px shown at {Math.round(scale * 100)} %
          </span>
        ) : null}
        {/* The frame keeps the device's width (the page lays out as on it) and is scaled to fit. */}
        <div style={size.width ? { width: size.width * scale, height: (size.height ?? 0) * scale, flexShrink: 0 } : undefined} className={size.width ? '' : 'flex min-h-0 w-full flex-1'}>
          <iframe
            key={`${key}#${reloadKey}`}
            data-testid="preview-iframe"
            title="App preview"
            src={url}
            sandbox={frameSandbox(url, template)}
            referrerPolicy="no-referrer"
            style={size.width ? { width: size.width, height: size.height, transform: `scale(${scale})`, transformOrigin: 'top left' } : undefined}
            className={cn('border-0 bg-white', size.width ? 'rounded-md shadow-md ring-1 ring-border' : 'min-h-0 w-full flex-1')}
          />
        </div>
      </div>
      )}
    </div>
  )
}
