package ui

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func sriHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func TestBuildCSP(t *testing.T) {
	tests := []struct {
		name       string
		html       string
		wantScript string
		wantStyle  string
	}{
		{name: "none", html: `<p>hi</p>`, wantScript: "'none'", wantStyle: "'none'"},
		{name: "one each", html: "<style>p{}</style><script>\nx()\n</script>",
			wantScript: sriHash("\nx()\n"), wantStyle: sriHash("p{}")},
		{name: "two scripts", html: "<script>a</script><script>b</script>",
			wantScript: sriHash("a") + " " + sriHash("b"), wantStyle: "'none'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			csp := buildCSP([]byte(tt.html))
			for _, want := range []string{"script-src " + tt.wantScript + ";", "style-src " + tt.wantStyle + ";"} {
				if !strings.Contains(csp, want) {
					t.Errorf("buildCSP(%q) = %q, want it to contain %q", tt.html, csp, want)
				}
			}
		})
	}
}

// TestCSPAllowsOnlyThePage checks that the served policy names the page's
// own blocks by hash and no other origin.
func TestCSPAllowsOnlyThePage(t *testing.T) {
	html := string(Page())
	scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(html, -1)
	styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(html, -1)
	if len(scripts) != 1 || len(styles) != 1 {
		t.Fatalf("page has %d scripts and %d styles, want one of each", len(scripts), len(styles))
	}
	for _, want := range []string{
		"default-src 'none'",
		"script-src " + sriHash(scripts[0][1]) + ";",
		"style-src " + sriHash(styles[0][1]) + ";",
		"connect-src 'self'",
		"frame-ancestors 'none'",
	} {
		if !strings.Contains(CSP, want) {
			t.Errorf("CSP = %q, want it to contain %q", CSP, want)
		}
	}
	for _, bad := range []string{"http", "*", "unsafe", "data:"} {
		if strings.Contains(CSP, bad) {
			t.Errorf("CSP = %q allows %q", CSP, bad)
		}
	}
}

// TestPageNeedsNothingElse checks the rules the policy and the LAN impose:
// nothing from another host, no inline handlers or style attributes (the
// policy would block them), and no HTML built from strings.
func TestPageNeedsNothingElse(t *testing.T) {
	html := string(Page())
	tests := []struct {
		name string
		re   string
	}{
		{name: "another host", re: `(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|<link|<script\s+src|@import`},
		{name: "inline handler", re: `(?i)<[^>]*\son[a-z]+\s*=`},
		{name: "style attribute", re: `(?i)<[^>]*\sstyle\s*=`},
		{name: "HTML from strings", re: `innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m := regexp.MustCompile(tt.re).FindString(html); m != "" {
				t.Errorf("page contains %q", m)
			}
		})
	}
}
