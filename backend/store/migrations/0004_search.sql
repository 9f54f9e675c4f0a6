-- Search everything (issue 16): one FTS5 index over project names and
-- descriptions, message text, fragment titles, file paths and file
-- contents.
--
-- Why not external-content FTS tables over projects/messages/project_files:
-- those tables have TEXT primary keys, so their rowids are implicit and
-- VACUUM may renumber them, which would silently point every index entry
-- at the wrong row. Instead search_docs gives each indexed item a stable
-- INTEGER id (the FTS rowid) keyed by what it is, and the FTS table keeps
-- its own copy of the text (read back for snippets). Deletes and updates go
-- through search_docs by key, so they never scan the FTS table.
--
-- The triggers below keep the index current inside the same transaction
-- that writes the data; the INSERTs at the end index what already exists.

CREATE TABLE search_docs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('project', 'message', 'fragment', 'file')),
    project_id TEXT NOT NULL,
    ref        TEXT NOT NULL, -- project id, message id, or file path
    UNIQUE (project_id, kind, ref)
);

-- title: project name, fragment title, file path (weighted higher);
-- body: description, message text, fragment description, file text.
-- prefix='2 3' keeps prefix queries on short words (typed as you go) fast.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)');

-- Projects -----------------------------------------------------------------

CREATE TRIGGER search_projects_ai AFTER INSERT ON projects BEGIN
    INSERT INTO search_docs(kind, project_id, ref) VALUES ('project', new.id, new.id);
    INSERT INTO search_fts(rowid, title, body)
        SELECT id, new.name, new.description FROM search_docs
        WHERE project_id = new.id AND kind = 'project' AND ref = new.id;
END;

CREATE TRIGGER search_projects_au AFTER UPDATE OF name, description ON projects
WHEN old.name IS NOT new.name OR old.description IS NOT new.description BEGIN
    UPDATE search_fts SET title = new.name, body = new.description
        WHERE rowid = (SELECT id FROM search_docs WHERE project_id = new.id AND kind = 'project' AND ref = new.id);
END;

-- Messages and files of the project go by their own triggers (ON DELETE
-- CASCADE fires them); this removes the project's own entry and anything
-- left behind.
CREATE TRIGGER search_projects_ad AFTER DELETE ON projects BEGIN
    DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE project_id = old.id);
    DELETE FROM search_docs WHERE project_id = old.id;
END;

-- Messages and their fragment titles --------------------------------------

CREATE TRIGGER search_messages_ai AFTER INSERT ON messages BEGIN
    INSERT INTO search_docs(kind, project_id, ref) VALUES ('message', new.project_id, new.id);
    INSERT INTO search_fts(rowid, title, body)
        SELECT id, '', new.content FROM search_docs
        WHERE project_id = new.project_id AND kind = 'message' AND ref = new.id;
    INSERT INTO search_docs(kind, project_id, ref)
        SELECT 'fragment', new.project_id, new.id
        WHERE json_valid(new.fragment) AND coalesce(json_extract(new.fragment, '$.title'), '') != '';
    INSERT INTO search_fts(rowid, title, body)
        SELECT id, json_extract(new.fragment, '$.title'), coalesce(json_extract(new.fragment, '$.description'), '')
        FROM search_docs
        WHERE project_id = new.project_id AND kind = 'fragment' AND ref = new.id;
END;

CREATE TRIGGER search_messages_au_content AFTER UPDATE OF content ON messages
WHEN old.content IS NOT new.content BEGIN
    UPDATE search_fts SET body = new.content
        WHERE rowid = (SELECT id FROM search_docs WHERE project_id = new.project_id AND kind = 'message' AND ref = new.id);
END;

CREATE TRIGGER search_messages_au_fragment AFTER UPDATE OF fragment ON messages
WHEN old.fragment IS NOT new.fragment BEGIN
    DELETE FROM search_fts
        WHERE rowid = (SELECT id FROM search_docs WHERE project_id = old.project_id AND kind = 'fragment' AND ref = old.id);
    DELETE FROM search_docs WHERE project_id = old.project_id AND kind = 'fragment' AND ref = old.id;
    INSERT INTO search_docs(kind, project_id, ref)
        SELECT 'fragment', new.project_id, new.id
        WHERE json_valid(new.fragment) AND coalesce(json_extract(new.fragment, '$.title'), '') != '';
    INSERT INTO search_fts(rowid, title, body)
        SELECT id, json_extract(new.fragment, '$.title'), coalesce(json_extract(new.fragment, '$.description'), '')
        FROM search_docs
        WHERE project_id = new.project_id AND kind = 'fragment' AND ref = new.id;
END;

CREATE TRIGGER search_messages_ad AFTER DELETE ON messages BEGIN
    DELETE FROM search_fts WHERE rowid IN (
        SELECT id FROM search_docs WHERE project_id = old.project_id AND kind IN ('message', 'fragment') AND ref = old.id);
    DELETE FROM search_docs WHERE project_id = old.project_id AND kind IN ('message', 'fragment') AND ref = old.id;
END;

-- Files: the path always, the text only for text files (no NUL byte) up to
-- 1 MiB, so a binary asset or a huge bundle does not bloat the index.

CREATE TRIGGER search_files_ai AFTER INSERT ON project_files BEGIN
    INSERT INTO search_docs(kind, project_id, ref) VALUES ('file', new.project_id, new.path);
    INSERT INTO search_fts(rowid, title, body)
        SELECT id, new.path,
               CASE WHEN length(new.content) <= 1048576 AND instr(new.content, x'00') = 0
                    THEN CAST(new.content AS TEXT) ELSE '' END
        FROM search_docs WHERE project_id = new.project_id AND kind = 'file' AND ref = new.path;
END;

CREATE TRIGGER search_files_au AFTER UPDATE OF content, path ON project_files BEGIN
    DELETE FROM search_fts
        WHERE rowid = (SELECT id FROM search_docs WHERE project_id = old.project_id AND kind = 'file' AND ref = old.path);
    DELETE FROM search_docs WHERE project_id = old.project_id AND kind = 'file' AND ref = old.path;
    INSERT INTO search_docs(kind, project_id, ref) VALUES ('file', new.project_id, new.path);
    INSERT INTO search_fts(rowid, title, body)
        SELECT id, new.path,
               CASE WHEN length(new.content) <= 1048576 AND instr(new.content, x'00') = 0
                    THEN CAST(new.content AS TEXT) ELSE '' END
        FROM search_docs WHERE project_id = new.project_id AND kind = 'file' AND ref = new.path;
END;

CREATE TRIGGER search_files_ad AFTER DELETE ON project_files BEGIN
    DELETE FROM search_fts
        WHERE rowid = (SELECT id FROM search_docs WHERE project_id = old.project_id AND kind = 'file' AND ref = old.path);
    DELETE FROM search_docs WHERE project_id = old.project_id AND kind = 'file' AND ref = old.path;
END;

-- Index what already exists ------------------------------------------------
INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 268435456);
INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0);

INSERT INTO search_docs(kind, project_id, ref) SELECT 'project', id, id FROM projects;
INSERT INTO search_docs(kind, project_id, ref) SELECT 'message', project_id, id FROM messages;
INSERT INTO search_docs(kind, project_id, ref)
    SELECT 'fragment', project_id, id FROM messages
    WHERE json_valid(fragment) AND coalesce(json_extract(fragment, '$.title'), '') != '';
INSERT INTO search_docs(kind, project_id, ref) SELECT 'file', project_id, path FROM project_files;

INSERT INTO search_fts(rowid, title, body)
    SELECT d.id, p.name, p.description FROM search_docs d JOIN projects p ON p.id = d.ref WHERE d.kind = 'project';
INSERT INTO search_fts(rowid, title, body)
    SELECT d.id, '', m.content FROM search_docs d JOIN messages m ON m.id = d.ref WHERE d.kind = 'message';
INSERT INTO search_fts(rowid, title, body)
    SELECT d.id, json_extract(m.fragment, '$.title'), coalesce(json_extract(m.fragment, '$.description'), '')
    FROM search_docs d JOIN messages m ON m.id = d.ref WHERE d.kind = 'fragment';
INSERT INTO search_fts(rowid, title, body)
    SELECT d.id, f.path,
           CASE WHEN length(f.content) <= 1048576 AND instr(f.content, x'00') = 0 THEN CAST(f.content AS TEXT) ELSE '' END
    FROM search_docs d JOIN project_files f ON f.project_id = d.project_id AND f.path = d.ref WHERE d.kind = 'file';

INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 1048576);
INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 4);
