package e2b

import (
	"path"
	"strings"
	"unicode/utf8"

	"tessera/backend/apperr"
)

// maxSandboxIDLen bounds ids; real ones are 21 characters (§2.1).
const maxSandboxIDLen = 64

// maxPathLen is Linux PATH_MAX; envd would refuse longer paths anyway.
const maxPathLen = 4096

// ValidateSandboxID checks an id before it is put into a URL path or a host
// name: E2B ids are lower-case letters and digits (§2.1). Anything else
// could change the URL or the host the request goes to.
func ValidateSandboxID(id string) error {
	if id == "" {
		return apperr.New(apperr.Invalid, "No sandbox id was given. Open the project again so Tessera can find its sandbox.")
	}
	if len(id) > maxSandboxIDLen {
		return apperr.New(apperr.Invalid, "The sandbox id is too long to be an E2B id. Open the project again so Tessera can find its sandbox.")
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9') {
			return apperr.Newf(apperr.Invalid, "%q is not a valid E2B sandbox id (only lower-case letters and digits). Open the project again so Tessera can find its sandbox.", id)
		}
	}
	return nil
}

func validateSandbox(sb *Sandbox) error {
	if sb == nil {
		return apperr.New(apperr.Invalid, "No sandbox was given. Open the project again so Tessera can find its sandbox.")
	}
	if err := ValidateSandboxID(sb.SandboxID); err != nil {
		return err
	}
	if sb.Domain != "" && !validDomain(sb.Domain) {
		return apperr.Newf(apperr.Invalid, "E2B reported %q as the sandbox domain, which is not a valid host name. Reconnect to the sandbox.", sb.Domain)
	}
	return nil
}

// checkPath refuses paths that cannot be a sandbox file path.
func checkPath(p string) error {
	switch {
	case p == "":
		return apperr.New(apperr.Invalid, "No file path was given. Give the path of a file inside the project.")
	case len(p) > maxPathLen:
		return apperr.New(apperr.Invalid, "The file path is too long. Use a shorter path inside the project.")
	case !utf8.ValidString(p):
		return apperr.New(apperr.Invalid, "The file path is not valid text. Rename the file using plain characters.")
	case strings.ContainsAny(p, "\x00\r\n"):
		return apperr.Newf(apperr.Invalid, "The file path %q contains control characters. Rename the file using plain characters.", p)
	}
	return nil
}

// ResolvePath resolves p against the project root (an absolute sandbox
// folder such as "/home/user/app") and returns a clean absolute path inside
// it. p may be relative to root or absolute under root. A path that would
// leave the root ("../x", "/etc/passwd", "a/../../x") is refused with an
// Invalid error, because generated code must never write outside the
// project folder.
func ResolvePath(root, p string) (string, error) {
	if !path.IsAbs(root) || path.Clean(root) != root && path.Clean(root)+"/" != root {
		return "", apperr.Newf(apperr.Invalid, "The project folder %q is not an absolute sandbox path. This is a bug in Tessera; restart the project.", root)
	}
	root = path.Clean(root)
	if err := checkPath(p); err != nil {
		return "", err
	}
	if strings.Contains(p, `\`) {
		// A Windows-style path from a model or a user would be taken as one
		// odd file name by Linux; refuse it so nobody is surprised.
		return "", apperr.Newf(apperr.Invalid, "The file path %q uses backslashes. Use forward slashes, for example %q.", p, strings.ReplaceAll(p, `\`, "/"))
	}
	var full string
	if path.IsAbs(p) {
		full = path.Clean(p)
	} else {
		full = path.Join(root, p)
	}
	if full != root && !strings.HasPrefix(full, strings.TrimSuffix(root, "/")+"/") {
		return "", apperr.Newf(apperr.Invalid, "The path %q is outside the project folder %s. Use a path inside the project.", p, root)
	}
	return full, nil
}
