package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/internal/testenv"
)

// Keys for the WireGuard test, made with wg genkey and wg pubkey.
const (
	wgPrivateKey = "eCQFE1P1TpJWSG3IE6ztRnFbY2HQPFn9yFBLI8jGjUI="
	wgAdminKey   = "ma6P1wWQy+RTOFBK8vzRNRDcSKB91GP5irL0dWHLqXY="
	wgKeyA       = "OHy/rPom7xQb0hiaWALVn5S/ZjcjU/ngBVj3V48S9x8="
	wgKeyB       = "Je7hRvs0oqSU3wxnnQ7/P6MgJcnWQn2mIqWb68+ye3U="
	wgKeyC       = "wIBwrrybdPvGJfaitJcDriECV76gHK4Q+5HGzzp+ERo="
	wgPort       = 51999
)

// TestUpdateVPNWireGuard runs the real update-vpn against a real wg0,
// brought up by wg-quick with wireguard-go in a network namespace of the
// test's own, and checks the peers WireGuard really has after each change.
func TestUpdateVPNWireGuard(t *testing.T) {
	requireWireGuard(t)
	bin := residentBinary(t)
	ns := newNetns(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "wg0.conf")
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	// The systemd unit's reload, pointed at the test's file.
	syncconf := "bash -c 'wg syncconf wg0 <(wg-quick strip " + conf + ")'"
	vpnConfig(t, dir, conf, syncconf)
	update := func(wantCode int) string {
		t.Helper()
		out, code := runBin(t, "ip", nil, "netns", "exec", ns, bin, "update-vpn",
			"--config", filepath.Join(dir, "config.json"), "--data", data)
		if code != wantCode {
			t.Fatalf("update-vpn exit %d, want %d:\n%s", code, wantCode, out)
		}
		return out
	}
	admin := map[string]string{wgAdminKey: "192.168.11.2/32"}

	// First install: wg0 is not up yet, so the reload fails, and the new
	// file stays since there is none to go back to; wg-quick then brings
	// the interface up from it.
	out := update(1)
	if !strings.Contains(out, "no previous file") {
		t.Errorf("first run output does not explain the state:\n%s", out)
	}
	wgQuickUp(t, ns, conf)
	checkPeers(t, ns, "last.json missing, first install", admin)
	checkInterface(t, ns)

	writeLast(t, data, vpnAccount("root", "192.168.11.2", wgAdminKey),
		vpnAccount("alice", "192.168.11.3", wgKeyA),
		vpnAccount("mallory", "192.168.11.2", wgKeyC),
		vpnAccount("bob", "192.168.11.10", wgKeyB))
	update(0)
	checkPeers(t, ns, "peers added", map[string]string{wgAdminKey: "192.168.11.2/32",
		wgKeyA: "192.168.11.3/32", wgKeyB: "192.168.11.10/32"})

	writeLast(t, data, vpnAccount("alice", "192.168.11.4", wgKeyA), vpnAccount("bob", "192.168.11.10", wgKeyC))
	update(0)
	changed := map[string]string{wgAdminKey: "192.168.11.2/32",
		wgKeyA: "192.168.11.4/32", wgKeyC: "192.168.11.10/32"}
	checkPeers(t, ns, "address and key changed", changed)

	out = update(0)
	if !strings.Contains(out, "unchanged") {
		t.Errorf("a run with the same data did not report it unchanged:\n%s", out)
	}

	// A reload that fails outright: the file goes back, the live peers
	// never changed.
	vpnConfig(t, dir, conf, "false")
	writeLast(t, data, vpnAccount("alice", "192.168.11.4", wgKeyA))
	before := readConf(t, conf)
	out = update(1)
	checkPeers(t, ns, "reload fails", changed)
	if readConf(t, conf) != before || !strings.Contains(out, "resident: error: reload") {
		t.Errorf("after a failed reload the old file is not back, or the reason is missing:\n%s", out)
	}

	// A reload that applies the new file and then fails: putting the old
	// file back and reloading it again makes the old peers live again.
	vpnConfig(t, dir, conf, syncconf+"; ! grep -q 192.168.11.7/ "+conf)
	writeLast(t, data, vpnAccount("carol", "192.168.11.7", wgKeyB))
	out = update(1)
	checkPeers(t, ns, "reload applies and fails", changed)
	if !strings.Contains(out, "previous file is back in place and reloaded") {
		t.Errorf("output does not say the previous file was reloaded:\n%s", out)
	}

	vpnConfig(t, dir, conf, syncconf)
	writeLast(t, data, vpnAccount("alice", "192.168.11.4", wgKeyA))
	update(0)
	checkPeers(t, ns, "bob removed", map[string]string{wgAdminKey: "192.168.11.2/32", wgKeyA: "192.168.11.4/32"})

	if err := os.Remove(filepath.Join(data, "last.json")); err != nil {
		t.Fatal(err)
	}
	update(0)
	checkPeers(t, ns, "last.json missing on a live interface", admin)
}

// requireWireGuard skips without root or the tools, unless CI is set.
func requireWireGuard(tb testing.TB) {
	tb.Helper()
	advice := "run as root with Debian's wireguard-tools, wireguard-go, iptables and iproute2 installed"
	testenv.Need(tb, os.Geteuid() == 0, "the WireGuard test needs root", advice)
	for _, tool := range []string{"ip", "wg", "wg-quick", "wireguard-go", "iptables", "bash"} {
		_, err := exec.LookPath(tool)
		testenv.Need(tb, err == nil, tool+" is missing", advice)
	}
}

// newNetns creates a network namespace for the test and removes it, with
// every process still in it (wireguard-go), when the test ends.
func newNetns(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	ns := "resident-test-" + hex.EncodeToString(b)
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		tb.Fatalf("ip netns add %s: %v\n%s", ns, err, out)
	}
	tb.Cleanup(func() { removeNetns(tb, ns) })
	return ns
}

func removeNetns(tb testing.TB, ns string) {
	out, _ := exec.Command("ip", "netns", "pids", ns).Output()
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
			syscall.Kill(pid, syscall.SIGTERM)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if out, _ := exec.Command("ip", "netns", "pids", ns).Output(); len(strings.TrimSpace(string(out))) == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
		tb.Errorf("ip netns del %s: %v\n%s", ns, err, out)
	}
}

// wgQuickUp brings wg0 up from conf inside ns, with wireguard-go when the
// kernel has no WireGuard module.
func wgQuickUp(tb testing.TB, ns, conf string) {
	tb.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, "wg-quick", "up", conf)
	cmd.Env = append(os.Environ(), "WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go",
		"WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("wg-quick up %s: %v\n%s", conf, err, out)
	}
}

// checkPeers compares the live peers of wg0 in ns, key -> allowed IPs,
// with want.
func checkPeers(tb testing.TB, ns, step string, want map[string]string) {
	tb.Helper()
	out := nsOutput(tb, ns, "wg", "show", "wg0", "allowed-ips")
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		key, ips, _ := strings.Cut(line, "\t")
		got[key] = ips
	}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Fatalf("%s: live peers (-want +got):\n%s", step, diff)
	}
}

// checkInterface checks that wg0 runs from the rendered file: its key,
// its port, and the NAT rule of PostUp.
func checkInterface(tb testing.TB, ns string) {
	tb.Helper()
	if got := strings.TrimSpace(nsOutput(tb, ns, "wg", "show", "wg0", "private-key")); got != wgPrivateKey {
		tb.Error("wg0 does not run with vpn_private_key")
	}
	if got := strings.TrimSpace(nsOutput(tb, ns, "wg", "show", "wg0", "listen-port")); got != "51999" {
		tb.Errorf("wg0 listens on %s, want 51999", got)
	}
	rules := nsOutput(tb, ns, "iptables", "-t", "nat", "-S", "POSTROUTING")
	if !strings.Contains(rules, "-A POSTROUTING -o eth0 -j MASQUERADE") {
		tb.Errorf("PostUp's rule is missing:\n%s", rules)
	}
}

func nsOutput(tb testing.TB, ns string, args ...string) string {
	tb.Helper()
	out, err := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...).Output()
	if err != nil {
		tb.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

func vpnConfig(tb testing.TB, dir, conf, reload string) {
	tb.Helper()
	writeConfig(tb, dir, map[string]any{
		"vpn_private_key":      wgPrivateKey,
		"vpn_port":             wgPort,
		"vpn_admin_ip":         "192.168.11.2",
		"vpn_admin_public_key": wgAdminKey,
		"vpn_config_path":      conf,
		"vpn_reload_command":   reload,
	})
}

func vpnAccount(name, ip, key string) map[string]any {
	return map[string]any{"username": name, "telegram": nil, "decentrala": false, "resident": true,
		"otp_prefix": nil, "vpn": []map[string]string{{"ip": ip, "wg_public_key": key}},
		"ssh_keys": []string{}, "fee_payments": []any{}}
}

// writeLast writes last.json as the poller leaves it.
func writeLast(tb testing.TB, data string, accounts ...map[string]any) {
	tb.Helper()
	doc, err := json.Marshal(map[string]any{
		"meta":     map[string]any{"unixtime": time.Now().Unix(), "last_sha256": strings.Repeat("0", 64)},
		"accounts": accounts,
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "last.json"), doc, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func readConf(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestUpdateVPNCLI runs the binary as the poller would, without touching
// any interface: config mistakes stop it with exit 2 before anything is
// written, and RESIDENT_DATA alone locates last.json.
func TestUpdateVPNCLI(t *testing.T) {
	bin := residentBinary(t)
	valid := func(dir string) map[string]any {
		return map[string]any{
			"vpn_private_key": wgPrivateKey, "vpn_port": wgPort, "vpn_admin_ip": "192.168.11.2",
			"vpn_admin_public_key": wgAdminKey, "vpn_config_path": filepath.Join(dir, "wg0.conf"),
			"vpn_reload_command": "echo reloaded > " + filepath.Join(dir, "reloaded"),
		}
	}
	tests := []struct {
		name     string
		change   func(map[string]any)
		wantCode int
		wantOut  string
		noData   bool // RESIDENT_DATA names a folder that is not there
	}{
		{name: "valid", wantOut: "installed and reloaded"},
		{name: "port missing", change: func(c map[string]any) { delete(c, "vpn_port") },
			wantCode: 2, wantOut: `field "vpn_port" is required`},
		{name: "admin ip taken by the gateway", change: func(c map[string]any) { c["vpn_admin_ip"] = "192.168.11.1" },
			wantCode: 2, wantOut: `field "vpn_admin_ip" must be between`},
		{name: "private key malformed", change: func(c map[string]any) { c["vpn_private_key"] = "secret-but-wrong" },
			wantCode: 2, wantOut: `field "vpn_private_key" must be a WireGuard private key`},
		{name: "a wrong type", change: func(c map[string]any) { c["vpn_port"] = "51999" },
			wantCode: 2, wantOut: `field "vpn_port"`},
		{name: "a typo in a field name", change: func(c map[string]any) { c["vpn_prot"] = 1 },
			wantCode: 2, wantOut: `field "vpn_prot" is not a known field`},
		{name: "reload fails", change: func(c map[string]any) { c["vpn_reload_command"] = "exit 3" },
			wantCode: 1, wantOut: "resident: error: reload: sh: exit status 3; there was no previous file"},
		{name: "folder of vpn_config_path missing", wantCode: 2,
			change: func(c map[string]any) {
				c["vpn_config_path"] = filepath.Join(filepath.Dir(c["vpn_config_path"].(string)), "wg", "wg0.conf")
			},
			wantOut: "the folder of vpn_config_path (/"},
		{name: "data folder missing", noData: true, wantCode: 1,
			wantOut: "data folder does not exist\nhint: point --data or RESIDENT_DATA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := valid(dir)
			if tt.change != nil {
				tt.change(cfg)
			}
			writeConfig(t, dir, cfg)
			data := filepath.Join(dir, "data")
			os.Mkdir(data, 0o755)
			writeLast(t, data, vpnAccount("alice", "192.168.11.3", wgKeyA))
			if tt.noData {
				data = filepath.Join(dir, "dta")
			}
			out, code := runBin(t, bin, []string{"RESIDENT_DATA=" + data, "RESIDENT_CONFIG=" + filepath.Join(dir, "config.json")},
				"update-vpn")
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
				t.Fatalf("exit %d, want %d with %q:\n%s", code, tt.wantCode, tt.wantOut, out)
			}
			if strings.Contains(out, "secret-but-wrong") || strings.Contains(out, wgPrivateKey) {
				t.Errorf("the private key is in the output:\n%s", out)
			}
			fi, err := os.Stat(filepath.Join(dir, "wg0.conf"))
			switch {
			case tt.wantCode == 2 || tt.noData:
				if err == nil {
					t.Error("a config or --data mistake still wrote wg0.conf")
				}
			case err != nil || fi.Mode().Perm() != 0o600:
				t.Errorf("wg0.conf: %v, %v; want a 0600 file", fi, err)
			case !strings.Contains(readConf(t, filepath.Join(dir, "wg0.conf")), "AllowedIPs = 192.168.11.3/32"):
				t.Error("wg0.conf lacks the peer from $RESIDENT_DATA/last.json")
			}
			_, err = os.Stat(filepath.Join(dir, "reloaded"))
			if reloaded := err == nil; reloaded != (tt.wantCode == 0) {
				t.Errorf("vpn_reload_command ran: %v, want %v", reloaded, tt.wantCode == 0)
			}
		})
	}
}
