package demo

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/model"
)

var update = flag.Bool("update", false, "rewrite ../testdata/demo-data from the generator")

const committed = "../testdata/demo-data"

// TestCommittedFolder checks that testdata/demo-data is exactly what the
// generator writes for DefaultOptions, so nobody hand-edits it by mistake.
func TestCommittedFolder(t *testing.T) {
	if *update {
		rewrite(t)
	}
	dir := t.TempDir()
	if _, err := Write(dir, DefaultOptions); err != nil {
		t.Fatalf("Write: %v", err)
	}
	want, got := readFolder(t, dir), readFolder(t, committed)
	if len(got) != len(want) {
		t.Fatalf("%s has %d files, the generator writes %d (run go test ./demo -update)",
			committed, len(got), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s/%s differs from the generator's output (run go test ./demo -update)", committed, name)
		}
	}
}

func rewrite(tb testing.TB) {
	tb.Helper()
	for name := range readFolder(tb, committed) {
		if err := os.Remove(filepath.Join(committed, name)); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := Write(committed, DefaultOptions); err != nil {
		tb.Fatalf("Write: %v", err)
	}
}

func readFolder(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		tb.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

// TestCommittedFolderIsSound loads the demo folder as the server would and
// checks that it shows what the legacy data shows.
func TestCommittedFolderIsSound(t *testing.T) {
	vs, err := chain.LoadDir(committed)
	if err != nil {
		t.Fatalf("LoadDir(%s): %v", committed, err)
	}
	if len(vs) != DefaultOptions.Versions {
		t.Fatalf("LoadDir found %d versions, want %d", len(vs), DefaultOptions.Versions)
	}
	var prev []model.Account
	for i, v := range vs {
		doc := parseVersion(t, v.Name)
		if i > 0 && model.Diff(prev, doc.Accounts).Empty() {
			t.Errorf("%s changes nothing from the version before", v.Name)
		}
		prev = doc.Accounts
	}
	if len(prev) != DefaultOptions.Accounts {
		t.Errorf("the head has %d accounts, want %d", len(prev), DefaultOptions.Accounts)
	}
	checkVariety(t, prev)
}

func parseVersion(tb testing.TB, name string) *model.Document {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(committed, name))
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := model.Parse(data)
	if err != nil {
		tb.Fatalf("model.Parse(%s): %v", name, err)
	}
	if !bytes.Equal(model.Marshal(*doc), data) {
		tb.Errorf("%s is not in canonical form", name)
	}
	return doc
}

// checkVariety asserts that the head has every kind of value a consumer
// must handle.
func checkVariety(t *testing.T, accounts []model.Account) {
	t.Helper()
	seen := map[string]bool{}
	currencies := map[string]bool{}
	for _, a := range accounts {
		seen["null telegram"] = seen["null telegram"] || a.Telegram == nil
		seen["null otp_prefix"] = seen["null otp_prefix"] || a.OTPPrefix == nil
		seen["decentrala"] = seen["decentrala"] || a.Decentrala
		seen["not resident"] = seen["not resident"] || !a.Resident
		seen["cyrillic username"] = seen["cyrillic username"] || strings.ContainsAny(a.Username, "АБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШабвгдђежзијклмнопрстћуфхцчш")
		seen["vpn"] = seen["vpn"] || len(a.VPN) > 0
		for _, k := range a.SSHKeys {
			seen[strings.Fields(k)[0]] = true
		}
		for _, v := range a.VPN {
			if _, err := model.ParseWGKey(v.WGPublicKey); err != nil {
				t.Errorf("%s: WireGuard key %s: %v", a.Username, v.WGPublicKey, err)
			}
		}
		for _, p := range a.FeePayments {
			currencies[p.Currency] = true
			seen["decimal amount"] = seen["decimal amount"] || strings.HasPrefix(string(p.Amount), "0.")
		}
	}
	for _, want := range []string{"null telegram", "null otp_prefix", "decentrala", "not resident",
		"cyrillic username", "vpn", "ssh-ed25519", "ssh-rsa", "decimal amount"} {
		if !seen[want] {
			t.Errorf("the head has no account with %s", want)
		}
	}
	if len(currencies) < 4 {
		t.Errorf("the head's payments use %d currencies, want at least 4", len(currencies))
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	opts := Options{Accounts: 5, Versions: 8, Seed: 7}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	ha, _ := Write(a, opts)
	hb, _ := Write(b, opts)
	opts.Seed = 8
	hc, _ := Write(c, opts)
	if ha.Name != hb.Name {
		t.Errorf("the same seed gave heads %s and %s", ha.Name, hb.Name)
	}
	if ha.Name == hc.Name {
		t.Errorf("seeds 7 and 8 gave the same head %s", ha.Name)
	}
}

func TestWriteRefusesAFolderWithVersions(t *testing.T) {
	dir := t.TempDir()
	opts := Options{Accounts: 2, Versions: 2, Seed: 1}
	if _, err := Write(dir, opts); err != nil {
		t.Fatal(err)
	}
	before := readFolder(t, dir)
	if _, err := Write(dir, opts); err == nil {
		t.Fatal("Write into a folder with versions succeeded, want an error")
	}
	after := readFolder(t, dir)
	if !slices.Equal(keys(before), keys(after)) {
		t.Errorf("the refused Write changed the folder: %v, then %v", keys(before), keys(after))
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestWriteManyAccounts checks that more accounts than VPN addresses still
// give a valid chain: addresses run out, nothing collides.
func TestWriteManyAccounts(t *testing.T) {
	if testing.Short() {
		t.Skip("makes 300 accounts")
	}
	dir := t.TempDir()
	if _, err := Write(dir, Options{Accounts: 300, Versions: 3, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	vs, err := chain.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, vs[len(vs)-1].Name))
	if _, err := model.Parse(data); err != nil {
		t.Errorf("the head of 300 accounts is invalid: %v", err)
	}
}
