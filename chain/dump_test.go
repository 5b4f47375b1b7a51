package chain_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

// readDump collects a dump's entries in the order they came.
func readDump(tb testing.TB, dump []byte) ([]string, map[string]string) {
	tb.Helper()
	var order []string
	files := map[string]string{}
	err := chain.ReadDump(bytes.NewReader(dump), func(name string, data []byte) error {
		order = append(order, name)
		files[name] = string(data)
		return nil
	})
	if err != nil {
		tb.Fatalf("ReadDump(%.200s) = %v", dump, err)
	}
	return order, files
}

func TestDumpRoundTrip(t *testing.T) {
	dir := testenv.LegacyCopy(t)
	s := openStore(t, dir, newClock(1))
	// Names that a dump must carry unchanged: Cyrillic, HTML characters,
	// the line separators JSON encoders like to escape, quotes, a tab.
	for _, name := range []string{"Мина Đ.", "<b>&amp;</b>", "a\u2028b\u2029c", `q"uote\`, "tab\there"} {
		if _, _, err := s.Commit("", add(name)); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := s.Versions("")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteDump(&buf, vs); err != nil {
		t.Fatalf("WriteDump = %v", err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatalf("WriteDump wrote invalid JSON: %.300s", buf.Bytes())
	}
	order, files := readDump(t, buf.Bytes())
	if diff := cmp.Diff(names(vs), order); diff != "" {
		t.Errorf("dump order (-want +got):\n%s", diff)
	}
	disk := snapshot(t, dir)
	for _, v := range vs {
		if files[v.Name] != disk[v.Name] {
			t.Errorf("dump of %s differs from the file:\n%q\nwant\n%q", v.Name, files[v.Name], disk[v.Name])
		}
		if _, err := chain.ReadVersion(v.Name, []byte(files[v.Name])); err != nil {
			t.Errorf("ReadVersion of dumped %s = %v", v.Name, err)
		}
	}
	if !strings.Contains(disk[vs[len(vs)-3].Name], "a\u2028b\u2029c") {
		t.Errorf("version file does not hold the raw line separators")
	}
	var empty bytes.Buffer
	if err := s.WriteDump(&empty, vs[len(vs):]); err != nil || empty.String() != "{}" {
		t.Errorf("WriteDump(none) = %q, %v, want {}", empty.String(), err)
	}
}

func TestReadDumpRejects(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"empty", ``, "not a JSON object"},
		{"a list", `[]`, "not a JSON object"},
		{"a string", `"x"`, "not a JSON object"},
		{"null", `null`, "not a JSON object"},
		{"content a number", `{"a.json":1}`, `"a.json": content is not a string`},
		{"content null", `{"a.json":null}`, `"a.json": content is not a string`},
		{"content an object", `{"a.json":{"meta":{}}}`, "content is not a string"},
		{"content a list", `{"a.json":["x"]}`, "content is not a string"},
		{"second object", `{"a.json":"x"} {}`, "unexpected data after the object"},
		{"trailing word", `{"a.json":"x"}x`, "read dump"},
		{"cut short", `{"a.json":"x"`, "read dump"},
		{"cut in a string", `{"a.json":"x`, "read dump"},
		{"missing colon", `{"a.json" "x"}`, "read dump"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := chain.ReadDump(strings.NewReader(tt.input), func(string, []byte) error { return nil })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadDump(%q) = %v, want an error mentioning %q", tt.input, err, tt.want)
			}
		})
	}
}

func TestReadDumpStopsAtCallbackError(t *testing.T) {
	stop := errors.New("stop")
	var seen []string
	err := chain.ReadDump(strings.NewReader(`{"a":"1","b":"2","c":"3"}`), func(name string, _ []byte) error {
		seen = append(seen, name)
		if name == "b" {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !cmp.Equal(seen, []string{"a", "b"}) {
		t.Errorf("ReadDump = %v after %v, want the callback's error after a and b", err, seen)
	}
	err = chain.ReadDump(strings.NewReader(` {"x.json" : "a\u2028\"b\"\\"} `), func(name string, data []byte) error {
		if name != "x.json" || string(data) != "a\u2028\"b\"\\" {
			t.Errorf("ReadDump entry %q = %q", name, data)
		}
		return nil
	})
	if err != nil {
		t.Errorf("ReadDump(escaped content) = %v", err)
	}
}

// The doc of a committed head equals what parsing its bytes gives, so the
// server's view and a consumer's view of a version agree.
func TestHeadDocMatchesBytes(t *testing.T) {
	s := openStore(t, t.TempDir(), newClock(1))
	if _, _, err := s.Commit("", add("ana")); err != nil {
		t.Fatal(err)
	}
	h := s.Head()
	doc, err := model.Parse(h.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(model.Marshal(*doc), model.Marshal(*h.Doc)) {
		t.Errorf("Head().Doc = %s, bytes say %s", model.Marshal(*h.Doc), h.Bytes)
	}
}

// failWriter fails every write, as a connection to a client that left.
type failWriter struct{ writes int }

var errGone = errors.New("client went away")

func (w *failWriter) Write(p []byte) (int, error) {
	w.writes++
	return 0, errGone
}

// A dump to a client that went away stops at once instead of reading the
// rest of the history.
func TestWriteDumpStopsWhenWritesFail(t *testing.T) {
	dir := testenv.LegacyCopy(t)
	s := openStore(t, dir, newClock(1))
	vs, err := s.Versions("")
	if err != nil {
		t.Fatal(err)
	}
	// Versions from the fourth on are gone from disk: reading them would
	// fail with another error than the write's.
	for _, v := range vs[3:] {
		os.Remove(filepath.Join(dir, v.Name))
	}
	w := &failWriter{}
	if err := s.WriteDump(w, vs); !errors.Is(err, errGone) {
		t.Errorf("WriteDump to a failing writer = %v, want its error", err)
	}
	if w.writes != 1 {
		t.Errorf("WriteDump wrote %d times to a failing writer, want 1", w.writes)
	}
}
