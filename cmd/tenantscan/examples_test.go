package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"

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
