// Command seed fills a Tessera data folder with a project of many messages
// (fragments, Python results with charts) for the page benchmarks in
// scripts/bench.sh. It refuses a folder that already has a database.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tessera/backend/chat"
	"tessera/backend/fragment"
	"tessera/backend/store"
)

func main() {
	home := flag.String("home", "", "TESSERA_HOME to create")
	n := flag.Int("messages", 1000, "messages in the big project")
	openBig := flag.Bool("open-big", false, "make the big project the current one")
	projects := flag.Int("projects", 0, "extra projects, for the start-up benchmark's big data set")
	per := flag.Int("per-project", 100, "messages in each extra project")
	flag.Parse()
	if err := run(*home, *n, *openBig, *projects, *per); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(home string, n int, openBig bool, projects, per int) error {
	if home == "" {
		return fmt.Errorf("-home is required")
	}
	db := filepath.Join(home, "tessera.db")
	if _, err := os.Stat(db); err == nil {
		return fmt.Errorf("%s already exists", db)
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	big, err := st.CreateProject(ctx, store.NewProject{Name: fmt.Sprintf("Benchmark: %d messages", n), Template: fragment.CodeInterpreter})
	if err != nil {
		return err
	}
	pngData, err := chartPNG()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			if _, err := st.AddMessage(ctx, store.Message{ProjectID: big.ID, Role: "user",
				Content: fmt.Sprintf("Step %d: change the chart so that it shows **series %d** and explain why.", i/2, i/2)}); err != nil {
				return err
			}
			continue
		}
		code := fmt.Sprintf("import math\nvalues = [math.sin(x / %d) for x in range(100)]\nprint(sum(values))\n", i+1)
		frag, _ := json.Marshal(fragment.Fragment{Commentary: fmt.Sprintf("Here is step %d.\n\n- It computes a series\n- It prints the sum", i/2),
			Template: fragment.CodeInterpreter, Title: fmt.Sprintf("Step %d", i/2), Description: "A step", FilePath: "script.py", Code: code,
			Files: []fragment.File{{Path: "script.py", Content: code}}})
		rr := chat.RunResult{Kind: "python", Template: fragment.CodeInterpreter, Stdout: []string{fmt.Sprintf("%d.25\n", i)}, Stderr: []string{},
			Results: []chat.ExecResult{{Text: "<Figure>", PNG: pngData}}, FinishedAt: time.Now().UTC()}
		if i%10 == 1 {
			rr.Results = append(rr.Results, chat.ExecResult{HTML: "<table><tr><td>" + strings.Repeat("x", 50) + "</td></tr></table>"})
		}
		res, _ := json.Marshal(rr)
		if _, err := st.AddMessage(ctx, store.Message{ProjectID: big.ID, Role: "assistant", Content: "Here is step.", Fragment: frag, Result: res}); err != nil {
			return err
		}
	}
	if err := extraProjects(ctx, st, projects, per); err != nil {
		return err
	}
	small, err := st.CreateProject(ctx, store.NewProject{Name: "Benchmark: empty"})
	if err != nil {
		return err
	}
	current := small.ID
	if openBig {
		current = big.ID
	}
	if err := st.SetSetting(ctx, "current_project", current); err != nil {
		return err
	}
	fmt.Printf(`{"big":%q,"small":%q}`+"\n", big.ID, small.ID)
	return nil
}

// extraProjects adds n projects of per short messages each (a user
// prompt, then an answer with a small fragment), as many months of use
// would leave them.
func extraProjects(ctx context.Context, st *store.Store, n, per int) error {
	for p := 0; p < n; p++ {
		proj, err := st.CreateProject(ctx, store.NewProject{Name: fmt.Sprintf("Project %04d", p), Template: fragment.CodeInterpreter})
		if err != nil {
			return err
		}
		for i := 0; i < per; i++ {
			m := store.Message{ProjectID: proj.ID, Role: "user", Content: fmt.Sprintf("Question %d of project %d", i, p)}
			if i%2 == 1 {
				code := fmt.Sprintf("print(%d)\n", i)
				frag, _ := json.Marshal(fragment.Fragment{Commentary: "Here it is.", Template: fragment.CodeInterpreter, Title: fmt.Sprintf("Step %d", i),
					FilePath: "script.py", Code: code, Files: []fragment.File{{Path: "script.py", Content: code}}})
				m = store.Message{ProjectID: proj.ID, Role: "assistant", Content: "Here it is.", Fragment: frag}
			}
			if _, err := st.AddMessage(ctx, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// chartPNG draws a small line chart, so the page decodes real images.
func chartPNG() (string, error) {
	const w, h = 320, 200
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	blue := color.RGBA{31, 119, 180, 255}
	for x := 0; x < w; x++ {
		y := h/2 - int(70*math.Sin(float64(x)/40))
		for dy := -1; dy <= 1; dy++ {
			img.Set(x, y+dy, blue)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
