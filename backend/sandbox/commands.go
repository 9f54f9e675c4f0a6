package sandbox

// Files and installs in a ready sandbox: the manager's operations that
// also keep the local copy (files, recorded installs). They work on the
// Handle of the caller's Ensure, so a turn ensures once.

import (
	"context"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/store"
)

// WriteFiles writes project files into the sandbox of h (from the
// caller's Ensure), and only there: the project's files are owned by
// package projectfiles, which commits them to the folder and its index
// (project_files) before any replica gets them, so a rebuilt sandbox has
// them too. Paths are relative to the project folder.
func (m *Manager) WriteFiles(ctx context.Context, h *Handle, files []store.File) error {
	if err := validHandle(h); err != nil {
		return err
	}
	if len(files) == 0 {
		return nil
	}
	projectID := h.ProjectID
	root := m.cfg.RootFor("")
	clean := make([]store.File, 0, len(files))
	for _, f := range files {
		full, err := e2b.ResolvePath(root, f.Path)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(full, root+"/")
		if full == root || rel == "" {
			return apperr.Newf(apperr.Invalid, "%q is the project folder itself, not a file. Give a file path inside the project.", f.Path)
		}
		clean = append(clean, store.File{Path: rel, Content: f.Content})
	}
	release := m.Hold(projectID)
	defer release()
	// Even when Ensure rebuilt the sandbox, these files were not in the
	// local copy yet at that moment: always write them.
	sfs := make([]SandboxFile, len(clean))
	for i, f := range clean {
		p, err := e2b.ResolvePath(h.Root, f.Path)
		if err != nil {
			return err
		}
		sfs[i] = SandboxFile{Path: p, Content: f.Content}
	}
	if err := h.ctl.WriteFiles(ctx, h.Sandbox, sfs); err != nil {
		return apperr.Wrap(err, apperr.CodeOf(err), sentence(err, "Tessera could not write the files to the sandbox.")+
			" They are kept in the project; restart the sandbox to write them again.")
	}
	return nil
}

// Install runs a dependency install command in the sandbox of h (from the
// caller's Ensure), streaming its output, and records it (only when it
// succeeded) so that a rebuilt sandbox gets it again.
func (m *Manager) Install(ctx context.Context, h *Handle, command string, onOutput func(stream string, b []byte)) error {
	if err := validHandle(h); err != nil {
		return err
	}
	projectID := h.ProjectID
	command = strings.TrimSpace(command)
	if command == "" {
		return apperr.New(apperr.Invalid, "The install command is empty. Give a command such as \"pip install pandas\".")
	}
	if onOutput == nil {
		onOutput = func(string, []byte) {}
	}
	release := m.Hold(projectID)
	defer release()
	code, err := h.Run(ctx, Command{Line: command, Timeout: m.cfg.InstallTimeout,
		OnStdout: func(b []byte) { onOutput("stdout", b) },
		OnStderr: func(b []byte) { onOutput("stderr", b) }})
	if err != nil {
		return apperr.Wrap(err, apperr.CodeOf(err), sentence(err, "Tessera could not run the install command in the sandbox."))
	}
	if code != 0 {
		return apperr.Newf(apperr.Invalid, "The install command %q failed with exit code %d, so it was not recorded. Check its output.", command, code)
	}
	return m.cfg.Store.AddInstall(ctx, projectID, command)
}

// validHandle refuses a handle that did not come from Ensure.
func validHandle(h *Handle) error {
	if h == nil || h.ctl == nil || h.Sandbox == nil || h.ProjectID == "" {
		return apperr.New(apperr.Internal, "Tessera tried to use a sandbox it had not prepared. Try again.")
	}
	return nil
}
