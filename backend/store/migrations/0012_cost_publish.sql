-- Sandbox cost (issue 16, item 4): what the sandbox had while it ran, per
-- project and day, so that money can be estimated from E2B's per-second
-- prices (vCPU-seconds and MiB-seconds; the page divides by 1024 for GiB).
ALTER TABLE sandbox_usage ADD COLUMN vcpu_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sandbox_usage ADD COLUMN mem_mib_seconds INTEGER NOT NULL DEFAULT 0;

-- A project's monthly sandbox budget in US dollars; no row = no budget.
CREATE TABLE sandbox_budgets (
    project_id  TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    monthly_usd REAL NOT NULL CHECK (monthly_usd > 0)
);

-- A published preview (issue 16, item 7): the link keeps its sandbox
-- running until `until` (Unix ms), across a restart of the app.
CREATE TABLE sandbox_publish (
    project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    sandbox_id TEXT NOT NULL,
    port       INTEGER NOT NULL,
    url        TEXT NOT NULL,
    until      INTEGER NOT NULL
);
