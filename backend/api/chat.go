package api

import (
	"context"

	"tessera/backend/chat"
	"tessera/backend/store"
)

// Chat is what ChatService needs from the chat orchestrator.
type Chat interface {
	Send(ctx context.Context, req chat.SendRequest) (chat.Result, error)
	Retry(ctx context.Context, req chat.RetryRequest) (chat.Result, error)
	Stop(requestID string)
	Undo(ctx context.Context, projectID string) (chat.UndoResult, error)
	UndoAnyway(ctx context.Context, projectID string) (chat.UndoResult, error)
	Redo(ctx context.Context, projectID string) (chat.UndoResult, error)
	CanRedo(projectID string) bool
	Clear(ctx context.Context, projectID string) error
	Delete(ctx context.Context, projectID, messageID string) error
	History(ctx context.Context, projectID string, beforeSeq int64, limit int) ([]store.Message, bool, error)
	Files(ctx context.Context, projectID string) ([]chat.File, error)
}

// ChatService is the chat of a project. Bound.
type ChatService struct {
	ctx  func() context.Context
	chat Chat
}

// NewChatService builds the service.
func NewChatService(ctx func() context.Context, c Chat) *ChatService {
	return &ChatService{ctx: ctx, chat: c}
}

// userSavedError is a failed Send or Retry after the person's message was
// saved; it keeps the cause's code and sentence.
type userSavedError struct {
	err error
	id  string
}

func (e userSavedError) Error() string { return e.err.Error() }
func (e userSavedError) Unwrap() error { return e.err }

// Send saves the person's message, streams the answer on
// "chat:delta:<requestId>", runs the fragment and returns the saved
// messages when everything is done. A step that fails after the answer was
// saved is reported inside the assistant message (with a retry), not as an
// error. An error with userMessageId set (see ErrorDTO) came after the
// person's message was saved: it is in the chat, so the draft goes; an
// error without it means nothing was kept and the draft should stay.
func (s *ChatService) Send(req SendRequest) (SendResult, error) {
	return toSendResult(s.chat.Send(s.ctx(), req.domain()))
}

// Retry generates the last answer again.
func (s *ChatService) Retry(req RetryRequest) (SendResult, error) {
	return toSendResult(s.chat.Retry(s.ctx(), req.domain()))
}

// Stop cancels a running request at once; the partial answer is kept.
func (s *ChatService) Stop(requestID string) { s.chat.Stop(requestID) }

// UndoResult says what Undo or Redo did: Restored when the project's
// files went back (or forward) to another version, Warning when the
// sandbox could not take them now, CanRedo whether Redo has more.
type UndoResult struct {
	Restored bool   `json:"restored"`
	Warning  string `json:"warning,omitempty"`
	CanRedo  bool   `json:"canRedo"`
	// Files: what Undo did to the files ("restored", "unchanged" or
	// "already": they were back already); empty for Redo.
	Files string `json:"files,omitempty"`
	// Agent: the exchange was an agent turn, and only the files that turn
	// changed went back.
	Agent bool `json:"agent,omitempty"`
}

// Undo takes the last exchange out of the chat and restores the files of
// the version before its answer (a new version: nothing is lost).
func (s *ChatService) Undo(projectID string) (UndoResult, error) {
	r, err := s.chat.Undo(s.ctx(), projectID)
	return UndoResult(r), err
}

// UndoAnyway is Undo after the person chose "Restore anyway": Undo of an
// agent turn refused (a Conflict on field "anyway") because they edited
// one of its files since.
func (s *ChatService) UndoAnyway(projectID string) (UndoResult, error) {
	r, err := s.chat.UndoAnyway(s.ctx(), projectID)
	return UndoResult(r), err
}

// Redo puts back the exchange the last Undo took, with its files.
func (s *ChatService) Redo(projectID string) (UndoResult, error) {
	r, err := s.chat.Redo(s.ctx(), projectID)
	return UndoResult(r), err
}

// CanRedo reports whether Redo has something to bring back (the page asks
// when it opens a project).
func (s *ChatService) CanRedo(projectID string) bool { return s.chat.CanRedo(projectID) }

// Clear drops the whole chat of a project (its files are kept).
func (s *ChatService) Clear(projectID string) error { return s.chat.Clear(s.ctx(), projectID) }

// DeleteMessage removes one answer, or one prompt with its answers.
func (s *ChatService) DeleteMessage(req DeleteMessageRequest) error {
	return s.chat.Delete(s.ctx(), req.ProjectID, req.MessageID)
}

// History returns one page of a project's chat (newest page first), so a
// long chat opens as fast as a short one.
func (s *ChatService) History(req HistoryRequest) (HistoryPage, error) {
	ms, more, err := s.chat.History(s.ctx(), req.ProjectID, req.BeforeSeq, req.Limit)
	return HistoryPage{Messages: toMessages(ms), HasMore: more}, err
}

// Files returns the project's files (the local copy).
func (s *ChatService) Files(projectID string) ([]File, error) {
	fs, err := s.chat.Files(s.ctx(), projectID)
	return toFiles(fs), err
}
