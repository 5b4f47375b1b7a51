// Package ui is the web page for viewing and editing accounts: one HTML
// file with its script and style inline, embedded in the binary so that it
// works on a LAN with no internet.
package ui

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"regexp"
	"strings"
)

//go:embed index.html
var page []byte

// Page returns the page's bytes.
func Page() []byte { return page }

// CSP is the Content-Security-Policy the page is served with: only its own
// inline script and style, by hash, and requests to its own origin.
var CSP = buildCSP(page)

var (
	scriptRE = regexp.MustCompile(`(?s)<script>(.*?)</script>`)
	styleRE  = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
)

func buildCSP(html []byte) string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src " + hashes(scriptRE, html),
		"style-src " + hashes(styleRE, html),
		"connect-src 'self'",
		"img-src 'self'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// hashes lists the CSP source expressions for every inline block re finds;
// 'none' when there is none.
func hashes(re *regexp.Regexp, html []byte) string {
	var out []string
	for _, m := range re.FindAllSubmatch(html, -1) {
		sum := sha256.Sum256(m[1])
		out = append(out, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	if len(out) == 0 {
		return "'none'"
	}
	return strings.Join(out, " ")
}
