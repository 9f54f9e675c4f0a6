package store

import (
	"context"
	"regexp"
	"strings"
	"time"

	"tessera/backend/apperr"
)

// Limits on a project's environment.
const (
	MaxEnvVars     = 100
	MaxEnvValueLen = 32 << 10
)

// EnvVar is one variable of a project's environment. For a secret, Value
// is always "" here: the value lives in the OS keychain (package secrets).
type EnvVar struct {
	Name      string
	Value     string
	Secret    bool
	UpdatedAt time.Time
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// reservedEnv are names the sandbox itself sets; overriding them would
// break the shell or E2B's own processes.
var reservedEnv = map[string]bool{"PATH": true, "HOME": true, "USER": true, "LOGNAME": true, "SHELL": true, "PWD": true, "LANG": true}

// ValidateEnvName checks a variable name (trimmed).
func ValidateEnvName(name string) (string, error) {
	n := strings.TrimSpace(name)
	switch {
	case n == "":
		return "", apperr.New(apperr.Invalid, "Give the variable a name.").InField("name")
	case len(n) > 128:
		return "", apperr.Newf(apperr.Invalid, "A variable name can have at most 128 characters; %q has %d.", cutName(n), len([]rune(n))).InField("name")
	case !envNameRE.MatchString(n):
		return "", apperr.Newf(apperr.Invalid, "%q is not a usable variable name: use letters, digits and _, not starting with a digit (at most 128).", cutName(n)).InField("name")
	case reservedEnv[strings.ToUpper(n)] || strings.HasPrefix(strings.ToUpper(n), "E2B_"):
		return "", apperr.Newf(apperr.Invalid, "%s is set by the sandbox itself; choose another name.", n).InField("name")
	}
	return n, nil
}

// cutName shortens a name echoed in a sentence (a pasted paragraph must not
// come back as a paragraph).
func cutName(n string) string {
	r := []rune(n)
	if len(r) <= 40 {
		return n
	}
	return string(r[:39]) + "…"
}

// ValidateEnvValue checks a value. E2B's code interpreter pastes variables
// into the cell as os.environ['K'] = 'V', so quotes, backslashes and line
// breaks cannot be passed to Python code.
func ValidateEnvValue(v string) error {
	switch {
	case len(v) > MaxEnvValueLen:
		// One limit for plain values and secrets alike.
		return apperr.Newf(apperr.Invalid, "A value can be at most %d KB; this one is %d KB. Put large data in a file of the project instead.", MaxEnvValueLen>>10, (len(v)+1023)>>10).InField("value")
	case strings.ContainsAny(v, "'\\\n\r\x00"):
		return apperr.New(apperr.Invalid, "A value cannot contain a quote ('), a backslash or a line break: E2B's code interpreter cannot pass those to Python.").InField("value")
	}
	return nil
}

// ListEnv returns the project's variables by name (secrets without values).
func (s *Store) ListEnv(ctx context.Context, projectID string) ([]EnvVar, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, value, secret, updated_at FROM project_env WHERE project_id=? ORDER BY name`, projectID)
	if err != nil {
		return nil, dbErr(err, "read the project's variables")
	}
	defer rows.Close()
	out := []EnvVar{}
	for rows.Next() {
		var v EnvVar
		var at int64
		if err := rows.Scan(&v.Name, &v.Value, &v.Secret, &at); err != nil {
			return nil, dbErr(err, "read the project's variables")
		}
		v.UpdatedAt = fromMS(at)
		out = append(out, v)
	}
	return out, dbErr(rows.Err(), "read the project's variables")
}

// PutEnv adds or replaces a variable. A secret's value is not stored (pass
// "" or anything: it is dropped); the caller keeps it in the keychain.
func (s *Store) PutEnv(ctx context.Context, projectID string, v EnvVar) (EnvVar, error) {
	name, err := ValidateEnvName(v.Name)
	if err != nil {
		return EnvVar{}, err
	}
	v.Name = name
	if v.Secret {
		v.Value = ""
	} else if err := ValidateEnvValue(v.Value); err != nil {
		return EnvVar{}, err
	}
	if _, err := s.GetProject(ctx, projectID); err != nil {
		return EnvVar{}, err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM project_env WHERE project_id=? AND name != ?`, projectID, v.Name).Scan(&n); err != nil {
		return EnvVar{}, dbErr(err, "save the variable")
	}
	if n >= MaxEnvVars {
		return EnvVar{}, apperr.Newf(apperr.Invalid, "A project can have at most %d variables.", MaxEnvVars)
	}
	now := s.now()
	v.UpdatedAt = now.UTC().Truncate(time.Millisecond)
	_, err = s.db.ExecContext(ctx, `INSERT INTO project_env(project_id, name, value, secret, updated_at) VALUES (?,?,?,?,?)
		ON CONFLICT(project_id, name) DO UPDATE SET value=excluded.value, secret=excluded.secret, updated_at=excluded.updated_at`,
		projectID, v.Name, v.Value, v.Secret, ms(now))
	return v, dbErr(err, "save the variable")
}

// DeleteEnv removes a variable and says whether it was a secret.
func (s *Store) DeleteEnv(ctx context.Context, projectID, name string) (secret bool, err error) {
	err = s.db.QueryRowContext(ctx, `DELETE FROM project_env WHERE project_id=? AND name=? RETURNING secret`, projectID, strings.TrimSpace(name)).Scan(&secret)
	if err != nil {
		if isNoRows(err) {
			return false, apperr.Newf(apperr.NotFound, "The variable %s no longer exists.", strings.TrimSpace(name))
		}
		return false, dbErr(err, "remove the variable")
	}
	return secret, nil
}
