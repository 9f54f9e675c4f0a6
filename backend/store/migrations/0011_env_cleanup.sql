-- Per-project environment and the sandbox cleanup policy (issue 16).
--
-- project_env holds a project's variables. A secret's value is never here:
-- it lives in the OS keychain (package secrets, account env:<project>:<name>)
-- and its row only says that it exists (value stays '').
CREATE TABLE project_env (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL DEFAULT '',
    secret     INTEGER NOT NULL DEFAULT 0 CHECK (secret IN (0, 1)),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, name),
    CHECK (secret = 0 OR value = '')
);

-- kept_at: when the person pressed "Keep" on a sandbox about to be
-- cleaned up; its idle time counts from max(last_activity_at, kept_at).
-- sandbox_removed_at: when the cleanup killed the project's idle sandbox
-- (0 = not removed); the next use rebuilds it from the project's files.
ALTER TABLE projects ADD COLUMN kept_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN sandbox_removed_at INTEGER NOT NULL DEFAULT 0;
