package update

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"path"
	"strings"
	"time"
)

// Release is one entry of a release feed.
type Release struct {
	Version     Version
	Tag         string
	URL         string // the release page; "" when the feed gave none usable
	PublishedAt time.Time
	Draft       bool
	Prerelease  bool
}

// githubRelease is the part of GitHub's "list releases" answer we read
// (https://docs.github.com/rest/releases/releases#list-releases).
type githubRelease struct {
	TagName     string    `json:"tag_name"`
	HTMLURL     string    `json:"html_url"`
	PublishedAt time.Time `json:"published_at"`
	Draft       bool      `json:"draft"`
	Prerelease  bool      `json:"prerelease"`
}

// atomFeed is the part of an Atom feed we read, such as GitHub's
// https://github.com/OWNER/REPO/releases.atom.
type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Entries []struct {
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Links   []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// parseFeed reads GitHub's JSON releases list or an Atom feed. Entries whose
// tag is not a semantic version are skipped; a body that is neither format
// is an error.
func parseFeed(body []byte) ([]Release, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '<' {
		return parseAtom(body)
	}
	var list []githubRelease
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, err
	}
	out := make([]Release, 0, len(list))
	for _, r := range list {
		v, ok := ParseVersion(r.TagName)
		if !ok {
			continue
		}
		out = append(out, Release{Version: v, Tag: r.TagName, URL: webURL(r.HTMLURL), PublishedAt: r.PublishedAt,
			Draft: r.Draft, Prerelease: r.Prerelease || v.Prerelease()})
	}
	return out, nil
}

func parseAtom(body []byte) ([]Release, error) {
	var f atomFeed
	if err := xml.Unmarshal(body, &f); err != nil {
		return nil, err
	}
	out := make([]Release, 0, len(f.Entries))
	for _, e := range f.Entries {
		href := ""
		for _, l := range e.Links {
			if l.Rel == "" || l.Rel == "alternate" {
				href = l.Href
				break
			}
		}
		// GitHub's entries link to .../releases/tag/<tag>; the title is the
		// release's name, which may be anything.
		tag := ""
		if u, err := url.Parse(href); err == nil && href != "" {
			tag = path.Base(u.Path)
		}
		v, ok := ParseVersion(tag)
		if !ok {
			if v, ok = ParseVersion(e.Title); !ok {
				continue
			}
			tag = strings.TrimSpace(e.Title)
		}
		published, _ := time.Parse(time.RFC3339, strings.TrimSpace(e.Updated))
		// Atom cannot say "pre-release"; the version's own suffix does.
		out = append(out, Release{Version: v, Tag: tag, URL: webURL(href), PublishedAt: published, Prerelease: v.Prerelease()})
	}
	return out, nil
}

// webURL keeps only http(s) addresses: the page opens it in the system
// browser, and the feed is not trusted to choose the scheme.
func webURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.String()
}

// newest is the highest published release (no drafts, no pre-releases).
func newest(rs []Release) (Release, bool) {
	var best Release
	found := false
	for _, r := range rs {
		if r.Draft || r.Prerelease {
			continue
		}
		if !found || r.Version.Compare(best.Version) > 0 {
			best, found = r, true
		}
	}
	return best, found
}
