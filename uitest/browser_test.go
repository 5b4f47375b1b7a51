package uitest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/xecut/resident/internal/testenv"
)

var shotDir = flag.String("screenshots", "",
	"folder to keep a screenshot of every page a test checks the looks of")

// browser is the one Chromium every test opens its tabs in; browserErr
// says why there is none.
var (
	browser    context.Context
	browserErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runWithBrowser(m))
}

func runWithBrowser(m *testing.M) int {
	path, err := chromiumPath()
	if err != nil {
		browserErr = err
		return m.Run()
	}
	profile, err := os.MkdirTemp("", "resident-uitest-profile-")
	if err != nil {
		browserErr = err
		return m.Run()
	}
	defer os.RemoveAll(profile)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1440, 900),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		// Without these Chromium reaches out to Google's servers, which
		// the test machines refuse or must not be bothered with.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("metrics-recording-only", true),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		browserErr = fmt.Errorf("start %s: %w", path, err)
		return m.Run()
	}
	browser = ctx
	return m.Run()
}

// chromiumPath finds Debian's Chromium, or the browser RESIDENT_CHROMIUM
// names.
func chromiumPath() (string, error) {
	if p := os.Getenv("RESIDENT_CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("chromium not found")
}

// tab is one browser tab of a test, with the dialogs the page opened.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	prompt  string // the answer to the next prompt
	dialogs []page.EventJavascriptDialogOpening
}

// openTab opens a tab for t, closed when t ends; when t fails, a
// screenshot of the tab is kept and its path logged. Without Chromium the
// test is skipped, unless CI is set: then it fails.
func openTab(t *testing.T) *tab {
	t.Helper()
	testenv.Need(t, browser != nil, fmt.Sprintf("no browser: %v", browserErr),
		"install it with: apt-get install -y chromium fonts-dejavu-core")
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go tb.answerDialogs(dialogs)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			tb.keepScreenshot("failure")
		}
	})
	return tb
}

// answerDialogs records every dialog and accepts it, answering a prompt
// with the text set by expectPrompt.
func (tb *tab) answerDialogs(events func(func(page.EventJavascriptDialogOpening, error) bool)) {
	for ev, err := range events {
		if err != nil {
			return
		}
		tb.mu.Lock()
		tb.dialogs = append(tb.dialogs, ev)
		answer := tb.prompt
		tb.mu.Unlock()
		params := page.HandleJavaScriptDialogParams{Accept: true}
		if ev.Type == page.DialogTypePrompt {
			params.PromptText = answer
		}
		chromedp.Call(tb.ctx, page.HandleJavaScriptDialog, params)
	}
}

func (tb *tab) expectPrompt(answer string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.prompt = answer
}

// dialogTypes lists the types of the dialogs opened so far.
func (tb *tab) dialogTypes() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, d := range tb.dialogs {
		out = append(out, string(d.Type))
	}
	return out
}

// do runs steps, failing the test on the first error.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// eval returns the value of a JavaScript expression in the page.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := tryEval[T](tb, expr)
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func tryEval[T any](tb *tab, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}

// eventually waits until expr is true in the page, across reloads.
func (tb *tab) eventually(what, expr string) {
	tb.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := tryEval[bool](tb, expr)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waited in vain for %s (%s): last error %v; status: %q",
				what, expr, err, tb.statusText())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

func (tb *tab) statusText() string {
	s, _ := tryEval[string](tb, `document.querySelector('#status').innerText`)
	return s
}

// screenshot returns a PNG of the whole page.
func (tb *tab) screenshot() ([]byte, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.FullScreenshot(100))
}

// keepScreenshot writes a screenshot where it outlives the test: into the
// -screenshots folder, else the system's temp folder, and logs its path.
func (tb *tab) keepScreenshot(label string) {
	png, err := tb.screenshot()
	if err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	dir := *shotDir
	if dir == "" {
		dir = os.TempDir()
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(tb.t.Name())
	f, err := os.CreateTemp(dir, "resident-uitest-"+name+"-"+label+"-*.png")
	if err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.Write(png); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	tb.t.Logf("screenshot of the page: %s", filepath.Clean(f.Name()))
}

// shot keeps a screenshot named name in the -screenshots folder, when one
// is given, for a person to check how the page looks.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	if *shotDir == "" {
		return
	}
	png, err := tb.screenshot()
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(*shotDir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
}
