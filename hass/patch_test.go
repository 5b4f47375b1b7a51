package hass

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// auto wraps action lines in an automation with the test alias.
func auto(actions string) string {
	return "- id: 'door'\n  alias: Record on CODE\n  triggers: []\n" + actions
}

func TestPatch(t *testing.T) {
	m := []Pair{{"0123", "12345"}, {"7", "yes"}}
	tests := []struct {
		name    string
		in      string
		m       []Pair
		want    string
		changed bool
	}{
		{
			name:    "old action key with a single mapping",
			in:      auto("  action:\n    variables:\n      uid_map:\n        '1': a\n  mode: single\n"),
			m:       m,
			want:    auto("  action:\n    variables:\n      uid_map:\n        '0123': '12345'\n        '7': 'yes'\n  mode: single\n"),
			changed: true,
		},
		{
			name: "inside if then, deeper entry indent kept",
			in: auto("  actions:\n  - if: []\n    then:\n    - variables:\n        uid_map:\n" +
				"              '1': a\n    else: []\n"),
			m: m,
			want: auto("  actions:\n  - if: []\n    then:\n    - variables:\n        uid_map:\n" +
				"              '0123': '12345'\n              '7': 'yes'\n    else: []\n"),
			changed: true,
		},
		{
			name: "inside repeat and parallel",
			in: auto("  actions:\n  - parallel:\n    - repeat:\n        count: 2\n        sequence:\n" +
				"        - variables: {}\n        - variables:\n            uid_map: {}\n"),
			m: m[:1],
			want: auto("  actions:\n  - parallel:\n    - repeat:\n        count: 2\n        sequence:\n" +
				"        - variables: {}\n        - variables:\n            uid_map:\n              '0123': '12345'\n"),
			changed: true,
		},
		{
			name:    "null value becomes a block at key indent plus two",
			in:      auto("  actions:\n  - variables:\n      uid_map:\n      code: x\n"),
			m:       m[:1],
			want:    auto("  actions:\n  - variables:\n      uid_map:\n        '0123': '12345'\n      code: x\n"),
			changed: true,
		},
		{
			name:    "shrinks to empty",
			in:      auto("  actions:\n  - variables:\n      uid_map:\n        '1': 'a'\n        '2': 'b'\n      code: x\n"),
			m:       nil,
			want:    auto("  actions:\n  - variables:\n      uid_map: {}\n      code: x\n"),
			changed: true,
		},
		{
			name:    "empty stays empty",
			in:      auto("  actions:\n  - variables:\n      uid_map: {}   # nobody yet\n"),
			m:       nil,
			want:    auto("  actions:\n  - variables:\n      uid_map: {}   # nobody yet\n"),
			changed: false,
		},
		{
			name:    "same map in another order and quoting is unchanged",
			in:      auto("  actions:\n  - variables:\n      uid_map:\n        \"7\": \"yes\"\n        '0123': '12345'\n"),
			m:       m,
			want:    auto("  actions:\n  - variables:\n      uid_map:\n        \"7\": \"yes\"\n        '0123': '12345'\n"),
			changed: false,
		},
		{
			name: "strings as Home Assistant's editor writes them are unchanged",
			in: auto("  actions:\n  - variables:\n      uid_map:\n        '0123': alice_k\n" +
				"        A7A8: '3787093963'\n        39P: |-\n          x\n"),
			m: []Pair{{"0123", "alice_k"}, {"39P", "x"}, {"A7A8", "3787093963"}},
			want: auto("  actions:\n  - variables:\n      uid_map:\n        '0123': alice_k\n" +
				"        A7A8: '3787093963'\n        39P: |-\n          x\n"),
			changed: false,
		},
		{
			name:    "same values unquoted are rewritten quoted",
			in:      auto("  actions:\n  - variables:\n      uid_map:\n        0123: 12345\n        7: yes\n"),
			m:       m,
			want:    auto("  actions:\n  - variables:\n      uid_map:\n        '0123': '12345'\n        '7': 'yes'\n"),
			changed: true,
		},
		{
			name:    "no final line break stays without one",
			in:      auto("  actions:\n  - variables:\n      uid_map:\n        '1': a"),
			m:       m,
			want:    auto("  actions:\n  - variables:\n      uid_map:\n        '0123': '12345'\n        '7': 'yes'"),
			changed: true,
		},
		{
			name:    "quoted key and trailing comment on the key line",
			in:      auto("  actions:\n  - variables:\n      \"uid_map\":   # who is who\n        '1': a\n  mode: queued\n"),
			m:       m[1:],
			want:    auto("  actions:\n  - variables:\n      uid_map:\n        '7': 'yes'\n  mode: queued\n"),
			changed: true,
		},
		{
			name:    "document end marker stays",
			in:      auto("  actions:\n  - variables:\n      uid_map:\n        '1': a\n...\n"),
			m:       m[1:],
			want:    auto("  actions:\n  - variables:\n      uid_map:\n        '7': 'yes'\n...\n"),
			changed: true,
		},
		{
			name:    "flow map over several lines",
			in:      auto("  actions:\n  - variables:\n      uid_map: {'1': a,\n        '2': b}\n      code: x\n"),
			m:       m[1:],
			want:    auto("  actions:\n  - variables:\n      uid_map:\n        '7': 'yes'\n      code: x\n"),
			changed: true,
		},
		{
			name: "quote in a name is doubled",
			in:   auto("  actions:\n  - variables:\n      uid_map: {}\n"),
			m:    []Pair{{"1", "o'neill"}, {"2", "{{ x }}"}, {"3", "#no comment"}},
			want: auto("  actions:\n  - variables:\n      uid_map:\n        '1': 'o''neill'\n" +
				"        '2': '{{ x }}'\n        '3': '#no comment'\n"),
			changed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed, err := Patch([]byte(tt.in), alias, tt.m)
			if err != nil {
				t.Fatalf("Patch() error: %v", err)
			}
			if changed != tt.changed {
				t.Errorf("Patch() changed = %v, want %v", changed, tt.changed)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Patch() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPatchErrors(t *testing.T) {
	ok := auto("  actions:\n  - variables:\n      uid_map: {}\n")
	tests := []struct {
		name    string
		in      string
		m       []Pair
		wantErr error
		wantMsg string
	}{
		{name: "empty file", in: "", wantErr: ErrNotList},
		{name: "invalid YAML", in: "- alias: [unclosed\n", wantErr: ErrInvalidYAML, wantMsg: "line"},
		{name: "two documents", in: ok + "---\n- alias: x\n", wantErr: ErrInvalidYAML},
		{name: "a mapping, not a list", in: "alias: Record on CODE\n", wantErr: ErrNotList},
		{name: "alias absent", in: "- alias: Record on code\n  actions: []\n", wantErr: ErrAliasNotFound,
			wantMsg: `"Record on CODE"`},
		{name: "alias twice", in: ok + ok, wantErr: ErrAliasTwice, wantMsg: "lines 1, 7"},
		{name: "no actions", in: "- alias: Record on CODE\n  triggers: []\n", wantErr: ErrNoUIDMap},
		{name: "variables without uid_map", in: auto("  actions:\n  - variables:\n      code: x\n"),
			wantErr: ErrNoUIDMap},
		{name: "uid_map outside the actions", in: auto("  variables:\n    uid_map: {}\n  actions: []\n"),
			wantErr: ErrNoUIDMap},
		{name: "actions and action both", in: auto("  actions: []\n  action:\n  - variables:\n      uid_map: {}\n"),
			wantErr: ErrNoUIDMap, wantMsg: "both"},
		{name: "uid_map twice", in: auto("  actions:\n  - variables:\n      uid_map: {}\n  - choose:\n" +
			"    - sequence:\n      - variables:\n          uid_map: {}\n"), wantErr: ErrUIDMapTwice, wantMsg: "lines 6, 10"},
		{name: "flow variables", in: auto("  actions:\n  - variables: {uid_map: {}}\n"), wantErr: ErrLayout},
		{name: "uid_map is an alias", in: "- x: &m {}\n" + auto("  actions:\n  - variables:\n      uid_map: *m\n"),
			wantErr: ErrLayout, wantMsg: "anchor"},
		{name: "uid_map has an anchor", in: auto("  actions:\n  - variables:\n      uid_map: &m {}\n"),
			wantErr: ErrLayout, wantMsg: "&m"},
		{name: "uid_map is a template", in: auto("  actions:\n  - variables:\n      uid_map: '{{ x }}'\n"),
			wantErr: ErrLayout, wantMsg: "not a map"},
		{name: "uid_map is a list", in: auto("  actions:\n  - variables:\n      uid_map:\n      - a\n"),
			wantErr: ErrLayout, wantMsg: "list"},
		{name: "prefix given twice", in: ok, m: []Pair{{"1", "a"}, {"1", "b"}}, wantErr: ErrBadEntry},
		{name: "line break in a name", in: ok, m: []Pair{{"1", "a\nb: c"}}, wantErr: ErrBadEntry},
		{name: "invalid UTF-8", in: ok, m: []Pair{{"1", "\xff"}}, wantErr: ErrBadEntry},
		{name: "prefix too long for a YAML key", in: ok, m: []Pair{{strings.Repeat("1", 999), "a"}},
			wantErr: ErrBadEntry, wantMsg: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.m
			if m == nil {
				m = []Pair{{"1", "a"}}
			}
			out, changed, err := Patch([]byte(tt.in), alias, m)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Patch() = %q, %v, %v; want error %v", out, changed, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Patch() error %q does not say %q", err, tt.wantMsg)
			}
			if out != nil || changed {
				t.Errorf("Patch() returned output %q, changed %v along with an error", out, changed)
			}
		})
	}
}

func TestInspect(t *testing.T) {
	tests := []struct {
		file string
		want Automation
	}{
		{"editor.in.yaml", Automation{ID: "1718031055021", Alias: alias, Line: 17, MapLine: 30,
			Map: []Pair{{"1234", "alice_k"}, {"39P", "3787093963"}, {"7", "bob"}}}},
		{"handwritten.in.yaml", Automation{Alias: alias, Line: 5, MapLine: 20,
			Map: []Pair{{"0123", "alice_k"}, {"7", "bob"}, {"1234", "3787093963"}}}},
	}
	for _, tt := range tests {
		got, err := Inspect(readTestdata(t, tt.file), alias)
		if err != nil {
			t.Fatalf("Inspect(%s) error: %v", tt.file, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Inspect(%s) mismatch (-want +got):\n%s", tt.file, diff)
		}
	}
}

func TestIsString(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"alice_k", true}, {"A7A8", true}, {"39P", true}, {"'0123'", true}, {`"yes"`, true},
		{"!!str 0123", true}, {"|\n  7\n", true},
		{"0123", false}, {"7", false}, {"1_000", false}, {"0x1F", false}, {"0b101", false},
		{"yes", false}, {"On", false}, {"N", false}, {"NULL", false}, {"~", false}, {"1.5", false},
		{"12:30", false}, {"2024-01-02", false}, {"1e5", false}, {"0o17", false}, {"a-b", false}, {"!!int '7'", false},
	}
	for _, tt := range tests {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(tt.in), &doc); err != nil {
			t.Fatalf("yaml.Unmarshal(%q): %v", tt.in, err)
		}
		if got := isString(doc.Content[0]); got != tt.want {
			t.Errorf("isString(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
