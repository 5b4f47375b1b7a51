// Command tool is the Go half of resident's benchmark (bench/run): the
// measurements that wrk, hyperfine and sha256sum can't make. It drives the
// real resident binary and prints one "name value" line per figure.
package main

import (
	"fmt"
	"os"
	"sort"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tool post|startup|poll|static [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "post":
		err = runPost(os.Args[2:])
	case "startup":
		err = runStartup(os.Args[2:])
	case "poll":
		err = runPoll(os.Args[2:])
	case "static":
		err = runStatic(os.Args[2:])
	default:
		err = fmt.Errorf("unknown measurement %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tool: error:", err)
		os.Exit(1)
	}
}

// figure prints one result line for bench/run to collect.
func figure(name string, value any) {
	fmt.Printf("%s %v\n", name, value)
}

// percentile returns the p-th percentile (0..100) of ds, by the nearest
// rank.
func percentile(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }
