-- A project's git remote (push): the address and the user name only. The
-- token lives in the OS keychain (account git:<project id>), never here.
CREATE TABLE project_remotes (
    project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    username   TEXT NOT NULL DEFAULT '',
    branch     TEXT NOT NULL DEFAULT 'main',
    pushed_at  INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
