package server

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, rewriting it with -update.
func golden(tb testing.TB, name, got string) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./server -update)", err)
	}
	if got != string(want) {
		tb.Errorf("output differs from %s (run go test ./server -update to accept):\n%s", path, got)
	}
}

func strp(s string) *string { return &s }

// exportAccounts covers what the exports must handle: residents and not,
// no Telegram, several peers, values YAML would misread, names that are
// not file-name safe.
func exportAccounts() []model.Account {
	return []model.Account{
		{Username: "Стефан Ђ.", Telegram: strp("stefan_6001"), Resident: true, OTPPrefix: strp("39P"),
			VPN: []model.VPN{{IP: "192.168.11.11", WGPublicKey: wgA}, {IP: "192.168.11.12", WGPublicKey: wgB}}},
		{Username: "Mina N.", Telegram: strp("3787093963"), OTPPrefix: strp("0"),
			VPN: []model.VPN{{IP: "192.168.11.29", WGPublicKey: "kb/jlGlzOpJH1Y+jxVAYMANyVV/SNfEYKfs4jCLkTLY="}}},
		{Username: "No Telegram", Resident: true, OTPPrefix: strp("777"),
			VPN: []model.VPN{{IP: "192.168.11.30", WGPublicKey: "XzDbjE2aRkc6ata0Td9QakobifxAbdhbJPDGrgV2WuI"}}},
		{Username: "yes-man", Telegram: strp("true"), OTPPrefix: strp("1e3")},
		{Username: "nully", Telegram: strp("null"), OTPPrefix: strp("0x1")},
		{Username: "quote", Telegram: strp("it's:#&*!|>{}[]%@`"), OTPPrefix: strp("0777")},
		{Username: "no prefix", Telegram: strp("someone")},
		{Username: "../../etc/passwd", Resident: true,
			VPN: []model.VPN{{IP: "192.168.11.40", WGPublicKey: "WqMAFlpnA2+bVA1rjwviESQXnD3Z9zgXzm4RjSZKrWw="}}},
	}
}

func TestRenderVPNGolden(t *testing.T) {
	golden(t, "vpn.txt", renderVPN("xecut", exportAccounts(), nil))
}

func TestRenderOTPMapGolden(t *testing.T) {
	golden(t, "otp-map.yaml", renderOTPMap(exportAccounts(), nil))
}

// otpMap parses the export as a person would paste it: indentation
// stripped.
func otpMap(tb testing.TB, export string) map[string]string {
	tb.Helper()
	var stripped []string
	for _, l := range lines(export) {
		if !strings.HasPrefix(l, otpIndent) {
			tb.Fatalf("line %q is not indented by six spaces", l)
		}
		stripped = append(stripped, strings.TrimPrefix(l, otpIndent))
	}
	var got struct {
		UIDMap map[string]string `yaml:"uid_map"`
	}
	dec := yaml.NewDecoder(strings.NewReader(strings.Join(stripped, "\n")))
	dec.KnownFields(true)
	if err := dec.Decode(&got); err != nil {
		tb.Fatalf("yaml: %v\n%s", err, export)
	}
	// Decoding into map[string]string would accept a YAML true as "true";
	// the node tags tell whether YAML read every key and value as a string.
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(stripped, "\n")), &node); err != nil {
		tb.Fatal(err)
	}
	checkAllStrings(tb, node.Content[0].Content[1])
	return got.UIDMap
}

func checkAllStrings(tb testing.TB, m *yaml.Node) {
	tb.Helper()
	for _, n := range m.Content {
		if n.Tag != "!!str" {
			tb.Errorf("YAML reads %q as %s, want a string", n.Value, n.Tag)
		}
	}
}

func TestOTPMapParsesToTheAccounts(t *testing.T) {
	got := otpMap(t, renderOTPMap(exportAccounts(), nil))
	want := map[string]string{}
	for _, a := range exportAccounts() {
		if a.OTPPrefix != nil && a.Telegram != nil {
			want[*a.OTPPrefix] = *a.Telegram
		}
	}
	if len(got) != len(want) {
		t.Errorf("uid_map has %d entries, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("uid_map[%q] = %q, want %q", k, got[k], v)
		}
	}
	if empty := otpMap(t, renderOTPMap(nil, nil)); len(empty) != 0 {
		t.Errorf("no accounts gave uid_map %v, want empty", empty)
	}
}

var peerBlock = regexp.MustCompile(`^# wg-xecut-(resident-)?vpn-[A-Za-z0-9_.-]+\.conf\n` +
	`\[Peer\]\nPublicKey = [A-Za-z0-9+/]{43}=?\nAllowedIPs = 192\.168\.11\.[0-9]+/32\n$`)

// TestExportsOverHTTP checks both exports of the legacy data against its
// head document.
func TestExportsOverHTTP(t *testing.T) {
	ts := newServer(t, testenv.LegacyCopy(t))
	head := ts.store.Head().Doc
	a := ts.get(t, "/export/vpn", readKey)
	wantStatus(t, "GET /export/vpn", a, 200)
	if a.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", a.header.Get("Content-Type"))
	}
	blocks := strings.Split(string(a.body), "\n\n")
	var want []string
	for _, acc := range head.Accounts {
		for _, v := range acc.VPN {
			want = append(want, v.WGPublicKey+" "+v.IP)
		}
	}
	if len(blocks) != len(want) {
		t.Fatalf("/export/vpn has %d blocks, want one per VPN entry: %d", len(blocks), len(want))
	}
	for i, b := range blocks {
		if !strings.HasSuffix(b, "\n") {
			b += "\n"
		}
		if !peerBlock.MatchString(b) {
			t.Errorf("block %d is not a peer block:\n%s", i, b)
		}
		key, ip, _ := strings.Cut(want[i], " ")
		if !strings.Contains(b, "PublicKey = "+key+"\n") || !strings.Contains(b, "AllowedIPs = "+ip+"/32") {
			t.Errorf("block %d = %s, want key %s and address %s", i, b, key, ip)
		}
	}

	got := otpMap(t, string(ts.get(t, "/export/otp-map", writeKey).body))
	wantMap := map[string]string{}
	for _, acc := range head.Accounts {
		if acc.OTPPrefix != nil && acc.Telegram != nil {
			wantMap[*acc.OTPPrefix] = *acc.Telegram
		}
	}
	if len(got) != len(wantMap) || len(got) == 0 {
		t.Errorf("uid_map has %d entries, want %d", len(got), len(wantMap))
	}
	for k, v := range wantMap {
		if got[k] != v {
			t.Errorf("uid_map[%q] = %q, want %q", k, got[k], v)
		}
	}
}

// TestInvalidHeadServedAndFiltered stores a head that breaks rules (as
// data from before a rule could be): it is served unchanged, the exports
// leave out the flawed entries, and a warning is logged.
func TestInvalidHeadServedAndFiltered(t *testing.T) {
	dir := t.TempDir()
	stored := `{"meta":{"unixtime":100,"last_sha256":"` + chain.ZeroHash + `"},"accounts":[` +
		`{"username":"Ana","telegram":"ana\nuid_map: evil","decentrala":false,"resident":true,"otp_prefix":"1",` +
		`"vpn":[{"ip":"192.168.11.5","wg_public_key":"` + wgA + `"}],"ssh_keys":[],"fee_payments":[]},` +
		`{"username":"Bo","telegram":"bo","decentrala":false,"resident":false,"otp_prefix":"2",` +
		`"vpn":[{"ip":"192.168.11.5","wg_public_key":"` + wgB + `"},` +
		`{"ip":"192.168.11.6\n[Peer]","wg_public_key":"` + wgB[:43] + `"}],"ssh_keys":[],"fee_payments":[]}]}`
	name := chain.FileName(100, chain.Sum([]byte(stored)))
	if err := os.WriteFile(filepath.Join(dir, name), []byte(stored), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, dir)
	if ts.store.Head().Invalid == nil {
		t.Fatal("the test head should break rules")
	}
	if a := ts.get(t, "/accounts", readKey); string(a.body) != stored {
		t.Errorf("the invalid head is not served unchanged: %s", a.body)
	}
	vpn := string(ts.get(t, "/export/vpn", readKey).body)
	wantVPN := "# wg-xecut-resident-vpn-ana_uid_map_evil.conf\n[Peer]\nPublicKey = " + wgA +
		"\nAllowedIPs = 192.168.11.5/32\n"
	if vpn != wantVPN {
		t.Errorf("/export/vpn of the invalid head =\n%s\nwant only Ana's sound peer:\n%s", vpn, wantVPN)
	}
	if got := otpMap(t, string(ts.get(t, "/export/otp-map", readKey).body)); len(got) != 1 || got["2"] != "bo" {
		t.Errorf("uid_map of the invalid head = %v, want only 2: bo", got)
	}
	ts.get(t, "/export/vpn", readKey)
	if n := strings.Count(ts.logs.String(), "level=WARN"); n != 1 {
		t.Errorf("%d warnings logged for three exports of the invalid head, want one:\n%s", n, ts.logs.String())
	}
}

func TestSafeIdent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"stefan_6001", "stefan_6001"},
		{"Mina N.", "Mina_N."},
		{"Стефан Ђ.", "Stefan_Dj."},
		{"Ивана K.", "Ivana_K."},
		{"Đorđe Š.", "Djordje_S."},
		{"日本", "account"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{"a\nb", "a_b"},
		{"-rf", "rf"},
		{"", "account"},
		{"x y\tz", "x_y_z"},
	}
	for _, tt := range tests {
		if got := safeIdent(tt.in); got != tt.want {
			t.Errorf("safeIdent(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzOTPMap checks that whatever the values, the export parses back to
// exactly the entries it kept, and every kept entry is one the data had.
func FuzzOTPMap(f *testing.F) {
	for _, a := range exportAccounts() {
		if a.OTPPrefix != nil && a.Telegram != nil {
			f.Add(*a.OTPPrefix, *a.Telegram)
		}
	}
	f.Add("'", "''")
	f.Add("1", "a\u2028b")
	f.Fuzz(func(t *testing.T, prefix, telegram string) {
		accounts := []model.Account{{Username: "x", OTPPrefix: &prefix, Telegram: &telegram}}
		out := renderOTPMap(accounts, nil)
		got := otpMap(t, out)
		if len(got) > 1 {
			t.Fatalf("one account gave %d entries", len(got))
		}
		for k, v := range got {
			if k != prefix || v != telegram {
				t.Fatalf("export of %q: %q reads back as %q: %q", prefix, telegram, k, v)
			}
		}
		// Only what cannot be written on one line may be left out: a value
		// that is not printable, or a prefix too long to be a YAML key,
		// which the model never lets through.
		if len(got) == 0 && printable(prefix, telegram) && len(prefix) <= model.MaxOTPPrefix {
			t.Fatalf("a printable entry %q: %q was left out", prefix, telegram)
		}
	})
}

// FuzzVPN checks that no value can add a line to a peer block.
func FuzzVPN(f *testing.F) {
	f.Add("stefan", "Стефан Ђ.", "192.168.11.11", wgA)
	f.Add("a\nb", "x", "192.168.11.1\r", "k\n[Peer]")
	f.Fuzz(func(t *testing.T, telegram, username, ip, key string) {
		accounts := []model.Account{{Username: username, Telegram: &telegram,
			VPN: []model.VPN{{IP: ip, WGPublicKey: key}}}}
		out := renderVPN("xecut", accounts, nil)
		if out == "" {
			return
		}
		if n := strings.Count(out, "\n"); n != 4 {
			t.Fatalf("one peer gave %d lines:\n%s", n, out)
		}
		ls := lines(out)
		if !strings.HasPrefix(ls[0], "# wg-xecut-vpn-") || ls[1] != "[Peer]" ||
			ls[2] != "PublicKey = "+key || ls[3] != "AllowedIPs = "+ip+"/32" {
			t.Fatalf("malformed block:\n%s", out)
		}
		if bytes.ContainsAny([]byte(ls[0][len("# "):]), " /\\") {
			t.Fatalf("unsafe file name in %q", ls[0])
		}
	})
}
