-- Model lists fetched from each provider, with the time they were
-- fetched (so the picker offers only what the provider lists, refreshes
-- at most daily, and works offline from the last list), and what Tessera
-- learned about each model: the structured-output mode that worked after
-- a refusal, the context window a local server reported, and whether the
-- provider answered 404 for it.
CREATE TABLE llm_model_lists (
    provider_id TEXT PRIMARY KEY,
    fetched_at  INTEGER NOT NULL, -- unix milliseconds
    models_json TEXT NOT NULL      -- JSON array of model ids
);

CREATE TABLE llm_models (
    provider_id    TEXT NOT NULL,
    model_id       TEXT NOT NULL,
    output_mode    TEXT NOT NULL DEFAULT '' CHECK (output_mode IN ('', 'json_schema', 'json_object', 'tool', 'text')),
    context_tokens INTEGER NOT NULL DEFAULT 0,
    gone_at        INTEGER NOT NULL DEFAULT 0, -- unix milliseconds; 0 = offered
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (provider_id, model_id)
);
