package format_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tenantscan/tenantscan/internal/testscan"
	"github.com/tenantscan/tenantscan/report/format"
)

// TestEveryFormatWrites writes a scan of the fixtures in every registered
// format: each writes something, a text format writes UTF-8 and a binary
// one does not pass for text.
func TestEveryFormatWrites(t *testing.T) {
	t.Parallel()
	rep := testscan.Scan(t, "fixtures/contoso-compliant.yaml", "fixtures/litware-licensing.yaml")
	for _, f := range format.All() {
		t.Run(f.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.New(format.Options{TmpDir: t.TempDir()}).Write(&buf, rep); err != nil {
				t.Fatal(err)
			}
			if buf.Len() == 0 {
				t.Fatal("nothing written")
			}
			if utf8.Valid(buf.Bytes()) == f.Binary {
				t.Errorf("Binary is %v, but the output is valid UTF-8: %v", f.Binary, !f.Binary)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for _, name := range format.Names() {
		if f, err := format.Lookup(name); err != nil || f.Name != name {
			t.Errorf("Lookup(%q) = %q, %v", name, f.Name, err)
		}
	}
	if _, err := format.Lookup("pdf"); err == nil || !strings.Contains(err.Error(), `"pdf"`) {
		t.Errorf("Lookup(pdf) = %v, want an error naming it", err)
	}
	if _, err := format.Lookup(format.Default); err != nil {
		t.Errorf("the default format %q is not registered", format.Default)
	}
}
