package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/waiver"
)

// TestExamples checks that the files in examples/ are valid: the config
// files' keys are flags, the waivers load.
func TestExamples(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "examples")
	checkConfig := func(name string, data []byte) {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		e := &env{stdout: io.Discard, stderr: io.Discard, getenv: os.Getenv}
		scan, _, err := newRootCommand(e).Find([]string{"scan"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := applyConfig(path, scan, scan); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "tenantscan.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	checkConfig("tenantscan.yaml", data)

	// The ConfigMap in the CronJob manifest holds a config and waivers.
	manifest, err := os.ReadFile(filepath.Join(dir, "kubernetes-cronjob.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(manifest))
	found := false
	for {
		var doc struct {
			Kind string            `yaml:"kind"`
			Data map[string]string `yaml:"data"`
		}
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if doc.Kind == "ConfigMap" {
			found = true
			// Each key is a file the CronJob reads under /config: a key
			// renamed on one side only must fail here, not in the cluster.
			for _, key := range []string{"tenantscan.yaml", "waivers.yaml"} {
				if _, ok := doc.Data[key]; !ok {
					t.Errorf("the ConfigMap has no key %s", key)
				} else if !bytes.Contains(manifest, []byte("/config/"+key)) {
					t.Errorf("the ConfigMap's %s is never read as /config/%s", key, key)
				}
			}
			checkConfig("ConfigMap tenantscan.yaml", []byte(doc.Data["tenantscan.yaml"]))
			waivers := filepath.Join(t.TempDir(), "waivers.yaml")
			if err := os.WriteFile(waivers, []byte(doc.Data["waivers.yaml"]), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := waiver.LoadWaivers(waivers, nil); err != nil {
				t.Errorf("ConfigMap waivers.yaml: %v", err)
			}
		}
	}
	if !found {
		t.Error("the CronJob manifest has no ConfigMap")
	}
	if _, err := waiver.LoadWaivers(filepath.Join(dir, "waivers.yaml"), nil); err != nil {
		t.Error(err)
	}
}

// TestCrontabExampleNights runs the crontab's command with
// examples/tenantscan.yaml (its /srv/tenantscan paths moved to a
// temporary folder) over the three nights of TestHistoryThreeNights,
// without waivers: the history is the baseline, so the night after
// Tailspin's broken export its findings are unchanged, not new.
func TestCrontabExampleNights(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	examples := filepath.Join("..", "..", "examples")
	cron := readFile(t, filepath.Join(examples, "crontab"))
	var args []string
	for _, line := range strings.Split(cron, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(strings.SplitN(line, ";", 2)[0])
		if len(fields) < 6 || fields[5] != "tenantscan" {
			t.Fatalf("crontab: %q is not a tenantscan line", line)
		}
		for _, a := range fields[6:] {
			args = append(args, strings.ReplaceAll(a, "/srv/tenantscan", dir))
		}
	}
	if len(args) == 0 {
		t.Fatal("crontab: no tenantscan line")
	}
	config := readFile(t, filepath.Join(examples, "tenantscan.yaml"))
	var kept []string
	for _, line := range strings.Split(config, "\n") {
		switch {
		case strings.HasPrefix(line, "policy:"), strings.HasPrefix(line, "data:"):
			continue // optional extras this test has none of
		case strings.HasPrefix(line, "metrics-file:"):
			line = "metrics-file: /srv/tenantscan/reports/tenantscan.prom"
		}
		kept = append(kept, strings.ReplaceAll(line, "/srv/tenantscan", dir))
	}
	config = strings.Join(kept, "\n")
	for _, want := range []string{"history: " + dir + "/history.db", "baseline: history"} {
		if !strings.Contains(config, want) {
			t.Fatalf("tenantscan.yaml: no %q", want)
		}
	}
	writeFile(t, filepath.Join(dir, "tenantscan.yaml"), config)
	writeFile(t, filepath.Join(dir, "waivers.yaml"), "waivers: []\n")
	if err := os.MkdirAll(filepath.Join(dir, "reports"), 0o755); err != nil {
		t.Fatal(err)
	}
	adatumSrc := readFile(t, filepath.Join(fixtures, "adatum-permissions.yaml"))
	tailspinSrc := readFile(t, filepath.Join(fixtures, "tailspin-subscriptions.yaml"))
	// Exit codes: night 1 reports every finding (high ones among them) as
	// new against the empty history; night 2 has Tailspin in error; night
	// 3 has nothing new.
	wantCodes := []int{exitFindings, exitError, exitOK}
	wantDrift := []report.DriftSummary{{New: 7}, {New: 1, Unchanged: 3}, {Unchanged: 7, Resolved: 1}}
	for i, n := range threeNights {
		writeFile(t, filepath.Join(dir, "snapshots", "adatum.yaml"), n.adatum(adatumSrc))
		writeFile(t, filepath.Join(dir, "snapshots", "tailspin.yaml"), n.tailspin(tailspinSrc))
		res := runCLI(t, "", args...)
		if res.code != wantCodes[i] {
			t.Fatalf("night %d: exit %d, want %d\n%s", i+1, res.code, wantCodes[i], res.stderr)
		}
		f, err := os.Open(filepath.Join(dir, "reports", "latest.json"))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := report.Read(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		d := rep.Summary.Drift
		if d == nil || d.New != wantDrift[i].New || d.Unchanged != wantDrift[i].Unchanged || d.Resolved != wantDrift[i].Resolved {
			t.Errorf("night %d: drift %+v, want new %d unchanged %d resolved %d", i+1, d, wantDrift[i].New, wantDrift[i].Unchanged, wantDrift[i].Resolved)
		}
		for _, tn := range rep.Tenants {
			for _, c := range tn.Controls {
				for _, f := range c.Findings {
					if i == 2 && f.Drift != report.DriftUnchanged {
						t.Errorf("night 3: %s %s %s is %q, want unchanged (the history kept it through the bad night)", tn.TenantID, c.ID, f.Resource.ID, f.Drift)
					}
				}
			}
		}
	}
	res := runCLI(t, "", "history", "runs", "--history", filepath.Join(dir, "history.db"), "--format", "json")
	var runs []json.RawMessage
	if err := json.Unmarshal([]byte(res.stdout), &runs); res.code != 0 || err != nil || len(runs) != 3 {
		t.Errorf("history runs: exit %d, %d runs (%v), want 3\n%s%s", res.code, len(runs), err, res.stdout, res.stderr)
	}
}
