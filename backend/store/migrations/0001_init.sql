CREATE TABLE projects (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    template         TEXT NOT NULL DEFAULT '',
    sandbox_id       TEXT NOT NULL DEFAULT '',
    sandbox_state    TEXT NOT NULL DEFAULT 'none',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL
);
CREATE INDEX projects_last_activity ON projects(last_activity_at DESC);

CREATE TABLE messages (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content    TEXT NOT NULL DEFAULT '',
    fragment   TEXT,
    result     TEXT,
    status     TEXT NOT NULL DEFAULT 'done',
    created_at INTEGER NOT NULL,
    UNIQUE (project_id, seq)
);

CREATE TABLE project_files (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    content    BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, path)
);

CREATE TABLE project_installs (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    command    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, seq)
);

CREATE TABLE sandbox_usage (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    day        TEXT NOT NULL,
    seconds    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, day)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
