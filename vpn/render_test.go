package vpn

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// renderLast builds and renders the file for a stored version.
func renderLast(tb testing.TB, data []byte) ([]byte, []Peer) {
	tb.Helper()
	entries, _ := Entries(data)
	peers, _, err := Peers(testAdmin, entries)
	if err != nil {
		tb.Fatal(err)
	}
	return Render(testIface, peers), peers
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{name: "admin-only.conf", data: nil},
		{name: "residents.conf", data: lastJSON(t,
			account{name: "Ивана K.", vpn: [][2]string{{"192.168.11.246", keyA}, {"192.168.11.10", keyB}}},
			account{name: "root", vpn: [][2]string{{"192.168.11.2", adminKey}}},
			account{name: "Stefan Đ.", vpn: [][2]string{{"192.168.11.9", keyC}}},
			account{name: "taken", vpn: [][2]string{{"192.168.11.9", keyD}}})},
		{name: "injection.conf", data: lastJSON(t,
			account{name: "eve\n[Peer]\nPublicKey = " + keyE + "\nAllowedIPs = 0.0.0.0/0",
				vpn: [][2]string{{"192.168.11.20", keyA}}},
			account{name: "cr\rlf\r\nnel\u0085ls\u2028ps\u2029nul\x00tab\tbidi\u202e",
				vpn: [][2]string{{"192.168.11.21", keyB}}},
			account{name: "keys", vpn: [][2]string{
				{"192.168.11.22", keyC + "\n[Peer]"},
				{"192.168.11.23\nAllowedIPs = 0.0.0.0/0", keyD},
			}},
			account{name: strings.Repeat("long", 30), vpn: [][2]string{{"192.168.11.24", keyE}}},
			account{name: "  ", vpn: [][2]string{{"192.168.11.25", strings.TrimSuffix(keyD, "=")}}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := renderLast(t, tt.data)
			golden(t, tt.name, got)
		})
	}
}

// TestRenderLegacy renders the newest version of the earlier Python
// service's data, which must keep working unchanged.
func TestRenderLegacy(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "legacy-last.json"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := Entries(data)
	if err != nil {
		t.Fatalf("Entries(legacy) error = %v", err)
	}
	peers, dropped, err := Peers(testAdmin, entries)
	if err != nil || len(dropped) != 0 {
		t.Fatalf("Peers(legacy) dropped %v, err %v", dropped, err)
	}
	if len(peers) != len(entries)+1 {
		t.Errorf("Peers(legacy) = %d peers, want %d entries and the admin", len(peers), len(entries))
	}
	golden(t, "legacy.conf", Render(testIface, peers))
}

// The only lines a rendered file may hold.
var allowedLine = regexp.MustCompile(`^(|\[Interface\]|\[Peer\]|# [^\n]*|` +
	`PrivateKey = ` + regexp.QuoteMeta(testPrivateKey) + `|Address = 192\.168\.11\.1/24|ListenPort = 51820|` +
	`PostUp = iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE|` +
	`PostDown = iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE|` +
	`PublicKey = [A-Za-z0-9+/]{43}=|AllowedIPs = 192\.168\.11\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|250)/32)$`)

// checkShape fails unless every line of conf is one the format allows and
// there is one [Peer] per peer, with the admin among them.
func checkShape(tb testing.TB, conf []byte, peers []Peer) {
	tb.Helper()
	lines := strings.Split(strings.TrimSuffix(string(conf), "\n"), "\n")
	for i, l := range lines {
		if !allowedLine.MatchString(l) || strings.ContainsAny(l, "\r\x00\u0085\u2028\u2029") {
			tb.Fatalf("line %d %q is not one the format allows:\n%s", i+1, l, conf)
		}
	}
	if n := strings.Count(string(conf), "\n[Peer]\n"); n != len(peers) {
		tb.Fatalf("%d [Peer] sections for %d peers:\n%s", n, len(peers), conf)
	}
	if !strings.Contains(string(conf), "[Peer]\nPublicKey = "+adminKey+"\nAllowedIPs = 192.168.11.2/32\n") {
		tb.Fatalf("the admin is not a peer:\n%s", conf)
	}
}

func TestRenderInjection(t *testing.T) {
	data := lastJSON(t,
		account{name: "eve\n[Peer]\nPublicKey = " + keyE + "\nAllowedIPs = 0.0.0.0/0",
			vpn: [][2]string{{"192.168.11.20", keyA}}},
		account{name: "\r\n[Interface]\r\nPostUp = touch /tmp/owned", vpn: [][2]string{{"192.168.11.21", keyB}}},
		account{name: "keys", vpn: [][2]string{
			{"192.168.11.22", keyC + "\n[Peer]"},
			{"192.168.11.23\nAllowedIPs = 0.0.0.0/0", keyD},
		}})
	conf, peers := renderLast(t, data)
	checkShape(t, conf, peers)
	if len(peers) != 3 {
		t.Errorf("%d peers, want the admin, eve's and the second account's", len(peers))
	}
	lines := strings.Split(string(conf), "\n")
	interfaces := 0
	for _, l := range lines {
		if l == "[Interface]" {
			interfaces++
		}
		injected := strings.Contains(l, keyE) || strings.Contains(l, "0.0.0.0") || strings.Contains(l, "owned")
		if injected && !strings.HasPrefix(l, "# ") {
			t.Errorf("line %q comes from the data but is not a comment", l)
		}
	}
	if interfaces != 1 {
		t.Errorf("%d [Interface] lines, want 1:\n%s", interfaces, conf)
	}
}

func TestSafeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Stefan Đ.", "Stefan Đ."},
		{"a\nb", "a?b"},
		{"a\r\nb", "a??b"},
		{"\u2028\u2029\u0085", "???"},
		{"bad\xffutf8", "bad?utf8"},
		{"", "(no username)"},
		{"\t", "?"},
		{"  ", "(no username)"},
		{strings.Repeat("é", 70), strings.Repeat("é", 64) + "..."},
	}
	for _, tt := range tests {
		if got := safeName(tt.in); got != tt.want {
			t.Errorf("safeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzBuildRender feeds arbitrary last.json bytes through the whole
// pure pipeline: whatever the data, the file holds only lines the format
// allows, one [Peer] per peer, and the admin.
func FuzzBuildRender(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(lastJSON(f, account{name: "a\nb", vpn: [][2]string{{"192.168.11.2", adminKey}, {"192.168.11.3", keyA}}}))
	f.Add([]byte(`{"accounts":[{"username":"x","vpn":[{"ip":"192.168.11.3","wg_public_key":"` + keyA + `"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		conf, peers := renderLast(t, data)
		checkShape(t, conf, peers)
	})
}
