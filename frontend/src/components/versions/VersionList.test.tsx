import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Version } from '../../api/versions'
import { VersionList } from './VersionList'

function ver(id: string, message: string, extra: Partial<Version> = {}): Version {
  return { id, time: '2026-05-01T10:00:00Z', message, kind: 'turn', messageId: '', model: '', restoredFrom: '', filesChanged: ['app.py'], current: false, conflicts: [], restorePoint: false, ...extra }
}

describe('VersionList', () => {
  it('labels outside edits and undos, and names the files a turn wrote over an outside edit', () => {
    render(
      <VersionList
        selected={null}
        onSelect={() => undefined}
        versions={[
          ver('c', 'make it blue', { conflicts: ['app.py'], current: true }),
          ver('b', 'Edited outside Tessera', { kind: 'outside' }),
          ver('a', 'Undid: first', { kind: 'undo' }),
        ]}
      />,
    )
    const rows = screen.getAllByTestId('version-row')
    expect(rows[1]).toHaveTextContent('Outside Tessera')
    expect(rows[2]).toHaveTextContent('Undone')
    const note = screen.getByTestId('version-conflict')
    expect(note).toHaveTextContent('app.py')
    expect(rows[0]).toContainElement(note)
    expect(screen.getAllByTestId('version-conflict')).toHaveLength(1)
  })
})
