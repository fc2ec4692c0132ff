package main

import (
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestImportPrintsLeftOut: import writes the snapshot on standard output
// and, beside it on standard error, the records it left out and why.
func TestImportPrintsLeftOut(t *testing.T) {
	t.Parallel()
	r := runCLI(t, "", "import", filepath.Join(fixtures, "export-contoso"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"tenantscan import: 5 record(s) left out of the snapshot:",
		"  dataverse/contoso-sales/systemusers.json:/value/4: crmoln@microsoft.com: Support User (accessmode 3)",
		"  dataverse/contoso-sales/systemusers.json:/value/5: app-5a5b5c5d@contoso.onmicrosoft.com: application user",
		"  dataverse/contoso-sales/systemusers.json:/value/3: SYSTEM: no principal name",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	exp := doc["exporter"].(map[string]any)
	if left := exp["leftOut"].([]any); len(left) != 5 || strings.Contains(r.stdout, "crmoln@microsoft.com\n") {
		t.Errorf("exporter.leftOut = %v", left)
	}
	if facts, _ := exp["facts"].([]any); len(facts) == 0 {
		t.Error("exporter.facts is empty")
	}
}
