-- Agent mode (issue 25). A turn is one agent run keyed to its assistant
-- message; every step (tool call) is written as it starts and again as it
-- ends, so a kill -9 loses no finished step. At start-up a turn left
-- 'running' becomes 'paused' with reason 'interrupted' (Continue offered),
-- through the partial index, which holds only running turns.
CREATE TABLE agent_turns (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    message_id  TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    mode        TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    prompt      TEXT NOT NULL DEFAULT '',
    provider_id TEXT NOT NULL DEFAULT '',
    model_id    TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    notice      TEXT NOT NULL DEFAULT '',
    -- the conversation sent to the model, for Continue after a restart
    transcript  TEXT,
    todos       TEXT,
    usage       TEXT,
    cost_usd    REAL NOT NULL DEFAULT 0,
    steps       INTEGER NOT NULL DEFAULT 0,
    version_id  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX agent_turns_message ON agent_turns(message_id);
CREATE INDEX agent_turns_project ON agent_turns(project_id, created_at);
CREATE INDEX agent_turns_running ON agent_turns(status) WHERE status = 'running';

CREATE TABLE agent_steps (
    id         TEXT PRIMARY KEY,
    turn_id    TEXT NOT NULL REFERENCES agent_turns(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    tool       TEXT NOT NULL,
    call_id    TEXT NOT NULL DEFAULT '',
    args       TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    result     TEXT,
    -- what each path the step changed held before it (restore to before step N)
    undo       TEXT,
    changed    TEXT,
    usage      TEXT,
    cost_usd   REAL NOT NULL DEFAULT 0,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (turn_id, seq)
);

-- The mode each project's chat is in (Agent, Ask, Plan, Quick).
CREATE TABLE agent_modes (
    project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    mode       TEXT NOT NULL
);
