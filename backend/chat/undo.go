package chat

// Undo and Redo. Undo takes the last exchange (the person's last message
// and the answers after it) out of the chat and, when its answer changed
// the files, restores the version before that answer's version, as a new
// version (nothing is lost: History keeps every one). Redo puts the
// exchange back, with the same messages, and restores the version that
// was current when Undo was pressed. The chat list therefore always shows
// the exchanges whose files are in the project; the model's next prompt
// sees the same. Several Undos can be redone in reverse order; a new turn
// (Send, Retry), Delete or Clear forgets what could be redone. The redo
// list lives in memory: after a restart the Versions panel still has every
// version to restore.

import (
	"context"
	"errors"

	"tessera/backend/apperr"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// Restorer brings back versions of a project's files for Undo and Redo:
// in the folder, in project_files and in the sandbox (package api).
type Restorer interface {
	// UndoTurn restores the version before the newest version made by one
	// of the answers messageIDs. It returns the version that was current
	// before (what Redo brings back) and whether anything was restored (no
	// answer made a version: "", false; the files were already so: the
	// current version, false). warning says the sandbox could not take the
	// files now.
	UndoTurn(ctx context.Context, projectID string, messageIDs []string) (current string, restored bool, warning string, err error)
	// RestoreVersion restores a version (Redo). restored is false when the
	// files were already those.
	RestoreVersion(ctx context.Context, projectID, versionID string) (restored bool, warning string, err error)
}

// AgentUndoer undoes an agent turn for Undo (package api over
// backend/agent): only the files the turn changed go back to what they
// were before it; the person's other files, and edits of theirs made
// since to files the turn did not touch, stay.
type AgentUndoer interface {
	// UndoAgentTurn undoes the agent turn kept with one of the answers
	// messageIDs. handled is false when none of them is an agent turn that
	// changed files (the Restorer undoes the exchange then). current is
	// the version before the undo (what Redo brings back); restored is
	// false when the files were already back. When the person edited one
	// of the turn's files since, it fails with a Conflict naming
	// agent.AnywayField and changes nothing, unless anyway.
	UndoAgentTurn(ctx context.Context, projectID string, messageIDs []string, anyway bool) (handled bool, current string, restored bool, err error)
}

// UndoResult says what Undo or Redo did.
type UndoResult struct {
	// Restored is true when the project's files changed.
	Restored bool
	// Warning is set when the sandbox could not take the files now (they
	// reach it when it is back).
	Warning string
	// CanRedo says whether Redo has more to bring back.
	CanRedo bool
	// Files says what Undo did to the files, so the page's sentence is
	// computed from it (issue 29): FilesRestored, FilesUnchanged (the
	// exchange had changed no file) or FilesAlready (it had, but they were
	// already back, e.g. restored in between); "" for Redo or without
	// versions.
	Files string
	// Agent is true when the exchange was an agent turn: only the files
	// that turn changed were undone.
	Agent bool
}

// What Undo did to the project's files (UndoResult.Files).
const (
	FilesRestored  = "restored"
	FilesUnchanged = "unchanged"
	FilesAlready   = "already"
)

// undone is one exchange Undo took away.
type undone struct {
	messages []store.Message // with their attachments, oldest first
	version  string          // the version to restore on Redo ("" = files untouched)
}

// maxRedo bounds the exchanges kept for Redo per project.
const maxRedo = 50

// busyUndo marks a project's turn slot while Undo or Redo change its files
// and chat, so no turn starts (Send answers "still working") meanwhile.
const busyUndo = "\x00undo"

// hold takes the project's turn slot for Undo or Redo.
func (s *Service) hold(projectID string) (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, busy := s.projects[projectID]; busy {
		return nil, apperr.New(apperr.Conflict, "Stop the running message first.")
	}
	s.projects[projectID] = busyUndo
	return func() {
		s.mu.Lock()
		delete(s.projects, projectID)
		s.mu.Unlock()
	}, nil
}

func (s *Service) forgetRedo(projectID string) {
	s.mu.Lock()
	delete(s.redo, projectID)
	s.mu.Unlock()
}

// CanRedo reports whether Redo has something to bring back.
func (s *Service) CanRedo(projectID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.redo[projectID]) > 0
}

// Undo takes the last exchange back and restores the files from before it
// (for an agent turn, only the files it changed; a Conflict, changing
// nothing, when the person edited one of them since).
func (s *Service) Undo(ctx context.Context, projectID string) (UndoResult, error) {
	return s.undo(ctx, projectID, false)
}

// UndoAnyway is Undo after the person confirmed that an agent turn's files
// go back over the edits they made since.
func (s *Service) UndoAnyway(ctx context.Context, projectID string) (UndoResult, error) {
	return s.undo(ctx, projectID, true)
}

func (s *Service) undo(ctx context.Context, projectID string, anyway bool) (UndoResult, error) {
	release, err := s.hold(projectID)
	if err != nil {
		return UndoResult{}, err
	}
	defer release()
	from := int64(0) // only answers (an interrupted first turn): they all go
	last, err := s.cfg.Store.LastUserMessage(ctx, projectID)
	switch {
	case err == nil:
		from = last.Seq
	case !apperr.Is(err, apperr.NotFound):
		return UndoResult{}, err
	}
	msgs, err := s.exchange(ctx, projectID, from)
	if err != nil {
		return UndoResult{}, err
	}
	if len(msgs) == 0 {
		return UndoResult{}, apperr.New(apperr.Invalid, "There is nothing to undo.")
	}
	var res UndoResult
	u := undone{messages: msgs}
	var answers []string
	for _, m := range msgs {
		if m.Role == "assistant" {
			answers = append(answers, m.ID)
		}
	}
	handled := false
	if s.cfg.AgentUndo != nil {
		ok, cur, restored, err := s.cfg.AgentUndo.UndoAgentTurn(ctx, projectID, answers, anyway)
		if err != nil {
			return UndoResult{}, err
		}
		if handled = ok; handled {
			res.Agent = true
			if restored {
				u.version = cur
			}
			res.Restored, res.Files = restored, FilesRestored
			if !restored {
				res.Files = FilesAlready
			}
		}
	}
	if s.cfg.Restorer != nil && !handled {
		cur, restored, warning, err := s.cfg.Restorer.UndoTurn(ctx, projectID, answers)
		if err != nil {
			return UndoResult{}, err
		}
		if restored {
			u.version = cur
		}
		res.Restored, res.Warning = restored, warning
		switch {
		case restored:
			res.Files = FilesRestored
		case cur != "":
			res.Files = FilesAlready
		default:
			res.Files = FilesUnchanged
		}
	}
	if err := s.cfg.Store.DeleteMessagesFrom(ctx, projectID, from); err != nil {
		return res, err
	}
	s.mu.Lock()
	st := append(s.redo[projectID], u)
	if len(st) > maxRedo {
		st = st[len(st)-maxRedo:]
	}
	s.redo[projectID] = st
	s.mu.Unlock()
	res.CanRedo = true
	return res, nil
}

// exchange reads the messages from seq on, with their attachments.
func (s *Service) exchange(ctx context.Context, projectID string, from int64) ([]store.Message, error) {
	var out []store.Message
	before := int64(0)
	for {
		page, more, err := s.cfg.Store.ListMessagesPage(ctx, projectID, before, MaxPage)
		if err != nil {
			return nil, err
		}
		stop := !more
		for i := len(page) - 1; i >= 0; i-- {
			if page[i].Seq < from {
				stop = true
				continue
			}
			out = append(out, page[i])
		}
		if stop || len(page) == 0 {
			break
		}
		before = page[0].Seq
	}
	// Oldest first.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Redo brings back what the last Undo took: its messages and its files.
func (s *Service) Redo(ctx context.Context, projectID string) (UndoResult, error) {
	release, err := s.hold(projectID)
	if err != nil {
		return UndoResult{}, err
	}
	defer release()
	s.mu.Lock()
	st := s.redo[projectID]
	if len(st) == 0 {
		s.mu.Unlock()
		return UndoResult{}, apperr.New(apperr.Invalid, "There is nothing to redo.")
	}
	u := st[len(st)-1]
	s.redo[projectID] = st[:len(st)-1]
	s.mu.Unlock()
	var res UndoResult
	if u.version != "" && s.cfg.Restorer != nil {
		restored, warning, err := s.cfg.Restorer.RestoreVersion(ctx, projectID, u.version)
		if err != nil && !errors.Is(err, workspace.ErrNoChanges) {
			s.pushBack(projectID, u)
			return UndoResult{}, err
		}
		res.Restored, res.Warning = restored, warning
	}
	for i, m := range u.messages {
		m.Seq = 0
		if _, err := s.cfg.Store.AddMessage(ctx, m); err != nil {
			// Take back what went in, so a second Redo does not double it.
			for _, put := range u.messages[:i] {
				if _, derr := s.cfg.Store.DeleteExchange(context.WithoutCancel(ctx), projectID, put.ID); derr != nil {
					s.cfg.Logger.Warn("could not take back a half-redone exchange", "project", projectID, "err", derr)
				}
			}
			s.pushBack(projectID, u)
			return res, err
		}
	}
	res.CanRedo = s.CanRedo(projectID)
	return res, nil
}

func (s *Service) pushBack(projectID string, u undone) {
	s.mu.Lock()
	s.redo[projectID] = append(s.redo[projectID], u)
	s.mu.Unlock()
}
