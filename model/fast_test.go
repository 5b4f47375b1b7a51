package model

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fastSeeds are the canonical test inputs, the legacy versions when the
// folder is there, and documents that the fast path must leave alone.
func fastSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	files, _ := filepath.Glob("testdata/canonical/*.json")
	legacy, _ := filepath.Glob("../../shared/testdata/legacy-data/*.json")
	var seeds [][]byte
	for _, f := range append(files, legacy...) {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	for _, s := range []string{
		`{"accounts":[]}`,
		`{"accounts":[],"accounts":[]}`,
		`{"accounts":[{"username":"a","Resident":true,"decentrala":false}]}`,
		`{"accounts":[{"username":"a","resident":true,"decentrala":false,"resident":false}]}`,
		`{"accounts":[{"username":"a","resident":null,"decentrala":false}]}`,
		`{"acc\u006funts":[]}`,
		`{"accounts":[{"username":"a\u00e9\ud800\\","resident":true,"decentrala":false}]}`,
		"{\"accounts\":[{\"username\":\"a\xff\",\"resident\":true,\"decentrala\":false}]}",
		`{"accounts":[{"username":"a","resident":true,"decentrala":false,` +
			`"fee_payments":[{"date":"2024-01-01","currency":"EUR","amount":"5"}]}]}`,
		`{"accounts":[{"username":"a","resident":true,"decentrala":false,` +
			`"fee_payments":[{"date":"2024-01-01","currency":"EUR","amount":-0.5e+07}]}]}`,
		`{"accounts":[{"username":"a","resident":true,"decentrala":false,` +
			`"fee_payments":[{"date":"2024-01-01","currency":"EUR","amount":01}]}]}`,
		`{"meta":{"unixtime":-0,"last_sha256":"` + zeros + `"},"accounts":[]}`,
		`{"meta":{"unixtime":1e3,"last_sha256":"` + zeros + `"},"accounts":[]}`,
		`{"meta":null,"accounts":[]}`,
		` {"accounts":[ ]} ` + "\n",
		`{"accounts":[]} x`,
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

const zeros = "0000000000000000000000000000000000000000000000000000000000000000"

// FuzzFastDocument holds the fast path to the generic one: whatever it
// accepts, the generic path reads as the same document with no problem.
func FuzzFastDocument(f *testing.F) {
	for _, s := range fastSeeds(f) {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, withMeta bool) {
		checkFastAgrees(t, data, withMeta)
	})
}

func checkFastAgrees(t *testing.T, data []byte, withMeta bool) {
	t.Helper()
	fast, _, ok := fastDocument(data, withMeta, nil)
	if !ok {
		return
	}
	v, err := decodeJSON(data)
	if err != nil {
		t.Fatalf("fastDocument(%q) accepted what is not JSON: %v", data, err)
	}
	var ps problems
	slow := ps.document(v, withMeta)
	if len(ps) > 0 {
		t.Fatalf("fastDocument(%q, %v) accepted a document with problems %v", data, withMeta, ps)
	}
	if diff := cmp.Diff(slow, fast); diff != "" {
		t.Fatalf("fastDocument(%q, %v) (-generic +fast):\n%s", data, withMeta, diff)
	}
}

// The fast path is taken for what writers send and what the store keeps;
// a slip that made it give up would cost every write the generic path.
func TestFastDocumentTaken(t *testing.T) {
	for i, data := range fastSeeds(t) {
		for _, withMeta := range []bool{true, false} {
			checkFastAgrees(t, data, withMeta)
		}
		doc, err := Parse(data)
		if err != nil {
			continue
		}
		if _, _, ok := fastDocument(data, true, nil); !ok {
			t.Errorf("seed %d: fastDocument gave up on a sound stored version:\n%.300s", i, data)
		}
		body := Marshal(Document{Accounts: doc.Accounts})
		if _, _, ok := fastDocument(body, false, nil); !ok {
			t.Errorf("seed %d: fastDocument gave up on a sound write body:\n%.300s", i, body)
		}
	}
}
