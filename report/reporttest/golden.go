package reporttest

import (
	"path/filepath"
	"testing"

	"github.com/tenantscan/tenantscan/internal/golden"
	"github.com/tenantscan/tenantscan/report"
)

// Golden is one golden file of a writer: what Writer makes of Report must
// be, byte for byte, testdata/File.
type Golden struct {
	Writer report.Writer
	Report func() *report.Report
	File   string
}

// CompareGoldens renders each case in a parallel subtest named after its
// file and compares it with the file (go test -update rewrites them).
func CompareGoldens(t *testing.T, cases []Golden) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.File, func(t *testing.T) {
			t.Parallel()
			got, err := report.Render(tc.Writer, tc.Report())
			if err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join("testdata", tc.File), got)
		})
	}
}
