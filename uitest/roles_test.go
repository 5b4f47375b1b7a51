package uitest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

var allInputs = []string{"decentrala", "fee-amount", "fee-currency", "fee-date", "otp",
	"resident", "ssh-key", "telegram", "username", "vpn-ip", "vpn-key"}

func TestControlsFollowTheRole(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	_, doc := s.headDoc(t)
	var decentrala []model.Account
	entries := 0
	for _, a := range doc.Accounts {
		if a.Decentrala {
			decentrala = append(decentrala, a)
		}
		entries += len(a.VPN) + len(a.SSHKeys) + len(a.FeePayments)
	}
	tests := []struct {
		name string
		key  string
		want controls
		rows []model.Account
	}{
		{name: "read-only", key: readKey, rows: doc.Accounts,
			want: controls{Access: "read-only", Rows: 18, Enabled: []string{}}},
		{name: "read-write", key: writeKey, rows: doc.Accounts,
			want: controls{Access: "read-write", Rows: 18, Save: true, AddAccount: true,
				Deletes: 18, Adds: 3 * 18, Removes: entries, Enabled: allInputs}},
		{name: "election", key: electionKey, rows: decentrala,
			want: controls{Access: "decentrala election (just residency edit)", Rows: len(decentrala),
				Save: true, Enabled: []string{"resident"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A site of its own: the page keeps its key per origin.
			s := newSite(t, testenv.LegacyDir(t))
			tb := openTab(t)
			tb.login(s, tt.key)
			if diff := cmp.Diff(tt.want, eval[controls](tb, readControls)); diff != "" {
				t.Errorf("controls differ (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(shown(tt.rows), eval[[]shownAccount](tb, readTable)); diff != "" {
				t.Errorf("rows differ (-want +got):\n%s", diff)
			}
			tb.shot("role-" + tt.name)
		})
	}
}

func TestElectionChangesResidency(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	old, doc := s.headDoc(t)
	tb := openTab(t)
	tb.login(s, electionKey)

	tb.do(chromedp.Click(row(2, ".resident")))
	tb.save()

	want := slices.Clone(doc.Accounts)
	seen := 0
	for i, a := range want {
		if a.Decentrala {
			if seen++; seen == 2 {
				want[i].Resident = !a.Resident
			}
		}
	}
	wantNewHead(t, s, old.SHA256, 31, want)
}

func TestWrongKeyShowsError(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	tb := openTab(t)
	tb.login(s, "not-one-of-the-keys")

	status := tb.statusText()
	if !strings.HasPrefix(status, "error") || !strings.Contains(status, "a valid key is required") {
		t.Errorf("status = %q, want the word error and the server's message", status)
	}
	if c := eval[controls](tb, readControls); c.Rows != 0 || c.Save {
		t.Errorf("with a wrong key the page shows %d rows, Save %v; want none", c.Rows, c.Save)
	}
}

func TestDataShownAsText(t *testing.T) {
	const xss = `<img src=x onerror=alert(1)>`
	s := newSite(t, "")
	s.commit(t, []model.Account{{
		Username: xss, Telegram: strPtr(`<script>alert(2)</script>`),
		VPN: []model.VPN{}, SSHKeys: []string{}, FeePayments: []model.FeePayment{},
	}})
	tb := openTab(t)
	tb.login(s, writeKey)

	got := eval[[]shownAccount](tb, readTable)
	if len(got) != 1 || got[0].Username != xss || got[0].Telegram != `<script>alert(2)</script>` {
		t.Errorf("table = %+v, want the markup as text", got)
	}
	// The same name again gives a 422 that quotes it in the problem list.
	tb.do(chromedp.Click(chromedp.CSS("#add-account")),
		chromedp.SetValue(row(2, ".username"), xss))
	tb.clickSave()
	wantProblems(t, tb, `Account "`+xss+`" (row 2), Username: username is already used by account "`+xss+`"`)

	time.Sleep(300 * time.Millisecond) // time for an injected handler to run
	if n := eval[int](tb, `document.images.length + document.scripts.length`); n != 1 {
		t.Errorf("the page holds %d images and scripts, want only its own script", n)
	}
	// The policy the page is served with stops any script it does not name.
	eval[bool](tb, `(() => { const s = document.createElement('script'); `+
		`s.textContent = 'window.injected = true'; document.body.appendChild(s); return true; })()`)
	if eval[bool](tb, `window.injected === true`) {
		t.Errorf("an injected inline script ran: the Content-Security-Policy is not in force")
	}
	if got := tb.dialogTypes(); !cmp.Equal(got, []string{"prompt"}) {
		t.Errorf("dialogs opened: %v, want only the login prompt", got)
	}
}

func TestUnsavedChangesAskBeforeLeaving(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	tb := openTab(t)
	tb.login(s, writeKey)

	tb.do(chromedp.Navigate(s.url + "/healthz"))
	if got := tb.dialogTypes(); !cmp.Equal(got, []string{"prompt"}) {
		t.Errorf("leaving with no change opened %v, want no dialog after the login prompt", got)
	}
	tb.do(chromedp.Navigate(s.url + "/"))
	tb.waitDrawn()
	tb.typeInto(rowSel(1)+" .otp", "77")
	tb.do(chromedp.Navigate(s.url + "/healthz"))
	if got := tb.dialogTypes(); !cmp.Equal(got, []string{"prompt", "beforeunload"}) {
		t.Errorf("leaving with a change opened %v, want a beforeunload dialog", got)
	}
}

func TestPhoneScrollsSideways(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	tb := openTab(t)
	tb.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	tb.login(s, writeKey)

	if !eval[bool](tb, `document.documentElement.scrollWidth <= window.innerWidth`) {
		t.Errorf("the page is wider than a phone's screen: the table should scroll on its own")
	}
	if !eval[bool](tb, `(() => { const s = document.querySelector('.scroll'); `+
		`return s.scrollWidth > s.clientWidth && getComputedStyle(s).overflowX === 'auto'; })()`) {
		t.Errorf("the table does not scroll sideways")
	}
	for _, sel := range []string{"#login", "#save", "#add-account", `a[href="/docs"]`} {
		if !eval[bool](tb, `(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect(); `+
			`return r.width > 0 && r.right <= window.innerWidth; })()`) {
			t.Errorf("%s is not on the screen", sel)
		}
	}
	tb.shot("phone")
}
