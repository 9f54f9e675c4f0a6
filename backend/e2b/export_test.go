package e2b

import "context"

// RunWithoutTree runs a command the way envd alone would treat it: no
// session of its own, and a stop signals only its pid. The conformance
// suite uses it to prove the fake signals like envd.
func (e *Envd) RunWithoutTree(ctx context.Context, po ProcessOptions) (int, error) {
	po.noTree = true
	return e.Run(ctx, po)
}

// WithoutSetsid returns a copy that acts as in a template without
// setsid(1).
func (e *Envd) WithoutSetsid() *Envd {
	cp := *e
	cp.setsid = "/nonexistent/setsid"
	return &cp
}

// KillStarted is killStarted, for the conformance suite: the lookup of a
// command by its tag that a Stop before the start event relies on.
func (e *Envd) KillStarted(ctx context.Context, tag string) { e.killStarted(ctx, tag, false) }
