package vpn

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xecut/resident/internal/testenv"
)

// fakeReloader records what the installed file held at each reload and
// fails the calls listed in fail (1 is the first call).
type fakeReloader struct {
	tb   testing.TB
	path string
	seen []string
	fail map[int]bool
}

func (r *fakeReloader) Reload(context.Context) error {
	data, err := os.ReadFile(r.path)
	if err != nil {
		r.tb.Errorf("reload with no file in place: %v", err)
	}
	r.seen = append(r.seen, string(data))
	if r.fail[len(r.seen)] {
		return errors.New("exit status 1")
	}
	return nil
}

// fakeChecker records the temp files it was shown, and their mode.
type fakeChecker struct {
	err   error
	paths []string
	modes []os.FileMode
	data  []string
}

func (c *fakeChecker) Check(_ context.Context, path string) error {
	c.paths = append(c.paths, path)
	if fi, err := os.Stat(path); err == nil {
		c.modes = append(c.modes, fi.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	c.data = append(c.data, string(data))
	return c.err
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newInstaller returns an installer for wg0.conf in a temp folder, which
// holds prev first unless prev is nil.
func newInstaller(tb testing.TB, prev []byte, check error, failReloads ...int) (*Installer, *fakeReloader, *fakeChecker) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "wg0.conf")
	if prev != nil {
		if err := os.WriteFile(path, prev, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	r := &fakeReloader{tb: tb, path: path, fail: map[int]bool{}}
	for _, n := range failReloads {
		r.fail[n] = true
	}
	c := &fakeChecker{err: check}
	return &Installer{Path: path, Checker: c, Reloader: r, Log: discard()}, r, c
}

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

const (
	oldConf = "[Interface]\n# old\n"
	newConf = "[Interface]\n# new\n"
)

func TestInstall(t *testing.T) {
	tests := []struct {
		name        string
		prev        []byte
		check       error
		failReloads []int
		wantChanged bool
		wantFile    string // "" for no file
		wantReloads []string
		wantErr     []string // parts of the error message
	}{
		{name: "first install", wantChanged: true, wantFile: newConf, wantReloads: []string{newConf}},
		{name: "changed", prev: []byte(oldConf), wantChanged: true, wantFile: newConf,
			wantReloads: []string{newConf}},
		{name: "unchanged: no reload", prev: []byte(newConf), wantFile: newConf},
		{name: "check fails: nothing replaced, nothing reloaded", prev: []byte(oldConf),
			check: errors.New("wg-quick: bad"), wantFile: oldConf,
			wantErr: []string{"check: wg-quick: bad", "installed file was not changed"}},
		{name: "check fails with no previous file", check: errors.New("bad"),
			wantErr: []string{"check: bad"}},
		{name: "reload fails: previous file back and reloaded", prev: []byte(oldConf),
			failReloads: []int{1}, wantChanged: true, wantFile: oldConf,
			wantReloads: []string{newConf, oldConf},
			wantErr:     []string{"reload: exit status 1", "previous file is back in place and reloaded"}},
		{name: "reload fails twice", prev: []byte(oldConf), failReloads: []int{1, 2}, wantChanged: true,
			wantFile: oldConf, wantReloads: []string{newConf, oldConf},
			wantErr: []string{"reload: exit status 1", "reloading it failed too"}},
		{name: "reload fails with no previous file: the new one stays", failReloads: []int{1},
			wantChanged: true, wantFile: newConf, wantReloads: []string{newConf},
			wantErr: []string{"reload: exit status 1", "no previous file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, r, _ := newInstaller(t, tt.prev, tt.check, tt.failReloads...)
			changed, err := in.Install(context.Background(), []byte(newConf))
			if changed != tt.wantChanged {
				t.Errorf("Install() changed = %v, want %v", changed, tt.wantChanged)
			}
			checkErr(t, err, tt.wantErr)
			got, statErr := os.ReadFile(in.Path)
			if tt.wantFile == "" && !errors.Is(statErr, os.ErrNotExist) {
				t.Errorf("file holds %q, want no file", got)
			}
			if tt.wantFile != "" && string(got) != tt.wantFile {
				t.Errorf("file holds %q, want %q", got, tt.wantFile)
			}
			if strings.Join(r.seen, "|") != strings.Join(tt.wantReloads, "|") {
				t.Errorf("reloads saw %q, want %q", r.seen, tt.wantReloads)
			}
			checkNoTemps(t, filepath.Dir(in.Path))
		})
	}
}

func checkErr(tb testing.TB, err error, want []string) {
	tb.Helper()
	if len(want) == 0 {
		if err != nil {
			tb.Fatalf("error = %v, want nil", err)
		}
		return
	}
	if err == nil {
		tb.Fatalf("error = nil, want one mentioning %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			tb.Errorf("error = %q, want it to mention %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		tb.Errorf("error %q is not one line", err)
	}
}

func checkNoTemps(tb testing.TB, dir string) {
	tb.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, n := range names {
		if filepath.Base(n) != "wg0.conf" {
			tb.Errorf("left behind %s", n)
		}
	}
}

// The file holds the private key: the new file and the temp one are 0600
// from the start, and the temp one is named so that wg-quick accepts it.
func TestInstallTempFile(t *testing.T) {
	for range 20 {
		in, _, c := newInstaller(t, []byte(oldConf), nil)
		if _, err := in.Install(context.Background(), []byte(newConf)); err != nil {
			t.Fatal(err)
		}
		if len(c.paths) != 1 || c.data[0] != newConf || c.modes[0] != 0o600 {
			t.Fatalf("checker saw %q %q %v, want one complete 0600 file", c.paths, c.data, c.modes)
		}
		if filepath.Dir(c.paths[0]) != filepath.Dir(in.Path) {
			t.Errorf("temp file %s is not beside %s", c.paths[0], in.Path)
		}
		if !regexp.MustCompile(`^[a-zA-Z0-9_=+.-]{1,15}\.conf$`).MatchString(filepath.Base(c.paths[0])) {
			t.Errorf("temp file %s has a name wg-quick refuses", c.paths[0])
		}
		if fi, err := os.Stat(in.Path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("installed file mode = %v, %v; want 0600", fi.Mode(), err)
		}
	}
}

// The longest name os.CreateTemp can make from TempPattern is still an
// interface name.
func TestTempPatternLength(t *testing.T) {
	longest := strings.Replace(TempPattern, "*", "4294967295", 1)
	if n := len(strings.TrimSuffix(longest, ".conf")); n > 15 {
		t.Errorf("%s: %d characters before .conf, wg-quick allows 15", longest, n)
	}
}

// requireTool skips when name is missing, unless CI is set.
func requireTool(tb testing.TB, name, pkg string) {
	tb.Helper()
	_, err := exec.LookPath(name)
	testenv.Need(tb, err == nil, name+" is not installed", "apt-get install "+pkg)
}

func requireRoot(tb testing.TB) {
	tb.Helper()
	testenv.Need(tb, os.Geteuid() == 0, "this test needs root",
		"run it as root (wg-quick re-runs itself through sudo otherwise)")
}

// TestWGQuickCheck runs the real wg-quick on the real temp file names.
func TestWGQuickCheck(t *testing.T) {
	requireTool(t, "wg-quick", "wireguard-tools")
	requireRoot(t)
	peers, _, _ := Peers(testAdmin, nil)
	wq := WGQuick{Timeout: 30 * time.Second, Log: discard(), Secrets: []string{testPrivateKey}}
	in := &Installer{Path: filepath.Join(t.TempDir(), "wg0.conf"), Checker: wq,
		Reloader: &fakeReloader{tb: t}, Log: discard()}
	in.Reloader.(*fakeReloader).path = in.Path
	if _, err := in.Install(context.Background(), Render(testIface, peers)); err != nil {
		t.Fatalf("Install() with wg-quick strip as the check: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "interface-name-too-long.conf")
	if err := os.WriteFile(bad, Render(testIface, peers), 0o600); err != nil {
		t.Fatal(err)
	}
	err := wq.Check(context.Background(), bad)
	if err == nil || !strings.Contains(err.Error(), "valid interface name") {
		t.Errorf("Check(%s) = %v, want wg-quick's complaint about the name", bad, err)
	}
}
