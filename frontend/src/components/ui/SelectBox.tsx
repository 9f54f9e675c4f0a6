import * as S from '@radix-ui/react-select'
import { Check, ChevronDown } from 'lucide-react'
import type { ReactNode } from 'react'
import { cn } from '../../lib/utils'

export interface SelectOption {
  value: string
  label: string
  disabled?: boolean
  /** Shown before the label, in the list and on the trigger. */
  icon?: ReactNode
}

export interface SelectGroup {
  label: string
  options: SelectOption[]
}

/**
 * Radix Select with groups. Radix reserves "" for "no value", so callers
 * map empty values (e.g. template Auto) to a sentinel.
 */
export function SelectBox(props: {
  value: string | undefined
  onValueChange: (v: string) => void
  groups: SelectGroup[]
  placeholder?: string
  ariaLabel: string
  testId?: string
  id?: string
  disabled?: boolean
  className?: string
}) {
  const all = props.groups.flatMap((g) => g.options)
  const current = all.find((o) => o.value === props.value)
  return (
    <S.Root value={current ? props.value : undefined} onValueChange={props.onValueChange} disabled={props.disabled}>
      <S.Trigger
        id={props.id}
        aria-label={props.ariaLabel}
        data-testid={props.testId}
        className={cn(
          'inline-flex h-8 min-w-0 items-center justify-between gap-2 rounded-md border border-border bg-background px-2 text-xs focus-visible:outline-2 focus-visible:outline-ring disabled:opacity-50',
          props.className,
        )}
      >
        <span className="truncate">
          <S.Value placeholder={props.placeholder ?? 'Choose…'}>
            {current?.icon ? <span className="mr-1.5 inline-flex align-[-2px]">{current.icon}</span> : null}
            {current?.label}
          </S.Value>
        </span>
        <S.Icon>
          <ChevronDown className="h-3.5 w-3.5 opacity-60" />
        </S.Icon>
      </S.Trigger>
      <S.Portal>
        <S.Content
          position="popper"
          sideOffset={4}
          className="z-[60] max-h-80 min-w-[var(--radix-select-trigger-width)] overflow-hidden rounded-md border border-border bg-card text-foreground shadow-lg"
        >
          <S.Viewport className="p-1">
            {props.groups.map((g, gi) => (
              <S.Group key={g.label || gi}>
                {g.label ? (
                  <S.Label className="px-2 py-1 text-[11px] font-semibold uppercase tracking-wide text-muted-foreground">
                    {g.label}
                  </S.Label>
                ) : null}
                {g.options.map((o) => (
                  <S.Item
                    key={o.value}
                    value={o.value}
                    disabled={o.disabled}
                    className="relative flex cursor-pointer select-none items-center rounded px-2 py-1.5 pl-6 text-xs outline-none data-[disabled]:opacity-50 data-[highlighted]:bg-muted"
                  >
                    <S.ItemIndicator className="absolute left-1.5">
                      <Check className="h-3 w-3" />
                    </S.ItemIndicator>
                    {o.icon ? <span className="mr-1.5 inline-flex">{o.icon}</span> : null}
                    <S.ItemText>{o.label}</S.ItemText>
                  </S.Item>
                ))}
              </S.Group>
            ))}
          </S.Viewport>
        </S.Content>
      </S.Portal>
    </S.Root>
  )
}

export const AUTO = '__auto__'
export const toSelect = (v: string) => (v === '' ? AUTO : v)
export const fromSelect = (v: string) => (v === AUTO ? '' : v)
