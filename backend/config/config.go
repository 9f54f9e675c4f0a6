// Package config finds where Tessera keeps its data and sets up logging.
//
// Everything lives under os.UserConfigDir()/tessera unless TESSERA_HOME is
// set, in which case everything (database, log) lives in that one folder:
// tests and portable installs use it.
package config

import (
	"fmt"
	"os"
	"path/filepath"

	"tessera/backend/apperr"
)

const (
	dirMode  = 0o700
	fileMode = 0o600
)

// Paths are the locations of Tessera's files.
type Paths struct {
	Home     string // the data folder
	Database string // SQLite file
	LogFile  string // current log file
}

// Getenv reads an environment variable; tests pass their own.
type Getenv func(string) string

// Resolve computes the paths without touching the disk.
func Resolve(getenv Getenv) (Paths, error) {
	home := getenv("TESSERA_HOME")
	if home == "" {
		base, err := userConfigDir(getenv)
		if err != nil {
			return Paths{}, apperr.Wrap(err, apperr.Internal,
				"Tessera could not find your configuration folder. Set TESSERA_HOME to a folder Tessera may use.")
		}
		home = filepath.Join(base, "tessera")
	}
	abs, err := filepath.Abs(home)
	if err != nil {
		return Paths{}, apperr.Wrap(err, apperr.Invalid, "TESSERA_HOME is not a usable path.")
	}
	return Paths{
		Home:     abs,
		Database: filepath.Join(abs, "tessera.db"),
		LogFile:  filepath.Join(abs, "logs", "tessera.log"),
	}, nil
}

// userConfigDir mirrors os.UserConfigDir but reads the injected environment,
// so tests never depend on the real one.
func userConfigDir(getenv Getenv) (string, error) {
	if d := getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config"), nil
	}
	return os.UserConfigDir()
}

// Ensure creates the folders with private permissions and tightens them if
// they already existed with looser ones.
func (p Paths) Ensure() error {
	for _, d := range []string{p.Home, filepath.Dir(p.LogFile)} {
		if err := os.MkdirAll(d, dirMode); err != nil {
			return apperr.Wrap(err, apperr.Internal,
				fmt.Sprintf("Tessera could not create its data folder %s. Check that you may write there, or set TESSERA_HOME.", d))
		}
		if err := os.Chmod(d, dirMode); err != nil {
			return apperr.Wrap(err, apperr.Internal, fmt.Sprintf("Tessera could not protect its data folder %s.", d))
		}
	}
	return nil
}
