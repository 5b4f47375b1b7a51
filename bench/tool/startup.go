package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// runStartup starts resident serve on a data folder several times and
// reports the time until it answers and its peak memory (VmHWM), at
// start-up and after streaming the whole history once through /dump.
func runStartup(args []string) error {
	fs := flag.NewFlagSet("startup", flag.ExitOnError)
	bin := fs.String("bin", "", "resident binary")
	dir := fs.String("data", "", "data folder")
	runs := fs.Int("runs", 3, "start-ups")
	dump := fs.Bool("dump", true, "also stream the whole /dump once")
	fs.Parse(args)
	var times []time.Duration
	var hwm, afterDump int64
	for r := range *runs {
		s, err := startServe(*bin, *dir)
		if err != nil {
			return err
		}
		times = append(times, s.took)
		hwm = max(hwm, s.kB("VmHWM"))
		if *dump && r == 0 {
			n, err := drain(s.base+"/dump", readKey)
			if err != nil {
				s.stop()
				return err
			}
			afterDump = s.kB("VmHWM")
			figure("dump.bytes", n)
		}
		s.stop()
	}
	figure("startup.median_s", fmt.Sprintf("%.3f", percentile(times, 50).Seconds()))
	figure("startup.vmhwm_kb", hwm)
	if *dump {
		figure("dump.vmhwm_kb", afterDump)
	}
	return nil
}

// Keys of the benchmark's servers; bench/run exports the same.
const (
	readKey  = "bench-read-key-0001"
	writeKey = "bench-write-key-0002"
)

type serve struct {
	cmd  *exec.Cmd
	base string
	took time.Duration
}

// startServe starts resident serve on a free loopback port and waits
// until /healthz answers.
func startServe(bin, dir string) (*serve, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--log-level", "warn", "serve", "--listen", addr, "--data", dir)
	cmd.Env = append(os.Environ(), "READ_KEY="+readKey, "WRITE_KEY="+writeKey,
		"DECENTRALA_ELECTION_KEY=bench-election-key-0003")
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &serve{cmd: cmd, base: "http://" + addr}
	for time.Since(start) < 10*time.Minute {
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			s.took = time.Since(start)
			return s, nil
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, fmt.Errorf("resident serve on %s did not start", dir)
}

func (s *serve) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}

// kB reads a field of /proc/<pid>/status, in kB.
func (s *serve) kB(field string) int64 {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			var n int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &n)
			return n
		}
	}
	return -1
}

// drain reads a whole answer and returns its length.
func drain(url, key string) (int64, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}
