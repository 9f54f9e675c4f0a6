import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { uploadsApi } from '../../api/uploads'
import { useUploads } from '../../stores/uploads'
import { UploadButton, UploadDropZone, UploadList } from './Uploads'
import { ApiError } from '../../api'

vi.mock('../../api/uploads', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api/uploads')>()),
  uploadsApi: { upload: vi.fn(), pick: vi.fn(), list: vi.fn(async () => []), onChosen: vi.fn(() => () => {}) },
}))
const u = uploadsApi as unknown as { [K in keyof typeof uploadsApi]: ReturnType<typeof vi.fn> }

beforeEach(() => {
  vi.clearAllMocks()
  useUploads.setState({ byProject: {}, busy: {}, error: {}, picking: {} })
})

function dropFiles(el: Element, files: File[]) {
  const dataTransfer = { files, types: ['Files'], dropEffect: 'none' }
  fireEvent.dragEnter(el, { dataTransfer })
  expect(screen.getByTestId('upload-drop-overlay')).toBeTruthy()
  fireEvent.drop(el, { dataTransfer })
}

describe('uploads in the chat', () => {
  it('says "Choose files…" while the file dialog is open, not "Uploading…"; back to Upload when it closes', async () => {
    let close: (r: unknown) => void = () => {}
    u.pick.mockReturnValue(new Promise((resolve) => (close = resolve)))
    render(<UploadButton projectId="p1" />)
    fireEvent.click(screen.getByTestId('chat-upload'))
    await waitFor(() => expect(screen.getByTestId('chat-upload')).toHaveTextContent('Choose files…'))
    expect(screen.getByTestId('chat-upload')).not.toHaveTextContent('Uploading')
    close({ uploads: [] })
    await waitFor(() => expect(screen.getByTestId('chat-upload')).toHaveTextContent(/^Upload$/))
  })

  it('a drop onto the chat uploads the files and lists them', async () => {
    u.upload.mockResolvedValue({ uploads: [{ path: 'data/sales.csv', size: 2048, kind: 'csv', summary: 'CSV, 2 columns', createdAt: '' }] })
    render(
      <UploadDropZone projectId="p1">
        <p>chat</p>
        <UploadList projectId="p1" />
      </UploadDropZone>,
    )
    dropFiles(screen.getByTestId('upload-drop-zone'), [new File(['a,b\n'], 'sales.csv')])
    const item = await screen.findByTestId('upload-item')
    expect(item.dataset.path).toBe('data/sales.csv')
    expect(item.textContent).toContain('2.0 KB')
    expect(item.getAttribute('title')).toBe('CSV, 2 columns')
    expect(u.upload).toHaveBeenCalledWith('p1', [{ name: 'sales.csv', data: btoa('a,b\n') }])
    expect(screen.queryByTestId('upload-drop-overlay')).toBeNull()
  })

  it('a refused upload says why', async () => {
    u.upload.mockRejectedValue(new ApiError('invalid', 'Two files are named "a.txt"; upload one of them.'))
    render(
      <UploadDropZone projectId="p1">
        <UploadList projectId="p1" />
      </UploadDropZone>,
    )
    dropFiles(screen.getByTestId('upload-drop-zone'), [new File(['1'], 'a.txt'), new File(['2'], 'A.txt')])
    expect((await screen.findByTestId('upload-error')).textContent).toContain('Two files are named')
  })

  it('the button opens the system dialog, and the page picker where there is none', async () => {
    u.pick.mockRejectedValueOnce(new ApiError('unavailable', 'The file dialog is not available here. Drop the files onto the chat instead.'))
    render(<UploadButton projectId="p1" />)
    const input = screen.getByTestId('upload-input') as HTMLInputElement
    const clicked = vi.fn()
    input.addEventListener('click', clicked)
    fireEvent.click(screen.getByTestId('chat-upload'))
    await waitFor(() => expect(clicked).toHaveBeenCalled())
    expect(u.pick).toHaveBeenCalledWith('p1')
    expect(useUploads.getState().error.p1).toBeNull()
  })
})
