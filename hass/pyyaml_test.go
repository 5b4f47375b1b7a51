package hass

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xecut/resident/internal/testenv"
)

// pyCheck loads the input and the output with PyYAML, the YAML 1.1 reader
// Home Assistant itself uses, and checks that they hold the same data once
// the alias's uid_map is set to the expected map, whose keys and values
// must all be str (a plain 0123 would be the number 83, a plain yes True).
const pyCheck = `
import json, sys, yaml

def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)

def replace(v, want):
    if isinstance(v, dict):
        for k in v:
            if k == "uid_map":
                got = v[k]
                bad = [(a, b) for a, b in got.items() if type(a) is not str or type(b) is not str]
                if bad:
                    sys.exit("not strings: %r" % bad)
                v[k] = want
            else:
                replace(v[k], want)
    elif isinstance(v, list):
        for c in v:
            replace(c, want)

src, dst, alias, want = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
for doc in (src, dst):
    for a in doc:
        if isinstance(a, dict) and a.get("alias") == alias:
            replace(a, want)
if [a for a in dst if a.get("alias") == alias][0] != [a for a in src if a.get("alias") == alias][0]:
    sys.exit("the automation differs")
if src != dst:
    sys.exit("the files differ outside uid_map")
print("ok")
`

// TestPatchGoldenPyYAML reads the golden files the way Home Assistant
// does. It needs python3 with PyYAML (Debian: python3-yaml).
func TestPatchGoldenPyYAML(t *testing.T) {
	err := exec.Command("python3", "-c", "import yaml").Run()
	testenv.Need(t, err == nil, "python3 with PyYAML not found", "apt-get install python3-yaml")
	want := map[string]string{}
	for _, p := range goldenMap {
		want[p.Prefix] = p.Telegram
	}
	wantJSON, _ := json.Marshal(want)
	for _, name := range goldenCases {
		in := filepath.Join("testdata", name+".in.yaml")
		out := filepath.Join("testdata", name+".out.yaml")
		cmd := exec.Command("python3", "-c", pyCheck, in, out, alias, string(wantJSON))
		got, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(got)) != "ok" {
			t.Errorf("PyYAML on %s: %v: %s", name, err, got)
		}
	}
}
