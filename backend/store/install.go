package store

import (
	"context"

	"github.com/google/uuid"
)

// installKey is the setting holding this installation's id.
const installKey = "install_id"

// InstallID returns this database's installation id, made (a random UUID)
// the first time. It is not a secret: it tells this computer's sandboxes
// from another's on the same E2B account.
func (s *Store) InstallID(ctx context.Context) (string, error) {
	id, ok, err := s.GetSetting(ctx, installKey)
	if err != nil || ok && id != "" {
		return id, err
	}
	id = uuid.NewString()
	// INSERT OR IGNORE semantics: two callers at once agree on the first.
	if _, err := s.db.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING`, installKey, id); err != nil {
		return "", dbErr(err, "save the installation id")
	}
	id, _, err = s.GetSetting(ctx, installKey)
	return id, err
}
