package policy

import (
	"github.com/tenantscan/tenantscan/internal/golden"

	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/format"
)

// TestRegoFormatted checks that every built-in policy is formatted as
// `opa fmt` would; go test ./scanner -run TestRegoFormatted -update
// rewrites them.
func TestRegoFormatted(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "policies")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".rego" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := format.Source(path, src)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		if string(got) == string(src) {
			return nil
		}
		if golden.Updating() {
			return os.WriteFile(path, got, 0o644)
		}
		t.Errorf("%s is not formatted as opa fmt would (go test ./scanner -run TestRegoFormatted -update)", path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
