package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/demo"
	"github.com/xecut/resident/internal/testenv"
)

// demoFolder is the project's demo chain: 40 versions of 20 accounts.
const demoFolder = "../testdata/demo-data"

// damage changes a copy of the demo chain and returns the file that
// start-up and verify-chain must name, and the kind of problem.
type damage func(tb testing.TB, dir string, vs []chain.Version) (file, kind string)

// TestDamagedFolder drops garbage, truncated, foreign and hand-edited
// files into a data folder: resident serve refuses to start naming the
// file, and verify-chain reports the same file and problem.
func TestDamagedFolder(t *testing.T) {
	tests := []struct {
		name   string
		damage damage
	}{
		{name: "garbage under its own hash",
			damage: func(tb testing.TB, dir string, _ []chain.Version) (string, string) {
				data := []byte("\x00\xffPK\x03\x04 not a version at all")
				return put(tb, dir, chain.FileName(1765000000, chain.Sum(data)), data), chain.KindUnreadable
			}},
		{name: "garbage under a version-like name",
			damage: func(tb testing.TB, dir string, _ []chain.Version) (string, string) {
				return put(tb, dir, "1765000000-0123abc.json", []byte("{}")), chain.KindBadName
			}},
		{name: "truncated version",
			damage: func(tb testing.TB, dir string, vs []chain.Version) (string, string) {
				v := vs[20]
				data := read(tb, dir, v.Name)
				return put(tb, dir, v.Name, data[:len(data)/2]), chain.KindHashMismatch
			}},
		{name: "empty head",
			damage: func(tb testing.TB, dir string, vs []chain.Version) (string, string) {
				return put(tb, dir, vs[len(vs)-1].Name, nil), chain.KindHashMismatch
			}},
		{name: "foreign version",
			damage: func(tb testing.TB, dir string, _ []chain.Version) (string, string) {
				from, foreign := foreignChain(tb)
				v := foreign[len(foreign)-1]
				return put(tb, dir, v.Name, read(tb, from, v.Name)), chain.KindBrokenLink
			}},
		{name: "version edited by hand",
			damage: func(tb testing.TB, dir string, vs []chain.Version) (string, string) {
				v := vs[10]
				return put(tb, dir, v.Name, editByHand(tb, read(tb, dir, v.Name))), chain.KindHashMismatch
			}},
		{name: "version edited and renamed to its new hash",
			damage: func(tb testing.TB, dir string, vs []chain.Version) (string, string) {
				// Renaming hides the edit in the file itself; the next
				// version's link gives it away.
				v := vs[10]
				data := editByHand(tb, read(tb, dir, v.Name))
				os.Remove(filepath.Join(dir, v.Name))
				put(tb, dir, chain.FileName(v.Unixtime, chain.Sum(data)), data)
				return vs[11].Name, chain.KindBrokenLink
			}},
	}
	bin := residentBinary(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			testenv.CopyFiles(t, demoFolder, dir)
			vs, err := chain.LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			file, kind := tt.damage(t, dir, vs)
			var p *chain.Problem
			if _, err := chain.LoadDir(dir); !errors.As(err, &p) || p.File != file || p.Kind != kind {
				t.Errorf("chain.LoadDir = %v, want %s: %s", err, file, kind)
			}
			checkVerifyNames(t, bin, dir, file, kind)
			checkServeRefuses(t, bin, dir, file)
		})
	}
}

// checkVerifyNames runs verify-chain --dir --json and checks the file and
// kind it reports.
func checkVerifyNames(tb testing.TB, bin, dir, file, kind string) {
	tb.Helper()
	out, code := runFor(tb, 30*time.Second, bin, "verify-chain", "--json", "--dir", dir)
	var got struct {
		Sound   bool `json:"sound"`
		Problem struct{ File, Kind string }
	}
	// The JSON report is on stdout; the error line follows it on stderr.
	json.NewDecoder(strings.NewReader(out)).Decode(&got)
	if code != 1 || got.Sound || got.Problem.File != file || got.Problem.Kind != kind {
		tb.Errorf("verify-chain exited %d reporting %+v, want 1 and %s: %s\n%s",
			code, got, file, kind, out)
	}
}

// checkServeRefuses starts resident serve on dir and wants it to exit
// with status 1 at once, naming file.
func checkServeRefuses(tb testing.TB, bin, dir, file string) {
	tb.Helper()
	out, code := runFor(tb, 30*time.Second, bin, "serve", "--listen", "127.0.0.1:0", "--data", dir)
	if code != 1 || !strings.Contains(out, "resident: error:") || !strings.Contains(out, file) {
		tb.Errorf("serve on a damaged folder exited %d, want 1 naming %s:\n%s", code, file, out)
	}
}

// runFor runs the binary with the server keys set, killing it after
// limit, and returns its combined output and exit status.
func runFor(tb testing.TB, limit time.Duration, bin string, args ...string) (string, int) {
	tb.Helper()
	env := []string{"READ_KEY=" + readKey, "WRITE_KEY=" + writeKey,
		"DECENTRALA_ELECTION_KEY=" + electionKey}
	return runWithin(tb, limit, bin, env, args...)
}

func read(tb testing.TB, dir, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func put(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return name
}

// editByHand makes the edit a person with a text editor would: a
// resident becomes a non-resident, or the other way round.
func editByHand(tb testing.TB, data []byte) []byte {
	tb.Helper()
	swaps := [][2]string{
		{`"resident":true`, `"resident":false`},
		{`"resident":false`, `"resident":true`},
	}
	for _, swap := range swaps {
		if i := bytes.Index(data, []byte(swap[0])); i >= 0 {
			return append(append(append([]byte{}, data[:i]...), swap[1]...), data[i+len(swap[0]):]...)
		}
	}
	tb.Fatal("no resident field to edit")
	return nil
}

// foreignChain writes another chain, made by the same generator with
// another seed, and returns its folder and versions.
func foreignChain(tb testing.TB) (string, []chain.Version) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "foreign")
	if _, err := demo.Write(dir, demo.Options{Accounts: 5, Versions: 8, Seed: 99}); err != nil {
		tb.Fatal(err)
	}
	vs, err := chain.LoadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return dir, vs
}
