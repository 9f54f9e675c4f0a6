-- Runtime restore points: an E2B snapshot (a template a sandbox can be
-- created from, with the installed packages and data of that moment) tied
-- to a version of the project (a commit of its workspace). Several versions
-- may share one snapshot (restoring a version ties its new version to the
-- same snapshot). A row with version '' is a snapshot no version needs any
-- more: it is deleted at E2B, then here. No foreign key to projects on
-- purpose: a deleted project's snapshots must stay known until E2B has
-- deleted them.
CREATE TABLE snapshots (
    project_id  TEXT NOT NULL,
    version     TEXT NOT NULL,
    snapshot_id TEXT NOT NULL,
    template    TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (project_id, version, snapshot_id)
);
CREATE UNIQUE INDEX snapshots_version ON snapshots(project_id, version) WHERE version != '';
CREATE INDEX snapshots_snapshot ON snapshots(snapshot_id);
