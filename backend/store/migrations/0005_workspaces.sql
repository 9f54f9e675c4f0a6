-- Each project's files live in a folder on disk under git (see
-- backend/workspace); the project keeps that folder's name, relative to the
-- workspace root chosen in Settings. '' = not given a folder yet (a project
-- from before workspaces: the start-up step gives it one and imports its
-- project_files as the first version). Two projects never share a folder.
ALTER TABLE projects ADD COLUMN workspace TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX projects_workspace ON projects(lower(workspace)) WHERE workspace != '';
