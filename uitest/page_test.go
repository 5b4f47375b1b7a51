package uitest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/internal/testenv"
)

func TestLoginAndLogout(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	tb := openTab(t)
	tb.do(chromedp.Navigate(s.url + "/"))
	tb.eventually("the page", `document.readyState === 'complete'`)
	if got := eval[string](tb, `document.querySelector('#access').innerText`); got != "not logged in" {
		t.Errorf("access before login = %q, want %q", got, "not logged in")
	}
	if got := eval[string](tb, `document.querySelector('a[href="/docs"]').innerText`); got != "Swagger UI" {
		t.Errorf("docs link = %q, want Swagger UI", got)
	}

	tb.login(s, readKey)
	if got := tb.dialogTypes(); !cmp.Equal(got, []string{"prompt"}) {
		t.Errorf("dialogs = %v, want one prompt", got)
	}
	if got := eval[string](tb, `localStorage.apiKey`); got != readKey {
		t.Errorf("localStorage.apiKey = %q, want the key typed into the prompt", got)
	}
	c := eval[controls](tb, readControls)
	if c.Access != "read-only" || c.Rows != 18 {
		t.Errorf("after login: access %q, %d rows; want read-only, 18 rows", c.Access, c.Rows)
	}
	if got := eval[string](tb, `document.querySelector('#login').innerText`); got != "Logout" {
		t.Errorf("button after login = %q, want Logout", got)
	}

	tb.do(chromedp.Click(chromedp.CSS("#login")))
	tb.eventually("the logout", `document.querySelector('#login').innerText === 'Login'`)
	if got := eval[bool](tb, `localStorage.getItem('apiKey') === null`); !got {
		t.Errorf("localStorage.apiKey is still set after logout")
	}
	c = eval[controls](tb, readControls)
	if c.Access != "not logged in" || c.Rows != 0 {
		t.Errorf("after logout: access %q, %d rows; want not logged in, 0 rows", c.Access, c.Rows)
	}
}

func TestLegacyTableShown(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	_, head := s.headDoc(t)
	tb := openTab(t)
	tb.login(s, writeKey)

	got := eval[[]shownAccount](tb, readTable)
	want := shown(head.Accounts)
	if len(got) != 18 {
		t.Errorf("the page shows %d accounts, want 18", len(got))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table differs from the head version (-want +got):\n%s", diff)
	}
	// The style block is allowed by its hash in the served policy.
	if bg := eval[string](tb, `getComputedStyle(document.querySelector('header')).backgroundColor`); bg != "rgb(34, 48, 60)" {
		t.Errorf("header background = %q: the page's stylesheet was not applied", bg)
	}
	cyrillic := 0
	for _, a := range got {
		if strings.ContainsRune(a.Username, 'И') {
			cyrillic++
		}
	}
	if cyrillic != 2 {
		t.Errorf("%d usernames in Cyrillic shown, want 2 (Ивана P., Ивана K.)", cyrillic)
	}
	tb.shot("legacy-table")
}
