package history

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/tenantscan/tenantscan/report"
)

// TestPipeline: the writer gets every tenant in order; its error stops
// the reader (which reads no further) and is the result; a reader's error
// is the result when the writer had none.
func TestPipeline(t *testing.T) {
	t.Parallel()
	errWrite, errRead := errors.New("write failed"), errors.New("read failed")
	for _, tc := range []struct {
		name      string
		failWrite int // the tenant whose write fails, -1 none
		failRead  int // the tenant whose read fails, -1 none
		want      error
		written   []string
		maxRead   int // tenants the reader may have given
	}{
		{"all", -1, -1, nil, []string{"t0", "t1", "t2", "t3", "t4"}, 5},
		{"write fails", 1, -1, errWrite, []string{"t0"}, 3},
		{"read fails", -1, 2, errRead, []string{"t0", "t1"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			read := 0
			each := func(fn func(*report.Tenant) error) error {
				for i := range 5 {
					if i == tc.failRead {
						return errRead
					}
					read++
					if err := fn(&report.Tenant{TenantID: fmt.Sprintf("t%d", i)}); err != nil {
						return err
					}
				}
				return nil
			}
			var written []string
			err := pipeline(each, func(tn *report.Tenant) error {
				if len(written) == tc.failWrite {
					return errWrite
				}
				written = append(written, tn.TenantID)
				return nil
			})
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if !slices.Equal(written, tc.written) {
				t.Errorf("wrote %v, want %v", written, tc.written)
			}
			if read > tc.maxRead {
				t.Errorf("the reader went on to %d tenants after the writer stopped (at most %d)", read, tc.maxRead)
			}
		})
	}
}
