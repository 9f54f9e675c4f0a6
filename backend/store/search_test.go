package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func mustProject(t *testing.T, s *Store, name, desc string) Project {
	t.Helper()
	p, err := s.CreateProject(context.Background(), NewProject{Name: name, Description: desc})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustMessage(t *testing.T, s *Store, projectID, role, content string, frag any) Message {
	t.Helper()
	m := Message{ProjectID: projectID, Role: role, Content: content}
	if frag != nil {
		b, _ := json.Marshal(frag)
		m.Fragment = b
	}
	m, err := s.AddMessage(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func search(t *testing.T, s *Store, q string) []SearchHit {
	t.Helper()
	groups, err := s.Search(context.Background(), q, 50)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	var out []SearchHit
	for _, g := range groups {
		out = append(out, g.Hits...)
	}
	return out
}

func TestFTSQuery(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{`"`, ""},
		{"*", ""},
		{"-", ""},
		{"AND", `"AND"*`},
		{"counter app", `"counter" "app"*`},
		{`say "hi"`, `"say" """hi"""*`},
		{"NEAR(a b)", `"NEAR(a" "b)"*`},
		{"title:x -y", `"title:x" "-y"*`},
		{"café", `"café"*`},
		{"wea\x00ther", `"wea" "ther"*`},
		{"\x00", ""},
	} {
		if got := FTSQuery(tc.in); got != tc.want {
			t.Errorf("FTSQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSearchFindsEveryKindWithSnippetsAndPlaces(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p := mustProject(t, s, "Weather dashboard", "Shows the forecast for Zurich")
	u := mustMessage(t, s, p.ID, "user", "Build me a barometer widget please", nil)
	a := mustMessage(t, s, p.ID, "assistant", "Here it is.", map[string]any{"title": "Barometer gauge", "description": "A round dial"})
	if err := s.PutFiles(ctx, p.ID, []File{
		{Path: "app/page.tsx", Content: "import x\n\nexport function Barometer() {\n  return null\n}\n"},
		{Path: "public/logo.png", Content: "\x89PNG\x00\x00barometer"},
	}); err != nil {
		t.Fatal(err)
	}

	hits := search(t, s, "barometer")
	kinds := map[string]SearchHit{}
	for _, h := range hits {
		kinds[h.Kind+":"+h.Path] = h
	}
	if m, ok := kinds["message:"]; !ok || m.MessageID != u.ID || m.Seq != u.Seq || !strings.Contains(m.Snippet, MarkStart+"barometer"+MarkEnd) {
		t.Errorf("message hit = %+v (all %+v)", m, hits)
	}
	if f, ok := kinds["fragment:"]; !ok || f.MessageID != a.ID || f.Seq != a.Seq || !strings.Contains(f.Snippet, MarkStart+"Barometer"+MarkEnd) {
		t.Errorf("fragment hit = %+v", f)
	}
	if f, ok := kinds["file:app/page.tsx"]; !ok || f.Line != 3 {
		t.Errorf("file hit = %+v, want line 3", f)
	}
	if _, ok := kinds["file:public/logo.png"]; ok {
		t.Error("binary file content was indexed")
	}
	if hits := search(t, s, "export function"); len(hits) != 1 || hits[0].Path != "app/page.tsx" || hits[0].Line != 3 {
		t.Errorf("two words in a file = %+v", hits)
	}
	if err := s.PutFiles(ctx, p.ID, []File{{Path: "count.py", Content: "import math\n\ndef count_pelicans(n):\n"}}); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, s, "count_pelicans"); len(hits) != 1 || hits[0].Path != "count.py" || hits[0].Line != 3 {
		t.Errorf("identifier with underscore = %+v", hits)
	}
	if hits := search(t, s, "logo"); len(hits) != 1 || hits[0].Path != "public/logo.png" || hits[0].Line != 0 {
		t.Errorf("path search = %+v", hits)
	}
	if hits := search(t, s, "zurich"); len(hits) != 1 || hits[0].Kind != HitProject {
		t.Errorf("description search = %+v", hits)
	}
	// Prefix on the last word only, AND between words.
	if hits := search(t, s, "forecast zur"); len(hits) != 1 {
		t.Errorf("prefix search = %+v", hits)
	}
	if hits := search(t, s, "forec zurich"); len(hits) != 0 {
		t.Errorf("non-last word matched as prefix: %+v", hits)
	}
}

func TestSearchRankingAndGrouping(t *testing.T) {
	s := openTest(t)
	p1 := mustProject(t, s, "Alpha", "")
	p2 := mustProject(t, s, "Beta", "")
	mustMessage(t, s, p1.ID, "user", "one mention of kettle among many many other words that dilute the term a lot more", nil)
	best := mustMessage(t, s, p2.ID, "user", "kettle kettle kettle", nil)
	mustMessage(t, s, p2.ID, "user", "a kettle in a longer sentence with several other words around it", nil)
	groups, err := s.Search(context.Background(), "kettle", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0].ProjectID != p2.ID || groups[0].ProjectName != "Beta" || groups[1].ProjectID != p1.ID {
		t.Fatalf("groups = %+v", groups)
	}
	g := groups[0]
	if len(g.Hits) != 2 || g.Hits[0].MessageID != best.ID || !(g.Hits[0].Rank < g.Hits[1].Rank) {
		t.Errorf("hits of best project = %+v", g.Hits)
	}
	// A title match outweighs a body match of the same term.
	p3 := mustProject(t, s, "Kettle tracker", "")
	groups, _ = s.Search(context.Background(), "kettle", 10)
	if groups[0].ProjectID != p3.ID {
		t.Errorf("project named Kettle not first: %+v", groups[0])
	}
	if groups, _ := s.Search(context.Background(), "kettle", 1); len(groups) != 1 || len(groups[0].Hits) != 1 {
		t.Errorf("limit 1 = %+v", groups)
	}
}

func TestSearchUnicode(t *testing.T) {
	s := openTest(t)
	p := mustProject(t, s, "Café Überblick", "")
	mustMessage(t, s, p.ID, "user", "Привет, мир! Сделай счётчик", nil)
	mustMessage(t, s, p.ID, "user", "東京 天気 アプリ", nil)
	for _, tc := range []struct {
		q    string
		want string // substring expected in the snippet
	}{
		{"cafe", MarkStart + "Café" + MarkEnd},
		{"CAFÉ", "Café"},
		{"uberblick", "Überblick"},
		{"привет", MarkStart + "Привет" + MarkEnd},
		{"МИР", "мир"},
		{"сделай", MarkStart + "Сделай" + MarkEnd},
		{"東京", MarkStart + "東京" + MarkEnd},
		{"アプ", "アプリ"}, // prefix
	} {
		hits := search(t, s, tc.q)
		if len(hits) != 1 || !strings.Contains(hits[0].Snippet, tc.want) {
			t.Errorf("%q: hits %+v, want snippet with %q", tc.q, hits, tc.want)
		}
	}
}

func TestSearchFollowsUpdatesAndDeletes(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p := mustProject(t, s, "Notes", "")
	m := mustMessage(t, s, p.ID, "assistant", "", nil)
	// Streaming: the content grows and the fragment arrives later.
	for _, c := range []string{"draft", "draft zebra"} {
		c := c
		if err := s.UpdateMessage(ctx, m.ID, MessageUpdate{Content: &c}); err != nil {
			t.Fatal(err)
		}
	}
	if len(search(t, s, "zebra")) != 1 {
		t.Error("updated content not found")
	}
	frag, _ := json.Marshal(map[string]string{"title": "Giraffe"})
	if err := s.UpdateMessage(ctx, m.ID, MessageUpdate{Fragment: frag}); err != nil {
		t.Fatal(err)
	}
	frag, _ = json.Marshal(map[string]string{"title": "Okapi"})
	if err := s.UpdateMessage(ctx, m.ID, MessageUpdate{Fragment: frag}); err != nil {
		t.Fatal(err)
	}
	if len(search(t, s, "giraffe")) != 0 || len(search(t, s, "okapi")) != 1 {
		t.Error("fragment title change not followed")
	}
	if _, err := s.UpdateProject(ctx, p.ID, ProjectPatch{Name: ptr("Journal")}); err != nil {
		t.Fatal(err)
	}
	if len(search(t, s, "notes")) != 0 || len(search(t, s, "journal")) != 1 {
		t.Error("rename not followed")
	}
	if err := s.PutFiles(ctx, p.ID, []File{{Path: "a.py", Content: "lion = 1"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutFiles(ctx, p.ID, []File{{Path: "a.py", Content: "tiger = 1"}}); err != nil {
		t.Fatal(err)
	}
	if len(search(t, s, "lion")) != 0 || len(search(t, s, "tiger")) != 1 {
		t.Error("file overwrite not followed")
	}
	if err := s.DeleteFile(ctx, p.ID, "a.py"); err != nil {
		t.Fatal(err)
	}
	if len(search(t, s, "tiger")) != 0 {
		t.Error("deleted file still found")
	}
	if _, err := s.DeleteExchange(ctx, p.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	if len(search(t, s, "zebra")) != 0 || len(search(t, s, "okapi")) != 0 {
		t.Error("deleted message still found")
	}
	// Deleting a project removes everything of it (cascades fire triggers).
	mustMessage(t, s, p.ID, "user", "hippo", map[string]string{"title": "hippo app"})
	if err := s.PutFiles(ctx, p.ID, []File{{Path: "hippo.py", Content: "hippo"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, s, "hippo"); len(hits) != 0 {
		t.Errorf("deleted project still found: %+v", hits)
	}
	if docs, fts, err := searchIndexSize(ctx, s.db); err != nil || docs != 0 || fts != 0 {
		t.Errorf("index not empty after deleting everything: docs %d fts %d %v", docs, fts, err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestSearchMalformedQueriesNeverFail(t *testing.T) {
	s := openTest(t)
	p := mustProject(t, s, "AND project", "")
	mustMessage(t, s, p.ID, "user", `a "quoted" word, NEAR the OR operator: x-y * z`, nil)
	for _, q := range []string{`"`, `""`, `*`, `AND`, `OR`, `NOT`, `-`, `-x`, `x-`, `(`, `)`, `a:`, `:`, `^`, `NEAR(`,
		`"unterminated`, `a AND`, `col:value`, `{title}`, "\x00", `'`, `\`, `%`, `_`} {
		if _, err := s.Search(context.Background(), q, 10); err != nil {
			t.Errorf("Search(%q) failed: %v", q, err)
		}
	}
	if hits := search(t, s, "AND"); len(hits) != 1 || hits[0].Kind != HitProject {
		t.Errorf("AND as a word: %+v", hits)
	}
	if hits := search(t, s, `"quoted"`); len(hits) != 1 {
		t.Errorf(`"quoted": %+v`, hits)
	}
	if hits := search(t, s, "x-y"); len(hits) != 1 {
		t.Errorf("x-y: %+v", hits)
	}
}

// TestMigrationIndexesExistingData builds a database at the schema before
// 0004 (every migration numbered below 4, including a 0003 merged from
// elsewhere), fills it, and opens it with this build.
func TestMigrationIndexesExistingData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version >= 4 {
			break
		}
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, m.version, m.name); err != nil {
			t.Fatal(err)
		}
	}
	for _, stmt := range []string{
		`INSERT INTO projects(id, name, description, created_at, updated_at, last_activity_at) VALUES ('p1', 'Old pelican', 'from before search', 1, 1, 1)`,
		`INSERT INTO messages(id, project_id, seq, role, content, fragment, created_at) VALUES ('m1', 'p1', 1, 'user', 'an old walrus question', NULL, 1)`,
		`INSERT INTO messages(id, project_id, seq, role, content, fragment, created_at) VALUES ('m2', 'p1', 2, 'assistant', 'answer', '{"title":"Narwhal"}', 1)`,
		`INSERT INTO messages(id, project_id, seq, role, content, fragment, created_at) VALUES ('m3', 'p1', 3, 'assistant', 'bad json', '{not json', 1)`,
		`INSERT INTO project_files(project_id, path, content, updated_at) VALUES ('p1', 'src/manatee.py', CAST('x = 1' || char(10) || 'dugong = 2' AS BLOB), 1)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		q, kind string
		line    int
	}{
		{"pelican", HitProject, 0}, {"walrus", HitMessage, 0}, {"narwhal", HitFragment, 0},
		{"manatee", HitFile, 0}, {"dugong", HitFile, 2},
	} {
		hits := search(t, s, tc.q)
		if len(hits) != 1 || hits[0].Kind != tc.kind || hits[0].Line != tc.line {
			t.Errorf("%q after migration: %+v", tc.q, hits)
		}
	}
	// And the triggers work on the migrated database.
	mustMessage(t, s, "p1", "user", "new beluga", nil)
	if len(search(t, s, "beluga")) != 1 {
		t.Error("new message on migrated database not found")
	}
}

// searchIndexSize reports the number of indexed items (tests).
func searchIndexSize(ctx context.Context, db *sql.DB) (docs, fts int, err error) {
	if err = db.QueryRowContext(ctx, `SELECT count(*) FROM search_docs`).Scan(&docs); err != nil {
		return
	}
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM search_fts`).Scan(&fts)
	return
}

func TestSearchAnyBytesAndSymbols(t *testing.T) {
	s := openTest(t)
	rocket := mustProject(t, s, "🚀🎉", "")
	mustProject(t, s, "Weather station", "")
	for _, q := range []string{"weather\x00", "\x00weather", "wea\u200Bther station", "weather\xff", "\u202Eweather"} {
		hits, err := s.Search(context.Background(), q, 10)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if len(hits) != 1 || hits[0].ProjectName != "Weather station" {
			t.Errorf("Search(%q) = %+v, want the weather project", q, hits)
		}
	}
	for _, q := range []string{"\x00", "\x01\x02\x03", "\u200B", "\xff\xfe"} {
		if g, err := s.Search(context.Background(), q, 10); err != nil || len(g) != 0 {
			t.Errorf("Search(%q) = %+v, %v; want nothing and no error", q, g, err)
		}
	}
	groups, err := s.Search(context.Background(), " 🚀 ", 10)
	if err != nil || len(groups) != 1 || groups[0].ProjectID != rocket.ID {
		t.Fatalf("emoji search = %+v, %v", groups, err)
	}
	if h := groups[0].Hits; len(h) != 1 || h[0].Kind != HitProject || h[0].Snippet != MarkStart+"🚀"+MarkEnd+"🎉" {
		t.Errorf("emoji hit %+v", h)
	}
	if g, _ := s.Search(context.Background(), "🛸", 10); len(g) != 0 {
		t.Errorf("an emoji in no name found %+v", g)
	}
}
