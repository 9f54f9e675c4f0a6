-- Usage per model call (issue 26), for one-shot answers and every agent
-- step alike. turn_id is the agent turn or, for a one-shot answer, the
-- assistant message. The counts are what the provider reported; when it
-- sent none they are an estimate (estimated = 1); when what it sent was
-- refused (negative, absurd) they are 0 with unknown = 1, never a silent
-- zero. The price is the one the call was made at (per million tokens,
-- with the table's date), so a later price change leaves a past call's
-- cost alone; priced = 0 says the model had no price.
CREATE TABLE model_calls (
    id                 TEXT PRIMARY KEY,
    project_id         TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    turn_id            TEXT NOT NULL DEFAULT '',
    kind               TEXT NOT NULL,
    provider_id        TEXT NOT NULL,
    model_id           TEXT NOT NULL,
    prompt_tokens      INTEGER NOT NULL DEFAULT 0,
    cached_tokens      INTEGER NOT NULL DEFAULT 0,
    completion_tokens  INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens   INTEGER NOT NULL DEFAULT 0,
    estimated          INTEGER NOT NULL DEFAULT 0,
    unknown            INTEGER NOT NULL DEFAULT 0,
    priced             INTEGER NOT NULL DEFAULT 0,
    input_per_m        REAL NOT NULL DEFAULT 0,
    cached_per_m       REAL NOT NULL DEFAULT 0,
    output_per_m       REAL NOT NULL DEFAULT 0,
    price_date         TEXT NOT NULL DEFAULT '',
    cost_usd           REAL NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL
);
CREATE INDEX model_calls_project ON model_calls(project_id, created_at);
CREATE INDEX model_calls_turn ON model_calls(turn_id);
CREATE INDEX model_calls_time ON model_calls(created_at);

-- A project's monthly budget for model spend in US dollars (beside its
-- sandbox budget in sandbox_budgets); no row = no budget.
CREATE TABLE model_budgets (
    project_id  TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    monthly_usd REAL NOT NULL
);
