package vpn

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Keys made with wg genkey and wg pubkey, so wg accepts every one.
const (
	testPrivateKey = "eCQFE1P1TpJWSG3IE6ztRnFbY2HQPFn9yFBLI8jGjUI="
	adminKey       = "ma6P1wWQy+RTOFBK8vzRNRDcSKB91GP5irL0dWHLqXY="
	keyA           = "OHy/rPom7xQb0hiaWALVn5S/ZjcjU/ngBVj3V48S9x8="
	keyB           = "Je7hRvs0oqSU3wxnnQ7/P6MgJcnWQn2mIqWb68+ye3U="
	keyC           = "wIBwrrybdPvGJfaitJcDriECV76gHK4Q+5HGzzp+ERo="
	keyD           = "GhS1jaDp/ZN31WpWNAZfWLm59Jck2/SnqNe4oy7rhxo="
	keyE           = "afhR/JfA5EGHqVIb+b3HODrCfwrWJeQBVDgTfgktyjQ="
)

var (
	testAdmin = Entry{IP: "192.168.11.2", Key: adminKey}
	testIface = Interface{PrivateKey: testPrivateKey, Port: 51820}
)

// account is the part of an account these tests vary.
type account struct {
	name string
	vpn  [][2]string // ip, key
}

// lastJSON returns a stored version holding accounts.
func lastJSON(tb testing.TB, accounts ...account) []byte {
	tb.Helper()
	list := []map[string]any{}
	for _, a := range accounts {
		vpn := []map[string]string{}
		for _, v := range a.vpn {
			vpn = append(vpn, map[string]string{"ip": v[0], "wg_public_key": v[1]})
		}
		list = append(list, map[string]any{
			"username": a.name, "telegram": nil, "decentrala": false, "resident": true,
			"otp_prefix": nil, "vpn": vpn, "ssh_keys": []string{}, "fee_payments": []any{},
		})
	}
	data, err := json.Marshal(map[string]any{
		"meta":     map[string]any{"unixtime": 1700000000, "last_sha256": zeros},
		"accounts": list,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

const zeros = "0000000000000000000000000000000000000000000000000000000000000000"

// golden compares got with testdata/name, or rewrites it under -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read golden file (run go test ./vpn -update to create it): %v", err)
	}
	if string(got) != string(want) {
		tb.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
