package uitest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSwaggerUIShowsTheAPI loads /docs/ in the browser: Swagger UI's
// scripts must run under the page's CSP, fetch /openapi.json and list the
// API's operations.
func TestSwaggerUIShowsTheAPI(t *testing.T) {
	s := newSite(t, "")
	tb := openTab(t)
	tb.do(chromedp.Navigate(s.url + "/docs/"))
	tb.eventually("the operations", `document.querySelectorAll('.opblock').length > 0`)
	paths := eval[[]string](tb, `[...document.querySelectorAll('.opblock-summary-path')].map(e => e.innerText.trim())`)
	for _, want := range []string{"/accounts", "/dump", "/export/vpn", "/export/otp-map", "/me"} {
		found := false
		for _, p := range paths {
			found = found || p == want
		}
		if !found {
			t.Errorf("Swagger UI lists %q; %s is missing", paths, want)
		}
	}
	if got := eval[string](tb, `document.querySelector('.info .title').innerText`); got == "" {
		t.Errorf("Swagger UI shows no title for the API")
	}
}
