package snapshot

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/internal/synthetic"
)

func TestLoadFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		tenantID string
		// wantErrs are substrings the error must contain; none means the
		// snapshot must load.
		wantErrs []string
	}{
		{file: "contoso-compliant.yaml", tenantID: "7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11"},
		{file: "fabrikam-prerequisites.yaml", tenantID: "3f6a1c52-9d0e-4b7a-8c21-5e4d3b2a1f00"},
		{file: "northwind-ready.json", tenantID: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"},
		{file: "broken/bad-yaml.yaml", wantErrs: []string{
			"../fixtures/broken/bad-yaml.yaml:8: invalid YAML: did not find expected '-' indicator",
		}},
		{file: "broken/wrong-type.json", tenantID: "22222222-3333-4444-8555-666666666666", wantErrs: []string{
			"../fixtures/broken/wrong-type.json:8:71: /users/0/accountEnabled: got string, want boolean",
			"../fixtures/broken/wrong-type.json:11:34: /dynamics/0/deployment: value must be one of 'online', 'onpremises'",
		}},
		{file: "broken/dangling-reference.yaml", tenantID: "33333333-4444-4555-8666-777777777777", wantErrs: []string{
			`dangling-reference.yaml:17:17: /groups/0/connector/instance: connector instance "dangling-sale" names no Dynamics instance (/dynamics has: dangling-sales)`,
			`dangling-reference.yaml:31:17: /dynamics/0/users/0/roles/0: role "Sales Person" is not a security role of instance "dangling-sales" (/dynamics/0/securityRoles has: Salesperson)`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("..", "fixtures", tc.file)
			snap, err := Load(Source{Name: path}, nil, DefaultLimits())
			if len(tc.wantErrs) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if snap.TenantID != tc.tenantID {
					t.Errorf("tenant id = %q, want %q", snap.TenantID, tc.tenantID)
				}
				return
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error = %v (%T), want a *LoadError", err, err)
			}
			if le.TenantID != tc.tenantID {
				t.Errorf("tenant id in error = %q, want %q", le.TenantID, tc.tenantID)
			}
			for _, want := range tc.wantErrs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error\n  %s\nlacks\n  %s", err, want)
				}
			}
			if len(le.Problems) != len(tc.wantErrs) {
				t.Errorf("%d problems, want %d: %v", len(le.Problems), len(tc.wantErrs), err)
			}
		})
	}
}

// valid is a minimal valid snapshot; tests patch it.
const valid = synthetic.Minimal

func TestLoadValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		wantErr string
	}{
		{name: "minimal snapshot loads", src: valid},
		{name: "unknown fields are allowed", src: valid + "custom: {anything: [1, 2]}\nusers: [{userPrincipalName: a@b.c, extra: true}]\n"},
		{name: "wrong apiVersion", src: strings.Replace(valid, "tenantscan/v1", "tenantscan/v2", 1), wantErr: "1:13: /apiVersion: value must be 'tenantscan/v1'"},
		{name: "missing kind", src: strings.Replace(valid, "kind: TenantSnapshot\n", "", 1), wantErr: "missing property 'kind'"},
		{name: "bad exportedAt", src: strings.Replace(valid, "2026-11-20T08:00:00Z", "yesterday", 1), wantErr: "/exportedAt: 'yesterday' is not valid date-time"},
		{name: "tenant id not a GUID", src: strings.Replace(valid, "7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11", "contoso", 1), wantErr: `/tenant/id: tenant id "contoso" is not a GUID`},
		{name: "enumerations are case-sensitive", src: valid + "users: [{userPrincipalName: a@b.c, userType: guest}]\n", wantErr: "/users/0/userType: value must be one of 'Member', 'Guest'"},
		{name: "unquoted version is a number", src: valid + "dynamics: [{name: a, version: 7.1}]\n", wantErr: `/dynamics/0/version: got number, want a string such as "9.2.24101.191"`},
		{name: "version with five parts", src: valid + "dynamics: [{name: a, version: \"9.2.1.1.1\"}]\n", wantErr: `version "9.2.1.1.1" is not 1 to 4 dot-separated numbers`},
		{name: "version with letters", src: valid + "dynamics: [{name: a, version: \"9.2-beta\"}]\n", wantErr: `version "9.2-beta" is not 1 to 4`},
		{name: "list of the wrong type", src: valid + "users: {a: 1}\n", wantErr: "/users: got object, want array"},
		{name: "duplicate instance names", src: valid + "dynamics: [{name: a}, {name: a}]\n", wantErr: `/dynamics/1/name: instance name "a" is already used by /dynamics/0`},
		{name: "duplicate user principal names ignore case", src: valid + "users: [{userPrincipalName: A@b.c}, {userPrincipalName: a@B.c}]\n", wantErr: `/users/1/userPrincipalName: userPrincipalName "a@B.c" is already used by /users/0`},
		{name: "connector without instances", src: valid + "groups: [{displayName: g, connector: {instance: x}}]\n", wantErr: `connector instance "x" names no Dynamics instance (no instances are defined)`},
		{name: "roles not exported are not checked", src: valid + "dynamics: [{name: a, users: [{userPrincipalName: u, roles: [r]}]}]\n"},
		{name: "not an object", src: "- a\n- b\n", wantErr: "got array, want object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "snap.yaml")
			if err := os.WriteFile(path, []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(Source{Name: path}, nil, DefaultLimits())
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tc.wantErr)
			}
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

func TestLoadLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(path, []byte(valid+strings.Repeat("# padding\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	lim := DefaultLimits()
	lim.MaxBytes = 200
	_, err := Load(Source{Name: path}, nil, lim)
	if err == nil || !strings.Contains(err.Error(), "over the limit of 200 bytes") {
		t.Fatalf("error = %v, want the size limit", err)
	}
	_, err = Load(Source{Name: StdinName}, strings.NewReader(valid+strings.Repeat("# padding\n", 100)), lim)
	if err == nil || !strings.Contains(err.Error(), "-: the snapshot is over the limit of 200 bytes") {
		t.Fatalf("stdin error = %v, want the size limit", err)
	}
}

func TestLoadStdin(t *testing.T) {
	t.Parallel()
	snap, err := Load(Source{Name: StdinName}, strings.NewReader(valid), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if snap.Source != "-" || snap.TenantID != "7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11" {
		t.Errorf("got source %q tenant %q", snap.Source, snap.TenantID)
	}
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"b.yaml", "a.json", "sub/c.yml", "sub/deeper/d.YAML", "notes.txt", ".hidden/e.yaml", ".f.yaml"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "missing.yaml")
	got := Discover([]string{dir, filepath.Join(dir, "b.yaml"), "-", missing})
	var names []string
	for _, s := range got {
		names = append(names, strings.TrimPrefix(s.Name, dir+"/"))
	}
	want := []string{"a.json", "b.yaml", "sub/c.yml", "sub/deeper/d.YAML", "-", "missing.yaml"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Discover = %q\nwant %q", names, want)
	}
	if last := got[len(got)-1]; last.Err == nil {
		t.Error("a missing path must carry its error")
	}
	_, err := Load(got[len(got)-1], nil, DefaultLimits())
	if err == nil || !strings.Contains(err.Error(), missing+": stat: no such file or directory") {
		t.Errorf("Load of a missing path: %v", err)
	}
}
