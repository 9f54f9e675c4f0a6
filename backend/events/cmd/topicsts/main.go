// Command topicsts writes the page's topics module from backend/events
// (run by `go generate ./backend/events`).
package main

import (
	"fmt"
	"os"

	"tessera/backend/events"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: topicsts <path of topics.ts>")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], []byte(events.TypeScript()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
