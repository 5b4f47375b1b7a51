package hass

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// parseSpec turns "0123=alice;7=yes" into a map for the fuzzer.
func parseSpec(spec string) []Pair {
	var m []Pair
	for _, e := range strings.Split(spec, ";") {
		if k, v, ok := strings.Cut(e, "="); ok {
			m = append(m, Pair{Prefix: k, Telegram: v})
		}
	}
	return m
}

// FuzzPatch checks that Patch never panics and that whatever it returns
// holds the requested map under the alias, reads back as YAML, and differs
// from its input only in the uid_map block.
func FuzzPatch(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "0123=alice;7=yes;1234=3787093963")
		f.Add(crlf(b), "")
	}
	f.Add([]byte(auto("  actions:\n  - variables:\n      uid_map: {'1': a,\n  '2': b}\n")), "7=o'neill")
	f.Add([]byte(auto("  action:\n    variables:\n      uid_map:\n        '1': |\n          x\n\n        # c\n")), "1=a")
	f.Fuzz(func(t *testing.T, src []byte, spec string) {
		m := parseSpec(spec)
		out, changed, err := Patch(src, alias, m)
		if err != nil || !changed {
			return
		}
		doc, err := parse(out)
		if err != nil {
			t.Fatalf("Patch output does not parse: %v\n%s", err, out)
		}
		tg, err := locate(doc, alias)
		if err != nil {
			t.Fatalf("Patch output lost the automation: %v\n%s", err, out)
		}
		if cur, ok := currentMap(tg.value); !ok || !equalMap(cur, m) {
			t.Fatalf("Patch output uid_map = %v (quoted %v), want %v", cur, ok, m)
		}
		assertLinesOnlyInBlock(t, src, out)
		var in any
		if yaml.Unmarshal(src, &in) == nil && onlyOneAlias(in) {
			assertOnlyUIDMapChanged(t, src, out, m)
		}
	})
}

// onlyOneAlias tells whether the decoded file is a list in which exactly
// one mapping has the test alias, the shape the data-level check handles.
func onlyOneAlias(doc any) bool {
	list, ok := doc.([]any)
	if !ok {
		return false
	}
	n := 0
	for _, item := range list {
		if a, ok := item.(map[string]any); ok && a["alias"] == alias {
			n++
		}
	}
	return n == 1
}

// FuzzPatchBlock puts fuzzed text where uid_map's value goes, between an
// action before and an action after, where the edge cases of finding the
// block's end live: comments, blank lines, flow maps, block scalars,
// indentation.
func FuzzPatchBlock(f *testing.F) {
	for _, block := range []string{
		"\n        '1': a\n",
		" {'1': a,\n   '2': b}\n",
		"\n\n        # gone\n        '1': |\n          x\n\n        # stays\n",
		"   # c\n            \"7\": \"yes\"\n",
		" ~\n",
		"\n        ? '1'\n        : a\n",
	} {
		f.Add(block, "0123=alice;7=yes")
	}
	const before = "- id: door\n  alias: Record on CODE\n  actions:\n  - variables:\n      code: x\n      uid_map:"
	const after = "      more: y\n  - action: notify.admins\n    data:\n      message: >-\n        hi\n  mode: queued\n"
	f.Fuzz(func(t *testing.T, block, spec string) {
		src := []byte(before + block + after)
		m := parseSpec(spec)
		out, changed, err := Patch(src, alias, m)
		if err != nil || !changed {
			return
		}
		assertLinesOnlyInBlock(t, src, out)
		var in any
		if yaml.Unmarshal(src, &in) == nil {
			assertOnlyUIDMapChanged(t, src, out, m)
		}
	})
}
