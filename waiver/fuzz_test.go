package waiver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadWaivers feeds arbitrary waiver files to the parser: an error
// names the file, a success has every required field.
func FuzzLoadWaivers(f *testing.F) {
	f.Add([]byte("waivers:\n  - control: O365G-004\n    reason: r\n    owner: o\n    expires: 2027-01-31\n"))
	f.Add([]byte("waivers: []\n"))
	f.Add([]byte("waivers:\n  - {control: [a], reason: &x r, owner: *x}\n"))
	f.Add([]byte("- a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "w.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ws, err := LoadWaivers(path, nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, w := range ws {
			if w.Control == "" || w.Reason == "" || w.Owner == "" || w.Expires == "" {
				t.Fatalf("incomplete waiver accepted: %+v", w)
			}
		}
	})
}
