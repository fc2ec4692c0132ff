package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
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
		if e.ValueFrom.FieldRef.FieldPath == "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
			if spec.CompletionMode != "Indexed" {
				t.Fatalf("%s: the completion index of a Job that is not Indexed", file)
			}
			val = itoa(index)
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

// readReport returns the tenants and drift of a JSON report in the image.
func (c *cluster) readReport(t *testing.T, path string) (tenants int, newFindings, unchanged int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.f.rootfs, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Tenants []json.RawMessage `json:"tenants"`
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
	return len(rep.Tenants), newFindings, unchanged
}

// TestKubernetesExamples runs the Kubernetes examples as written, with the
// image, on fixtures: the first scan, two nights of the CronJob (the
// second with a new failing tenant), the four shards and their merge.
func TestKubernetesExamples(t *testing.T) {
	f := buildImage(t)
	if os.Geteuid() != 0 {
		t.Skip("running the image's binary as its user in its file system (chroot) needs root")
	}
	c := &cluster{f: f, configMaps: map[string]map[string]string{}}
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
	for _, name := range []string{"contoso-compliant.yaml", "litware-licensing.yaml", "northwind-ready.json", "fabrikam-prerequisites.yaml"} {
		copyFixture(t, filepath.Join(repoRoot, "fixtures", name), filepath.Join(f.rootfs, "snapshots", name))
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

	expect := func(file string, index, want int) {
		t.Helper()
		out, code := c.runJob(t, file, jobs[file], index)
		if code != want {
			t.Fatalf("%s: exit %d, want %d\n%s", file, code, want, out)
		}
	}
	// The first scan: no baseline, failures at high give 1.
	expect("kubernetes/first-scan-job.yaml", 0, 1)
	if n, _, _ := c.readReport(t, "/reports/latest.json"); n != 4 {
		t.Errorf("first scan: %d tenants in latest.json, want 4", n)
	}
	// The first night: nothing new.
	expect("kubernetes-cronjob.yaml", 0, 0)
	n, newF, unchanged := c.readReport(t, "/reports/latest.json")
	if n != 4 || newF != 0 || unchanged == 0 {
		t.Errorf("first night: %d tenants, %d new, %d unchanged; want 4, 0 and some", n, newF, unchanged)
	}
	for _, name := range []string{"audit.xlsx", "report.html", "tenantscan.prom"} {
		if _, err := os.Stat(filepath.Join(reports, name)); err != nil {
			t.Errorf("first night: %v", err)
		}
	}
	// The second night: a new tenant with failures; last night's report
	// was the baseline, this one replaces it.
	copyFixture(t, filepath.Join(repoRoot, "fixtures", "adatum-permissions.yaml"), filepath.Join(f.rootfs, "snapshots", "adatum-permissions.yaml"))
	expect("kubernetes-cronjob.yaml", 0, 1)
	if n, newF, _ := c.readReport(t, "/reports/latest.json"); n != 5 || newF == 0 {
		t.Errorf("second night: %d tenants, %d new; want 5 and some", n, newF)
	}

	// The shards, then the merge: every tenant once.
	for i := range jobs["kubernetes/sharded-job.yaml"].Spec.Completions {
		expect("kubernetes/sharded-job.yaml", i, 0)
	}
	expect("kubernetes/merge-job.yaml", 0, 0)
	if n, _, _ := c.readReport(t, "/reports/report.json"); n != 5 {
		t.Errorf("merged report: %d tenants, want 5", n)
	}
	if _, err := os.Stat(filepath.Join(reports, "audit.xlsx")); err != nil {
		t.Error(err)
	}
}
