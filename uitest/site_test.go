package uitest

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
	"github.com/xecut/resident/server"
)

// The keys of the three roles in every test server.
const (
	readKey     = "read-key-for-the-ui-tests"
	writeKey    = "write-key-for-the-ui-tests"
	electionKey = "election-key-for-the-ui-tests"
)

// site is a resident server on loopback over its own data folder.
type site struct {
	dir   string
	store *chain.Store
	url   string

	mu       sync.Mutex
	lastPost []byte // the body of the last POST /accounts
}

// newSite serves a copy of the folder seed, or an empty folder when seed
// is "".
func newSite(tb testing.TB, seed string) *site {
	tb.Helper()
	dir := tb.TempDir()
	if seed != "" {
		testenv.CopyFiles(tb, seed, dir)
	}
	store, err := chain.Open(dir, time.Now)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	h := server.New(server.Options{
		Store:   store,
		Keys:    server.Keys{Read: readKey, Write: writeKey, Election: electionKey},
		Name:    "xecut",
		MaxBody: 8 << 20,
		Logger:  slog.New(slog.DiscardHandler),
	})
	s := &site{dir: dir, store: store}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/accounts" {
			body, _ := io.ReadAll(r.Body)
			s.mu.Lock()
			s.lastPost = body
			s.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		h.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// posted is the body of the last POST /accounts the page sent.
func (s *site) posted() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastPost
}

// versions reads the chain from disk, as a consumer would.
func (s *site) versions(tb testing.TB) []chain.Version {
	tb.Helper()
	vs, err := chain.LoadDir(s.dir)
	if err != nil {
		tb.Fatalf("load chain: %v", err)
	}
	return vs
}

// headDoc parses the newest version on disk.
func (s *site) headDoc(tb testing.TB) (chain.Version, *model.Document) {
	tb.Helper()
	vs := s.versions(tb)
	if len(vs) == 0 {
		tb.Fatalf("no version on disk")
	}
	last := vs[len(vs)-1]
	data, err := os.ReadFile(filepath.Join(s.dir, last.Name))
	if err != nil {
		tb.Fatalf("read head: %v", err)
	}
	doc, err := model.Parse(data)
	if err != nil {
		tb.Fatalf("parse head %s: %v", last.Name, err)
	}
	return last, doc
}

// commit stores accounts as a new version directly in the store.
func (s *site) commit(tb testing.TB, accounts []model.Account) {
	tb.Helper()
	_, _, err := s.store.Commit("", func(chain.Head) ([]model.Account, error) {
		return accounts, nil
	})
	if err != nil {
		tb.Fatalf("commit: %v", err)
	}
}

// post sends accounts to the API with the write key, as another person
// editing at the same time would.
func (s *site) post(tb testing.TB, accounts []model.Account) {
	tb.Helper()
	body := model.Marshal(model.Document{Accounts: accounts})
	req, err := http.NewRequest(http.MethodPost, s.url+"/accounts", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+writeKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("POST /accounts: %v", err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("POST /accounts = %d %s", res.StatusCode, got)
	}
}

// ---- the page ----

// login opens the site's page and logs in through the prompt.
func (tb *tab) login(s *site, key string) {
	tb.t.Helper()
	tb.expectPrompt(key)
	tb.do(chromedp.Navigate(s.url + "/"))
	tb.eventually("the login button", `document.querySelector('#login').innerText === 'Login'`)
	tb.do(chromedp.Click(chromedp.CSS("#login")))
	tb.waitDrawn()
}

// waitDrawn waits for the table or an error.
func (tb *tab) waitDrawn() {
	tb.t.Helper()
	tb.eventually("the table or an error", `document.readyState === 'complete' && `+
		`(document.querySelector('#count').innerText !== '' || `+
		`document.querySelector('#status').classList.contains('error'))`)
}

// save clicks Save and waits until the page has reloaded after
// {"ok":true}.
func (tb *tab) save() {
	tb.t.Helper()
	eval[bool](tb, `window.beforeSave = true`)
	tb.do(chromedp.Click(chromedp.CSS("#save")))
	tb.eventually("the reload after saving", `window.beforeSave === undefined && `+
		`document.readyState === 'complete' && document.querySelector('#count').innerText !== ''`)
}

// clickSave clicks Save and waits for the answer to be shown.
func (tb *tab) clickSave() {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS("#save")))
	tb.eventually("an answer to Save", `document.querySelector('#status').innerText !== '' && `+
		`!document.querySelector('#save').disabled`)
}

// row selects something in the n-th account row (counting from 1).
func row(n int, sel string) chromedp.CSS {
	return chromedp.CSS(rowSel(n) + " " + sel)
}

func rowSel(n int) string {
	return "#accounts > tbody > tr.account:nth-child(" + strconv.Itoa(n) + ")"
}

// typeInto empties the input sel and types text into it, key by key.
func (tb *tab) typeInto(sel, text string) {
	tb.t.Helper()
	eval[bool](tb, `(document.querySelector(`+jsString(sel)+`).value = '') === ''`)
	tb.do(chromedp.SendKeys(chromedp.CSS(sel), text))
}
