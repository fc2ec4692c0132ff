package policy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/policies"
	"github.com/tenantscan/tenantscan/snapshot"
)

// TestBuiltInDataMatchesItsSchema: the schema describes every key of the
// built-in data, so a key added there must be added to the schema.
func TestBuiltInDataMatchesItsSchema(t *testing.T) {
	t.Parallel()
	s, err := compileDataSchema(nil)
	if err != nil {
		t.Fatal(err)
	}
	src, err := policies.FS.ReadFile(policies.DataFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := snapshot.DecodeJSON(src, snapshot.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if err := checkData(s, policies.DataFile, src, doc, nil); err != nil {
		t.Errorf("the built-in data does not match dataschema.json:\n%v", err)
	}
}

// TestDataFilesAreValidated: a --data file with a wrong type or an unknown
// key is refused with its file and line; a key a user policy folder
// declares is accepted.
func TestDataFilesAreValidated(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	declared := filepath.Join(dir, "controls")
	if err := os.Mkdir(declared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(declared, DataSchemaFile), []byte(`{"properties": {"contoso": {"type": "object", "properties": {"limit": {"type": "integer"}}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, data string
		dirs             []string
		want             string // "" for valid
	}{
		{"a valid override", "ok.yaml", "tenantscan:\n  autoCreateMonthlyThreshold: 200\n  skus:\n    MY_BUNDLE: {product: Mine, e3OrLater: true, e5: false, servicePlans: [EXCHANGE_S_ENTERPRISE]}\n", nil, ""},
		{"a number as a string", "quoted.yaml", "tenantscan:\n  autoCreateMonthlyThreshold: \"500\"\n",
			nil, `quoted.yaml:2:31: /tenantscan/autoCreateMonthlyThreshold: got string, want integer`},
		{"a number for the SKU table", "skus.json", "{\n  \"tenantscan\": {\n    \"skus\": 5\n  }\n}\n",
			nil, `skus.json:3:13: /tenantscan/skus: got number, want object`},
		{"a misspelt key", "typo.yaml", "tenantscan:\n  connector:\n    maxConectedRecords: 3\n",
			nil, `typo.yaml:3:5: /tenantscan/connector: additional properties 'maxConectedRecords' not allowed`},
		{"a key of one's own, undeclared", "own.yaml", "contoso:\n  limit: 3\n", nil, `own.yaml:1:1: additional properties 'contoso' not allowed`},
		{"a key of one's own, declared", "own.yaml", "contoso:\n  limit: 3\n", []string{declared}, ""},
		{"a declared key, wrong type", "own.yaml", "contoso:\n  limit: three\n", []string{declared}, `own.yaml:2:10: /contoso/limit: got string, want integer`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := loadData([]string{path}, tc.dirs)
			if tc.want == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "policy data "+filepath.Dir(path)+"/"+tc.want) {
				t.Errorf("error = %v\nwant %q", err, tc.want)
			}
		})
	}
	// The engine refuses the file before compiling anything.
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("tenantscan:\n  minimumVersion: 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewEngine(context.Background(), EngineOptions{DataFiles: []string{bad}}); err == nil || !strings.Contains(err.Error(), "bad.yaml:2:19: /tenantscan/minimumVersion") {
		t.Errorf("NewEngine: %v", err)
	}
}
