package hass

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const alias = "Record on CODE"

// goldenMap holds prefixes that YAML would read as numbers and Telegram
// names that it would read as a number, a boolean or null if unquoted.
var goldenMap = []Pair{
	{Prefix: "0123", Telegram: "alice_k"},
	{Prefix: "1234", Telegram: "3787093963"},
	{Prefix: "39P", Telegram: "o'neill"},
	{Prefix: "7", Telegram: "yes"},
	{Prefix: "A7A8", Telegram: "null"},
	{Prefix: "L", Telegram: "on"},
}

var goldenCases = []string{"editor", "handwritten", "templates", "many"}

func TestPatchGolden(t *testing.T) {
	for _, name := range goldenCases {
		t.Run(name, func(t *testing.T) {
			in := readTestdata(t, name+".in.yaml")
			out, changed, err := Patch(in, alias, goldenMap)
			if err != nil || !changed {
				t.Fatalf("Patch(%s) = changed %v, err %v; want a change", name, changed, err)
			}
			checkGolden(t, name+".out.yaml", out)
			assertOnlyUIDMapChanged(t, in, out, goldenMap)
		})
	}
}

// TestPatchGoldenCRLF runs the editor file with Windows line ends: the new
// block must use them too.
func TestPatchGoldenCRLF(t *testing.T) {
	in := crlf(readTestdata(t, "editor.in.yaml"))
	out, _, err := Patch(in, alias, goldenMap)
	if err != nil {
		t.Fatalf("Patch(editor, CRLF) error: %v", err)
	}
	want := crlf(readTestdata(t, "editor.out.yaml"))
	if diff := cmp.Diff(string(want), string(out)); diff != "" {
		t.Errorf("Patch(editor, CRLF) mismatch (-want +got):\n%s", diff)
	}
	if n := bytes.Count(out, []byte("\n")); n != bytes.Count(out, []byte("\r\n")) {
		t.Errorf("Patch(editor, CRLF) wrote a bare LF: %d LF, %d CRLF", n, bytes.Count(out, []byte("\r\n")))
	}
}

// TestPatchGoldenIdempotent patches each golden output again with the same
// map: nothing must change.
func TestPatchGoldenIdempotent(t *testing.T) {
	for _, name := range goldenCases {
		out := readTestdata(t, name+".out.yaml")
		got, changed, err := Patch(out, alias, goldenMap)
		if err != nil || changed || !bytes.Equal(got, out) {
			t.Errorf("Patch(%s.out.yaml) = changed %v, err %v; want unchanged", name, changed, err)
		}
	}
}

// TestPatchGoldenReadsBackAsStrings checks the written uid_map with
// yaml.v3: keys exactly 0123, 7, 1234, and every key and value a string.
func TestPatchGoldenReadsBackAsStrings(t *testing.T) {
	for _, name := range goldenCases {
		got := decodedUIDMap(t, readTestdata(t, name+".out.yaml"))
		want := map[string]any{}
		for _, p := range goldenMap {
			want[p.Prefix] = p.Telegram
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s.out.yaml uid_map mismatch (-want +got):\n%s", name, diff)
		}
	}
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func checkGolden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want := readTestdata(tb, name)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func crlf(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

var (
	newKeyLine   = regexp.MustCompile(`^ *uid_map:( \{\})?$`)
	newEntryLine = regexp.MustCompile(`^ *'(?:[^']|'')*': '(?:[^']|'')*'$`)
)

// assertOnlyUIDMapChanged checks, without trusting Patch's own idea of the
// block, that out differs from in only by one run of lines that starts at
// the uid_map key, that the new lines are the key and quoted entries, and
// that both files decode to the same data once uid_map is set to m.
func assertOnlyUIDMapChanged(tb testing.TB, in, out []byte, m []Pair) {
	tb.Helper()
	assertLinesOnlyInBlock(tb, in, out)
	want, got := decodeAll(tb, in), decodeAll(tb, out)
	setUIDMap(want, m)
	if diff := cmp.Diff(want, got, cmpopts.EquateNaNs()); diff != "" {
		tb.Errorf("decoded file changed outside uid_map (-want +got):\n%s", diff)
	}
}

// yamlBreak is every line break of YAML, so that lines are counted the way
// the parser counts them.
var yamlBreak = regexp.MustCompile(`\r\n|\r|\n|\x{85}|\x{2028}|\x{2029}`)

func yamlLines(s string) []string {
	var out []string
	for len(s) > 0 {
		loc := yamlBreak.FindStringIndex(s)
		if loc == nil {
			return append(out, s)
		}
		out = append(out, s[:loc[1]])
		s = s[loc[1]:]
	}
	return out
}

// assertLinesOnlyInBlock checks that the lines before the uid_map key and
// after the changed run are as they were, and that every changed line of
// out is the uid_map key or a quoted entry.
func assertLinesOnlyInBlock(tb testing.TB, in, out []byte) {
	tb.Helper()
	a, err := Inspect(in, alias)
	if err != nil {
		tb.Fatalf("Inspect(in): %v", err)
	}
	inL, outL := yamlLines(string(in)), yamlLines(string(out))
	p := 0
	for p < len(inL) && p < len(outL) && inL[p] == outL[p] {
		p++
	}
	s := 0
	for s < len(inL)-p && s < len(outL)-p && inL[len(inL)-1-s] == outL[len(outL)-1-s] {
		s++
	}
	if p < a.MapLine-1 {
		tb.Errorf("line %d changed, before uid_map at line %d: %q -> %q", p+1, a.MapLine, inL[p], outL[p])
	}
	for _, l := range outL[p : len(outL)-s] {
		l = yamlBreak.ReplaceAllString(l, "")
		if !newKeyLine.MatchString(l) && !newEntryLine.MatchString(l) {
			tb.Errorf("changed output line %q is not part of a uid_map block", l)
		}
	}
}

func decodeAll(tb testing.TB, src []byte) any {
	tb.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return v
}

// setUIDMap sets every uid_map inside the automation with the test alias.
func setUIDMap(doc any, m []Pair) {
	want := map[string]any{}
	for _, p := range m {
		want[p.Prefix] = p.Telegram
	}
	for _, item := range doc.([]any) {
		if a, ok := item.(map[string]any); ok && a["alias"] == alias {
			replaceKey(a, "uid_map", want)
		}
	}
}

// replaceKey sets every key named key under v to to. yaml.v3 decodes a
// mapping whose keys are not all plain strings (a tagged key, say) as
// map[any]any, so both kinds are walked.
func replaceKey(v any, key string, to any) {
	switch x := v.(type) {
	case map[string]any:
		replaceIn(x, key, to)
	case map[any]any:
		replaceIn(x, key, to)
	case []any:
		for _, c := range x {
			replaceKey(c, key, to)
		}
	}
}

func replaceIn[K comparable](x map[K]any, key string, to any) {
	for k, c := range x {
		if any(k) == any(key) {
			x[k] = to
			continue
		}
		replaceKey(c, key, to)
	}
}

// findKey appends to found the value of every key named key under v, of
// either kind of mapping, as replaceKey walks them.
func findKey(v any, key string, found *[]any) {
	switch x := v.(type) {
	case map[string]any:
		findIn(x, key, found)
	case map[any]any:
		findIn(x, key, found)
	case []any:
		for _, c := range x {
			findKey(c, key, found)
		}
	}
}

func findIn[K comparable](x map[K]any, key string, found *[]any) {
	for k, c := range x {
		if any(k) == any(key) {
			*found = append(*found, c)
		}
		findKey(c, key, found)
	}
}

// decodedUIDMap returns the uid_map of the test alias as yaml.v3 decodes it.
func decodedUIDMap(tb testing.TB, src []byte) any {
	tb.Helper()
	var found []any
	for _, item := range decodeAll(tb, src).([]any) {
		if a, ok := item.(map[string]any); ok && a["alias"] == alias {
			findKey(a, "uid_map", &found)
		}
	}
	if len(found) != 1 {
		tb.Fatalf("found %d uid_map under %q, want 1", len(found), alias)
	}
	if reflect.ValueOf(found[0]).Kind() != reflect.Map {
		tb.Fatalf("uid_map is %T, want a map", found[0])
	}
	return found[0]
}
