import { Moon, Sun } from 'lucide-react'
import { useSettings } from '../../stores/settings'
import { useResolvedTheme } from '../../lib/theme'
import { Button } from './Button'

/** Flips between light and dark (the Settings dialog also offers "system"). */
export function ThemeToggle() {
  const setTheme = useSettings((s) => s.setTheme)
  const resolved = useResolvedTheme()
  const next = resolved === 'dark' ? 'light' : 'dark'
  return (
    <Button
      size="icon"
      variant="ghost"
      aria-label={`Switch to ${next} theme`}
      data-testid="theme-toggle"
      onClick={() => void setTheme(next)}
    >
      {resolved === 'dark' ? <Sun className="h-4 w-4" /> : <Moon className="h-4 w-4" />}
    </Button>
  )
}
