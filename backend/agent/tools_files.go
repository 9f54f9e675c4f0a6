package agent

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"tessera/backend/apperr"
	"tessera/backend/workspace"
)

// File tools work on the project's folder through Files. Every write
// carries the content the agent last read (or wrote) as its precondition,
// so an edit the person saved meanwhile, in the editor or their own
// editor, fails the step instead of being overwritten.

func cleanPath(p string) (string, error) {
	if strings.HasPrefix(p, "/") {
		return "", apperr.Newf(apperr.Invalid, "%q is absolute; give the path relative to the project folder.", p)
	}
	return workspace.CleanPath(p)
}

func toolListFiles(ctx context.Context, r *run, a map[string]any) outcome {
	under := strings.Trim(str(a, "path"), "/")
	if under == "." {
		under = ""
	}
	paths, err := r.s.cfg.Files.List(ctx, r.projectID)
	if err != nil {
		return failed(apperr.MessageOf(err), "")
	}
	var out []string
	for _, p := range paths {
		if under == "" || p == under || strings.HasPrefix(p, under+"/") {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		if under != "" {
			return okResult(fmt.Sprintf("No files under %s.", under))
		}
		return okResult("The project has no files yet.")
	}
	res := ToolResult{OK: true}
	if len(out) > MaxListPaths {
		res.TruncatedFrom = len(out)
		res.Hint = fmt.Sprintf("Only the first %d of %d paths are listed; give a folder as path to see the rest.", MaxListPaths, len(out))
		out = out[:MaxListPaths]
	}
	res.Output = strings.Join(out, "\n")
	return outcome{res: res}
}

func toolReadFile(ctx context.Context, r *run, a map[string]any) outcome {
	p, err := cleanPath(str(a, "path"))
	if err != nil {
		return invalid("%s", apperr.MessageOf(err))
	}
	content, err := r.s.cfg.Files.Read(ctx, r.projectID, p)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return invalid("%s does not exist. Use list_files to see the project's files.", p)
		}
		return failed(apperr.MessageOf(err), "")
	}
	r.noteRead(p, content)
	lines := strings.SplitAfter(content, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	start, end := num(a, "start_line"), num(a, "end_line")
	if start < 1 {
		start = 1
	}
	if end < 1 || end > len(lines) {
		end = len(lines)
	}
	if start > len(lines) && len(lines) > 0 {
		return invalid("%s has %d lines; start_line %d is past its end.", p, len(lines), start)
	}
	res := ToolResult{OK: true}
	if end-start+1 > MaxReadLines {
		res.TruncatedFrom = len(lines)
		res.Hint = fmt.Sprintf("%s has %d lines; lines %d-%d are shown. Read on with start_line=%d.", p, len(lines), start, start+MaxReadLines-1, start+MaxReadLines)
		end = start + MaxReadLines - 1
	}
	var b strings.Builder
	for i := start; i <= end && i <= len(lines); i++ {
		fmt.Fprintf(&b, "%d\t%s", i, lines[i-1])
		if b.Len() > MaxReadChars {
			res.TruncatedFrom = len(content)
			res.Hint = fmt.Sprintf("The lines are long; shown up to line %d of %d. Read on with start_line=%d.", i, len(lines), i+1)
			break
		}
	}
	if len(lines) == 0 {
		res.Output = "(empty file)"
	} else {
		res.Output = b.String()
	}
	return outcome{res: res}
}

func toolSearch(ctx context.Context, r *run, a map[string]any) outcome {
	pattern := str(a, "pattern")
	if pattern == "" {
		return invalid("Give a pattern to search for.")
	}
	expr := regexp.QuoteMeta(pattern)
	if boolean(a, "regex") {
		expr = pattern
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return invalid("The pattern is not a valid regular expression (%v). Set regex=false to search for the text.", err)
	}
	under := strings.Trim(str(a, "path"), "/")
	glob := str(a, "glob")
	paths, err := r.s.cfg.Files.List(ctx, r.projectID)
	if err != nil {
		return failed(apperr.MessageOf(err), "")
	}
	var b strings.Builder
	matches := 0
	for _, p := range paths {
		if under != "" && under != "." && p != under && !strings.HasPrefix(p, under+"/") {
			continue
		}
		if glob != "" {
			if ok, _ := path.Match(glob, path.Base(p)); !ok {
				if ok2, _ := path.Match(glob, p); !ok2 {
					continue
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return failed("The search was stopped.", "")
		}
		content, err := r.s.cfg.Files.Read(ctx, r.projectID, p)
		if err != nil || strings.ContainsRune(content, 0) {
			continue // binary or unreadable: not searched
		}
		for i, line := range strings.Split(content, "\n") {
			if re.MatchString(line) {
				matches++
				if matches <= MaxMatches {
					fmt.Fprintf(&b, "%s:%d: %s\n", p, i+1, clipLine(strings.TrimRight(line, "\r"), MaxLineChars))
				}
			}
		}
	}
	if matches == 0 {
		return okResult("No matches.")
	}
	res := ToolResult{OK: true, Output: strings.TrimRight(b.String(), "\n")}
	if matches > MaxMatches {
		res.TruncatedFrom = matches
		res.Hint = fmt.Sprintf("%d matches; the first %d are shown. Narrow with path or glob, or a more specific pattern.", matches, MaxMatches)
	}
	return outcome{res: res}
}

// current reads a file for a write: its content and whether it exists.
func (r *run) current(ctx context.Context, p string) (string, bool, error) {
	c, err := r.s.cfg.Files.Read(ctx, r.projectID, p)
	if apperr.Is(err, apperr.NotFound) {
		return "", false, nil
	}
	return c, err == nil, err
}

// apply writes one change with the precondition of what the agent read,
// and records what the path held before (undo).
func (r *run) apply(ctx context.Context, p, content string, del bool, before string, existed bool) (outcome, error) {
	ch := Change{Path: p, Content: content, Delete: del}
	if existed {
		ch.Base = Hash(before)
	} else {
		ch.Absent = true
	}
	warn := ""
	if err := r.s.cfg.Files.Apply(ctx, r.projectID, ch); err != nil {
		if !errors.Is(err, ErrNotReplicated) {
			return outcome{}, err
		}
		// The folder has it: the step changed the file.
		warn = apperr.MessageOf(err)
	}
	if del {
		r.forget(p)
	} else {
		r.noteRead(p, content)
	}
	r.fileChanged(p)
	after := ""
	if !del {
		after = Hash(content)
	}
	o := outcome{undo: []fileUndo{{Path: p, Existed: existed, Content: before, After: after}}, changed: []string{p}}
	if warn != "" {
		o.res.Hint = warn + " Commands run in the sandbox will not see this change until it is restarted."
	}
	return o, nil
}

func conflictResult(p string, err error) outcome {
	if apperr.Is(err, apperr.Conflict) {
		return failed(fmt.Sprintf("%s changed since you read it (the person may have edited it); nothing was written.", p),
			"Read the file again and make your change on its current text.")
	}
	return failed(apperr.MessageOf(err), "")
}

func toolWriteFile(ctx context.Context, r *run, a map[string]any) outcome {
	p, err := cleanPath(str(a, "path"))
	if err != nil {
		return invalid("%s", apperr.MessageOf(err))
	}
	content, ok := a["content"].(string)
	if !ok {
		return invalid("Give the file's content as a string.")
	}
	before, existed, err := r.current(ctx, p)
	if err != nil {
		return failed(apperr.MessageOf(err), "")
	}
	if existed {
		h, read := r.read[p]
		if !read {
			return failed(fmt.Sprintf("%s exists and you have not read it in this turn; nothing was written.", p),
				"Read it first (read_file), then write or edit it.")
		}
		if h != Hash(before) {
			return conflictResult(p, apperr.New(apperr.Conflict, "changed"))
		}
	}
	o, err := r.apply(ctx, p, content, false, before, existed)
	if err != nil {
		return conflictResult(p, err)
	}
	verb := "Created"
	if existed {
		verb = "Replaced"
	}
	o.res.OK, o.res.Output = true, fmt.Sprintf("%s %s (%d lines).", verb, p, strings.Count(content, "\n")+1)
	return o
}

func toolEditFile(ctx context.Context, r *run, a map[string]any) outcome {
	p, err := cleanPath(str(a, "path"))
	if err != nil {
		return invalid("%s", apperr.MessageOf(err))
	}
	raw, _ := a["edits"].([]any)
	if len(raw) == 0 {
		// A single block given flat is accepted too.
		if s, ok := a["search"].(string); ok {
			raw = []any{map[string]any{"search": s, "replace": a["replace"]}}
		}
	}
	if len(raw) == 0 {
		return invalid("Give edits: a list of {search, replace} blocks.")
	}
	h, read := r.read[p]
	if !read {
		return failed(fmt.Sprintf("You have not read %s in this turn; nothing was changed.", p), "Read it first (read_file), then edit it.")
	}
	before, existed, err := r.current(ctx, p)
	if err != nil {
		return failed(apperr.MessageOf(err), "")
	}
	if !existed {
		return failed(fmt.Sprintf("%s does not exist any more; nothing was changed.", p), "List the files, or create it with write_file.")
	}
	if Hash(before) != h {
		return conflictResult(p, apperr.New(apperr.Conflict, "changed"))
	}
	text := before
	var report []string
	for i, e := range raw {
		m, _ := e.(map[string]any)
		search, _ := m["search"].(string)
		replace, _ := m["replace"].(string)
		switch n := strings.Count(text, search); {
		case search == "":
			return failed(fmt.Sprintf("Block %d has an empty search; nothing was changed.", i+1), "Give the exact text to replace.")
		case n == 0:
			r.editMisses[p]++
			hint := "Read the file again and copy the text exactly, with its indentation."
			if r.editMisses[p] >= 2 {
				hint = "Edits of this file failed twice: read it again, or replace it whole with write_file."
			}
			return failed(fmt.Sprintf("Block %d: the search text is not in %s; nothing was changed.%s", i+1, p, strings.Join(prefixAll("\n", report), "")), hint)
		case n > 1:
			return failed(fmt.Sprintf("Block %d: the search text occurs %d times in %s; nothing was changed.", i+1, n, p), "Include more surrounding lines so it occurs once.")
		}
		line := strings.Count(text[:strings.Index(text, search)], "\n") + 1
		text = strings.Replace(text, search, replace, 1)
		report = append(report, fmt.Sprintf("block %d: replaced %d line(s) at line %d", i+1, strings.Count(search, "\n")+1, line))
	}
	o, err := r.apply(ctx, p, text, false, before, true)
	if err != nil {
		return conflictResult(p, err)
	}
	delete(r.editMisses, p)
	o.res.OK, o.res.Output = true, "Edited "+p+":\n"+strings.Join(report, "\n")
	return o
}

func prefixAll(pre string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = pre + "(not applied) " + s
	}
	return out
}

func toolDelete(ctx context.Context, r *run, a map[string]any) outcome {
	p, err := cleanPath(str(a, "path"))
	if err != nil {
		return invalid("%s", apperr.MessageOf(err))
	}
	before, existed, err := r.current(ctx, p)
	if err != nil {
		return failed(apperr.MessageOf(err), "")
	}
	if !existed {
		return invalid("%s does not exist.", p)
	}
	if h, read := r.read[p]; read && h != Hash(before) {
		return conflictResult(p, apperr.New(apperr.Conflict, "changed"))
	}
	o, err := r.apply(ctx, p, "", true, before, true)
	if err != nil {
		return conflictResult(p, err)
	}
	o.res.OK, o.res.Output = true, "Deleted "+p+"."
	return o
}

func toolMove(ctx context.Context, r *run, a map[string]any) outcome {
	from, err := cleanPath(str(a, "from"))
	if err != nil {
		return invalid("%s", apperr.MessageOf(err))
	}
	to, err := cleanPath(str(a, "to"))
	if err != nil {
		return invalid("%s", apperr.MessageOf(err))
	}
	content, existed, err := r.current(ctx, from)
	if err != nil {
		return failed(apperr.MessageOf(err), "")
	}
	if !existed {
		return invalid("%s does not exist.", from)
	}
	if _, there, _ := r.current(ctx, to); there {
		return failed(fmt.Sprintf("%s already exists; nothing was moved.", to), "Delete it first, or pick another name.")
	}
	o1, err := r.apply(ctx, to, content, false, "", false)
	if err != nil {
		return conflictResult(to, err)
	}
	o2, err := r.apply(ctx, from, "", true, content, true)
	if err != nil {
		// Keep the state honest: the copy exists, the original too.
		o1.res = ToolResult{OK: false, Output: fmt.Sprintf("%s was copied to %s but could not be deleted: %s", from, to, apperr.MessageOf(err))}
		return o1
	}
	return outcome{res: ToolResult{OK: true, Output: fmt.Sprintf("Moved %s to %s.", from, to)},
		undo: append(o1.undo, o2.undo...), changed: []string{to, from}}
}
