-- Files the person uploaded into a project (a CSV to analyse, an image to
-- serve). Their bytes are in the workspace folder and in project_files
-- (which a rebuilt sandbox is written from); this table says which of a
-- project's files were uploaded, so the prompt describes them (summary)
-- instead of pasting them whole, and large or binary ones never reach the
-- model.
CREATE TABLE project_uploads (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    path       TEXT NOT NULL,            -- relative to the project root, e.g. data/sales.csv
    size       INTEGER NOT NULL,         -- bytes
    kind       TEXT NOT NULL,            -- csv, text or binary
    summary    TEXT NOT NULL DEFAULT '', -- what the model is told (columns, first lines)
    created_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, path)
);
