package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/internal/dbtest"
)

// The parts of a Kubernetes manifest the examples use.
type k8sDoc struct {
	Kind     string                `yaml:"kind"`
	Metadata struct{ Name string } `yaml:"metadata"`
	Data     map[string]string     `yaml:"data"`
	Spec     struct {
		JobTemplate struct {
			Spec jobSpec `yaml:"spec"`
		} `yaml:"jobTemplate"`
		jobSpec `yaml:",inline"`
	} `yaml:"spec"`
}

type jobSpec struct {
	CompletionMode string `yaml:"completionMode"`
	Completions    int    `yaml:"completions"`
	Template       struct {
		Spec podSpec `yaml:"spec"`
	} `yaml:"template"`
}

type podSpec struct {
	SecurityContext struct {
		RunAsNonRoot bool `yaml:"runAsNonRoot"`
		RunAsUser    int  `yaml:"runAsUser"`
		FSGroup      int  `yaml:"fsGroup"`
	} `yaml:"securityContext"`
	Containers []struct {
		Image   string   `yaml:"image"`
		Command []string `yaml:"command"`
		Args    []string `yaml:"args"`
		Env     []struct {
			Name      string `yaml:"name"`
			Value     string `yaml:"value"`
			ValueFrom struct {
				FieldRef struct {
					FieldPath string `yaml:"fieldPath"`
				} `yaml:"fieldRef"`
				SecretKeyRef struct {
					Name string `yaml:"name"`
					Key  string `yaml:"key"`
				} `yaml:"secretKeyRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		Resources struct {
			Limits map[string]string `yaml:"limits"`
		} `yaml:"resources"`
		SecurityContext struct {
			ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
			AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		} `yaml:"securityContext"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
	} `yaml:"containers"`
	Volumes []struct {
		Name      string `yaml:"name"`
		ConfigMap struct {
			Name string `yaml:"name"`
		} `yaml:"configMap"`
		PVC struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
		EmptyDir *struct{} `yaml:"emptyDir"`
	} `yaml:"volumes"`
}

func readManifest(t *testing.T, path string) []k8sDoc {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "examples", path))
	if err != nil {
		t.Fatal(err)
	}
	var docs []k8sDoc
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var d k8sDoc
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			return docs
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		docs = append(docs, d)
	}
}

// cluster stands for the volumes of the examples: each claim and
// ConfigMap is a folder in the image's file system, mounted where the pod
// mounts it (here: the same path, since every example mounts a claim at
// one path), as a runtime would.
type cluster struct {
	f          imageFixture
	configMaps map[string]map[string]string
	secrets    map[string]map[string]string
	// jobUID is the uid of the Job whose pods run: the controller gives
	// it to them as the label batch.kubernetes.io/controller-uid.
	jobUID string
}

var k8sVar = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// runJob runs the pod of a Job or CronJob as Kubernetes would with the
// image: its args after the entrypoint, $(VAR) from its env, the
// completion index for an Indexed Job, its volumes laid out. It checks
// the security settings the image needs, and returns the exit code.
func (c *cluster) runJob(t *testing.T, file string, d k8sDoc, index int) (string, int) {
	t.Helper()
	spec := d.Spec.jobSpec
	if d.Kind == "CronJob" {
		spec = d.Spec.JobTemplate.Spec
	}
	pod := spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("%s: %d containers, want 1", file, len(pod.Containers))
	}
	ctr := pod.Containers[0]
	if len(ctr.Command) > 0 {
		t.Errorf("%s: command %q replaces the image's entrypoint (the image has no shell)", file, ctr.Command)
	}
	if !pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser != uid || pod.SecurityContext.FSGroup != uid {
		t.Errorf("%s: want runAsNonRoot, runAsUser and fsGroup %d (the image's user)", file, uid)
	}
	if !ctr.SecurityContext.ReadOnlyRootFilesystem || ctr.SecurityContext.AllowPrivilegeEscalation == nil || *ctr.SecurityContext.AllowPrivilegeEscalation {
		t.Errorf("%s: want readOnlyRootFilesystem and no privilege escalation", file)
	}
	if ctr.Resources.Limits["cpu"] == "" || ctr.Resources.Limits["memory"] == "" {
		t.Errorf("%s: want CPU and memory limits (the CPU limit sets the workers)", file)
	}
	if !strings.Contains(ctr.Image, "tenantscan") {
		t.Errorf("%s: image %q", file, ctr.Image)
	}

	volumes := map[string]int{}
	for i, v := range pod.Volumes {
		volumes[v.Name] = i
	}
	mountedTmp := false
	for _, m := range ctr.VolumeMounts {
		i, ok := volumes[m.Name]
		if !ok {
			t.Fatalf("%s: volume %s is mounted but not declared", file, m.Name)
		}
		v := pod.Volumes[i]
		dir := filepath.Join(c.f.rootfs, filepath.FromSlash(m.MountPath))
		switch {
		case v.ConfigMap.Name != "":
			data, ok := c.configMaps[v.ConfigMap.Name]
			if !ok {
				t.Fatalf("%s: ConfigMap %s is in no example", file, v.ConfigMap.Name)
			}
			_ = os.RemoveAll(dir)
			for name, content := range data {
				writeFile(t, filepath.Join(dir, name), content, 0)
			}
		case v.PVC.ClaimName != "":
			if _, err := os.Stat(dir); err != nil {
				t.Fatalf("%s: claim %s: no such volume in this test", file, v.PVC.ClaimName)
			}
		case v.EmptyDir != nil:
			mountedTmp = mountedTmp || m.MountPath == "/tmp"
		}
	}
	if !mountedTmp {
		t.Errorf("%s: no emptyDir on /tmp: with a read-only root file system the spool has nowhere to go", file)
	}

	env := map[string]string{}
	var envList []string
	for _, e := range ctr.Env {
		val := e.Value
		switch path, ref := e.ValueFrom.FieldRef.FieldPath, e.ValueFrom.SecretKeyRef; {
		case path == "metadata.annotations['batch.kubernetes.io/job-completion-index']":
			if spec.CompletionMode != "Indexed" {
				t.Fatalf("%s: the completion index of a Job that is not Indexed", file)
			}
			val = itoa(index)
		case path == "metadata.labels['batch.kubernetes.io/controller-uid']":
			if c.jobUID == "" {
				t.Fatalf("%s: the Job's uid, but the test gave none", file)
			}
			val = c.jobUID
		case path != "":
			t.Fatalf("%s: env %s from %s, which this test does not stand for", file, e.Name, path)
		case ref.Name != "":
			v, ok := c.secrets[ref.Name][ref.Key]
			if !ok {
				t.Fatalf("%s: env %s from secret %s key %s, which the test has not", file, e.Name, ref.Name, ref.Key)
			}
			val = v
		}
		env[e.Name] = val
		envList = append(envList, e.Name+"="+val)
	}
	args := make([]string, len(ctr.Args))
	for i, a := range ctr.Args {
		args[i] = k8sVar.ReplaceAllStringFunc(a, func(m string) string {
			if v, ok := env[m[2:len(m)-1]]; ok {
				return v
			}
			return m // Kubernetes leaves an unknown reference as it is
		})
	}
	return c.f.run(t, envList, args...)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func writeFile(t *testing.T, path, content string, owner int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if owner != 0 {
		if err := os.Chown(path, owner, owner); err != nil {
			t.Fatal(err)
		}
	}
}

// finding is a finding of a JSON report, as the Kubernetes test reads it.
type finding struct{ tenant, control, resource, drift string }

// readReport returns the tenants, the drift summary and the findings of a
// JSON report in the image.
func (c *cluster) readReport(t *testing.T, path string) (tenants int, newFindings, unchanged int, findings []finding) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.f.rootfs, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Tenants []struct {
			TenantID string `json:"tenantId"`
			Controls []struct {
				ID       string `json:"id"`
				Findings []struct {
					Resource struct{ ID string } `json:"resource"`
					Drift    string              `json:"drift"`
				} `json:"findings"`
			} `json:"controls"`
		} `json:"tenants"`
		Summary struct {
			Drift *struct {
				New       int `json:"new"`
				Unchanged int `json:"unchanged"`
			} `json:"drift"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if rep.Summary.Drift != nil {
		newFindings, unchanged = rep.Summary.Drift.New, rep.Summary.Drift.Unchanged
	}
	for _, tn := range rep.Tenants {
		for _, ctl := range tn.Controls {
			for _, f := range ctl.Findings {
				findings = append(findings, finding{tn.TenantID, ctl.ID, f.Resource.ID, f.Drift})
			}
		}
	}
	return len(rep.Tenants), newFindings, unchanged, findings
}

// brokenLitware is litware-licensing.yaml with a wrong type: the tenant is
// known, and in error.
func brokenLitware(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "fixtures", "litware-licensing.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(string(data), "accountEnabled: true", `accountEnabled: "yes"`, 1)
}

const litwareID = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"

// TestKubernetesExamples runs the Kubernetes examples as written, with the
// image, on fixtures: the optional first scan and three nights of the
// CronJob against its SQLite history (Litware in error the second night,
// Litware back and a new failing tenant the third: only the new tenant's
// findings are new), then three runs of the sharded Job against one
// PostgreSQL history (skipped without $TENANTSCAN_TEST_POSTGRES), each
// merged.
func TestKubernetesExamples(t *testing.T) {
	f := buildImage(t)
	if os.Geteuid() != 0 {
		t.Skip("running the image's binary as its user in its file system (chroot) needs root")
	}
	c := &cluster{f: f, configMaps: map[string]map[string]string{}, secrets: map[string]map[string]string{}}
	jobs := map[string]k8sDoc{}
	for _, file := range []string{"kubernetes-cronjob.yaml", "kubernetes/first-scan-job.yaml", "kubernetes/sharded-job.yaml", "kubernetes/merge-job.yaml"} {
		for _, d := range readManifest(t, file) {
			switch d.Kind {
			case "ConfigMap":
				c.configMaps[d.Metadata.Name] = d.Data
			case "Job", "CronJob":
				jobs[file] = d
			default:
				t.Errorf("%s: unexpected kind %q", file, d.Kind)
			}
		}
	}
	// The claims: the snapshots (root's, read-only for the pod) and the
	// reports (the pod's through fsGroup).
	snapshots := filepath.Join(f.rootfs, "snapshots")
	for _, name := range []string{"contoso-compliant.yaml", "litware-licensing.yaml", "northwind-ready.json", "fabrikam-prerequisites.yaml"} {
		copyFixture(t, filepath.Join(repoRoot, "fixtures", name), filepath.Join(snapshots, name))
	}
	reports := filepath.Join(f.rootfs, "reports")
	if err := os.Mkdir(reports, 0o775); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(reports, 0, uid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(reports, 0o775|os.ModeSetgid); err != nil { // as fsGroup does
		t.Fatal(err)
	}

	run := func(t *testing.T, file string, index int) (string, int) {
		t.Helper()
		return c.runJob(t, file, jobs[file], index)
	}
	expect := func(t *testing.T, file string, index, want int) {
		t.Helper()
		if out, code := run(t, file, index); code != want {
			t.Fatalf("%s: exit %d, want %d\n%s", file, code, want, out)
		}
	}
	// The first scan: no baseline, failures at high give 1; it records
	// the history's first run.
	expect(t, "kubernetes/first-scan-job.yaml", 0, 1)
	n, _, _, first := c.readReport(t, "/reports/latest.json")
	if n != 4 || len(first) == 0 {
		t.Fatalf("first scan: %d tenants, %d findings in latest.json, want 4 and some", n, len(first))
	}
	if _, err := os.Stat(filepath.Join(reports, "history.db")); err != nil {
		t.Fatalf("first scan: no history on the reports volume: %v", err)
	}
	// The first night: against the history, nothing new.
	expect(t, "kubernetes-cronjob.yaml", 0, 0)
	n, newF, unchanged, _ := c.readReport(t, "/reports/latest.json")
	if n != 4 || newF != 0 || unchanged != len(first) {
		t.Errorf("first night: %d tenants, %d new, %d unchanged; want 4, 0 and %d", n, newF, unchanged, len(first))
	}
	for _, name := range []string{"audit.xlsx", "report.html", "tenantscan.prom"} {
		if _, err := os.Stat(filepath.Join(reports, name)); err != nil {
			t.Errorf("first night: %v", err)
		}
	}
	// The second night: Litware's export is broken (exit 2).
	writeFile(t, filepath.Join(snapshots, "litware-licensing.yaml"), brokenLitware(t), 0)
	expect(t, "kubernetes-cronjob.yaml", 0, 2)
	if n, newF, _, _ := c.readReport(t, "/reports/latest.json"); n != 4 || newF != 0 {
		t.Errorf("second night: %d tenants, %d new; want 4 and 0", n, newF)
	}
	// The third night: Litware is repaired, and a new tenant has failures.
	// Only Adatum's findings are new: Litware's are compared with its last
	// good night, the first.
	copyFixture(t, filepath.Join(repoRoot, "fixtures", "litware-licensing.yaml"), filepath.Join(snapshots, "litware-licensing.yaml"))
	copyFixture(t, filepath.Join(repoRoot, "fixtures", "adatum-permissions.yaml"), filepath.Join(snapshots, "adatum-permissions.yaml"))
	expect(t, "kubernetes-cronjob.yaml", 0, 1)
	n, newF, unchanged, third := c.readReport(t, "/reports/latest.json")
	litware, adatum := 0, 0
	for _, f := range third {
		isNew := !slices.Contains(first, finding{f.tenant, f.control, f.resource, ""})
		switch {
		case isNew && f.drift != "new", !isNew && f.drift != "unchanged":
			t.Errorf("third night: %s %s %s is %q", f.tenant, f.control, f.resource, f.drift)
		case f.tenant == litwareID:
			litware++
		case isNew:
			adatum++
		}
	}
	if n != 5 || newF != adatum || adatum == 0 || litware == 0 || unchanged != len(first) {
		t.Errorf("third night: %d tenants, %d new (%d Adatum's), %d unchanged, %d Litware's; want 5, Adatum's, %d and some", n, newF, adatum, unchanged, litware, len(first))
	}

	// The shards, then the merge, against one PostgreSQL history: each
	// Job (its own uid) records one run of four shards.
	t.Run("sharded", func(t *testing.T) {
		url := dbtest.URL(t, "postgres")
		c.secrets["tenantscan-history"] = map[string]string{"url": url}
		shards := jobs["kubernetes/sharded-job.yaml"].Spec.Completions
		runJob := func(uid string) (errors int) {
			c.jobUID = uid
			for i := range shards {
				out, code := run(t, "kubernetes/sharded-job.yaml", i)
				switch code {
				case 0:
				case 2:
					errors++
				default:
					t.Fatalf("%s shard %d: exit %d\n%s", uid, i, code, out)
				}
			}
			return errors
		}
		// Run 1, an empty history: every finding is new.
		if e := runJob("job-uid-1"); e != 0 {
			t.Fatalf("run 1: %d shards in error", e)
		}
		expect(t, "kubernetes/merge-job.yaml", 0, 0)
		n, newF, _, merged := c.readReport(t, "/reports/report.json")
		if n != 5 || newF != len(merged) || newF == 0 {
			t.Errorf("run 1 merged: %d tenants, %d new of %d findings; want 5, all", n, newF, len(merged))
		}
		// Run 2: Litware in error in its shard; nothing new elsewhere.
		writeFile(t, filepath.Join(snapshots, "litware-licensing.yaml"), brokenLitware(t), 0)
		if e := runJob("job-uid-2"); e != 1 {
			t.Errorf("run 2: %d shards in error, want 1 (Litware's)", e)
		}
		// Run 3: Litware repaired: nothing new.
		copyFixture(t, filepath.Join(repoRoot, "fixtures", "litware-licensing.yaml"), filepath.Join(snapshots, "litware-licensing.yaml"))
		if e := runJob("job-uid-3"); e != 0 {
			t.Fatalf("run 3: %d shards in error", e)
		}
		expect(t, "kubernetes/merge-job.yaml", 0, 0)
		if n, newF, unchanged, _ := c.readReport(t, "/reports/report.json"); n != 5 || newF != 0 || unchanged != len(merged) {
			t.Errorf("run 3 merged: %d tenants, %d new, %d unchanged; want 5, 0, %d", n, newF, unchanged, len(merged))
		}
		// The history: three runs, four shards each, every tenant.
		out, code := c.f.run(t, nil, "history", "runs", "--history", url, "--format", "json")
		var runs []struct {
			RunID   string `json:"runId"`
			Shards  int    `json:"shards"`
			Tenants int    `json:"tenants"`
			Errors  int    `json:"errors"`
		}
		if err := json.Unmarshal([]byte(out), &runs); code != 0 || err != nil {
			t.Fatalf("history runs: exit %d, %v\n%s", code, err, out)
		}
		var got []string
		for _, r := range runs {
			got = append(got, fmt.Sprintf("%s %d shards %d tenants %d errors", r.RunID, r.Shards, r.Tenants, r.Errors))
		}
		slices.Sort(got)
		want := []string{"job-uid-1 4 shards 5 tenants 0 errors", "job-uid-2 4 shards 5 tenants 1 errors", "job-uid-3 4 shards 5 tenants 0 errors"}
		if !slices.Equal(got, want) {
			t.Errorf("history runs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	if _, err := os.Stat(filepath.Join(reports, "audit.xlsx")); err != nil {
		t.Error(err)
	}
}
