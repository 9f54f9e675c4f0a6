package api

import (
	"context"
	"path/filepath"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/archive"
	"tessera/backend/names"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// staged is an import built in its staging folder, before it has a row.
type staged struct {
	w        *workspace.Workspace
	info     archive.ProjectInfo
	messages []store.Message
	skipped  int
}

// importInto builds the project's workspace in staging, then saves the
// project (row and chat in one transaction), then moves the folder in and
// derives the project's files index from it (the files owner's Reindex).
// On error nothing is left but the staging folder (the caller removes it).
func (s *TransferService) importInto(ctx context.Context, path string, isDir bool, staging string) (ImportResult, error) {
	var st staged
	var err error
	if isDir {
		st, err = s.stageFolder(ctx, path, staging)
	} else {
		st, err = s.stageZip(ctx, path, staging)
	}
	if err != nil {
		return ImportResult{}, err
	}
	entries, err := st.w.Files(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	versions, err := st.w.History(ctx, 0)
	if err != nil {
		return ImportResult{}, err
	}
	p, kept, err := s.st.ImportProject(ctx, store.ImportedProject{
		Project:  store.Project{ID: st.info.ID, Name: st.info.Name, Description: st.info.Description, Template: st.info.Template, CreatedAt: st.info.CreatedAt},
		Messages: st.messages,
	})
	if err != nil {
		return ImportResult{}, err
	}
	if _, err := s.ws.Folders().Adopt(ctx, s.st, p, staging); err != nil {
		s.dropHalf(ctx, p.ID, false)
		return ImportResult{}, err
	}
	if err := s.ws.Reindex(ctx, p.ID); err != nil {
		s.dropHalf(ctx, p.ID, true)
		return ImportResult{}, err
	}
	res := ImportResult{Files: len(entries), Versions: len(versions), Messages: len(st.messages), Skipped: st.skipped, Sandbox: ImportSandboxNone}
	// Only a project that kept its id can own a sandbox at E2B: one
	// imported again beside its original gets a new id (and a new sandbox).
	if kept && st.info.ID != "" && s.sandboxes != nil {
		actx, cancel := context.WithTimeout(ctx, adoptWait)
		id, err := s.sandboxes.Adopt(actx, p.ID)
		cancel()
		switch {
		case err != nil && !apperr.Is(err, apperr.Unauthorized):
			s.log.Warn("could not look for the imported project's sandbox", "project", p.ID, "err", err)
			res.Warning = "Tessera could not look for this project's sandbox at E2B now (" + apperr.MessageOf(err) + "); its next run makes one from the files."
		case id != "":
			res.Sandbox = ImportSandboxAdopted
		}
	}
	if p, err = s.st.GetProject(ctx, p.ID); err != nil {
		return ImportResult{}, err
	}
	res.Project = toProject(p)
	s.log.Info("project imported", "project", p.ID, "files", res.Files, "versions", res.Versions, "sandbox", res.Sandbox)
	return res, nil
}

// dropHalf removes a half-imported project: its row, and its folder
// (to the trash) when it was moved in already.
func (s *TransferService) dropHalf(ctx context.Context, projectID string, adopted bool) {
	keep := context.WithoutCancel(ctx)
	if adopted {
		if p, err := s.st.GetProject(keep, projectID); err == nil {
			if _, err := s.ws.Folders().Trash(p); err != nil {
				s.log.Warn("could not put the half-imported project's folder away", "project", projectID, "err", err)
			}
		}
	}
	if err := s.st.DeleteProject(keep, projectID); err != nil {
		s.log.Warn("could not remove the half-imported project", "project", projectID, "err", err)
	}
}

func (s *TransferService) stageZip(ctx context.Context, path, staging string) (staged, error) {
	a, err := archive.Open(ctx, path, s.limits)
	if err != nil {
		return staged{}, err
	}
	defer a.Close()
	st := staged{skipped: a.Skipped, info: archive.ProjectInfo{Name: nameFrom(path)}}
	if a.Manifest != nil {
		st.info, st.messages = a.Manifest.Project, a.Messages
		if strings.TrimSpace(st.info.Name) == "" {
			st.info.Name = nameFrom(path)
		}
	}
	if a.HasHistory() {
		// Read twice: once to check what the pack inflates to, then to load it.
		pack, err := a.Pack()
		if err != nil {
			return staged{}, err
		}
		err = workspace.CheckPack(ctx, pack, s.limits.MaxBytes, s.limits.MaxHistory)
		pack.Close()
		if err != nil {
			return staged{}, err
		}
		if pack, err = a.Pack(); err != nil {
			return staged{}, err
		}
		defer pack.Close()
		st.w, err = workspace.ImportPack(ctx, staging, pack, a.Manifest.Head, s.limits.Workspace())
		return st, err
	}
	// An export of a project that has no version yet (a chat whose answers
	// wrote no files) brings its chat and an empty folder.
	if len(a.Files) == 0 && a.Manifest == nil {
		return staged{}, apperr.New(apperr.Invalid, "That archive holds no files to import.")
	}
	st.w, _, err = workspace.ImportFiles(ctx, staging, a.Files, "Imported from "+filepath.Base(path))
	return st, err
}

// stageFolder imports a folder; a git working copy brings its history, and
// changes not yet committed there become one more version.
func (s *TransferService) stageFolder(ctx context.Context, dir, staging string) (staged, error) {
	st := staged{info: archive.ProjectInfo{Name: nameFrom(strings.TrimSuffix(dir, ".git"))}}
	if archive.IsBare(dir) {
		// A bare repository (or a .git folder) has history and no working
		// files: the history is the project, its internals are not files.
		var err error
		st.w, err = workspace.ImportRepo(ctx, staging, dir, s.limits.Workspace())
		return st, err
	}
	files, skipped, err := archive.ReadFolder(ctx, dir, s.limits)
	if err != nil {
		return staged{}, err
	}
	st.skipped = skipped
	if !archive.IsRepo(dir) {
		st.w, _, err = workspace.ImportFiles(ctx, staging, files, "Imported from "+dir)
		return st, err
	}
	if st.w, err = workspace.ImportRepo(ctx, staging, dir, s.limits.Workspace()); err != nil {
		return staged{}, err
	}
	if _, _, err := st.w.RecordEdit(ctx, files, "Changes not yet committed in "+dir); err != nil {
		return staged{}, err
	}
	return st, nil
}

// nameFrom makes a project name of a file or folder name.
func nameFrom(p string) string {
	n := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	if filepath.Ext(p) == "" {
		n = filepath.Base(p)
	}
	n = strings.TrimSpace(n)
	n = names.Prefix(names.Strip(names.Normalize(n)), store.MaxNameLen)
	if !names.Visible(n) || n == "." || n == string(filepath.Separator) {
		return "Imported project"
	}
	return n
}
