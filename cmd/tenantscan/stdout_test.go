package main

import (
	"io"
	"runtime"
	"testing"

	"github.com/tenantscan/tenantscan/report"
)

// bigWriter writes size bytes in small chunks from one buffer.
type bigWriter struct{ size int }

func (b bigWriter) Write(w io.Writer, _ *report.Report) error {
	chunk := make([]byte, 64<<10)
	for n := 0; n < b.size; n += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return err
		}
	}
	return nil
}

// TestStdoutReportStreams: the report for standard output goes through a
// temporary file, not memory: writing 64 MB allocates a small fraction of
// it, and the file holds every byte.
func TestStdoutReportStreams(t *testing.T) {
	const size = 64 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := renderToTemp(bigWriter{size}, &report.Report{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > size/8 {
		t.Errorf("rendering %d MB for standard output allocated %d MB: it is held in memory", size>>20, grew>>20)
	}
	if info, err := f.Stat(); err != nil || info.Size() != size {
		t.Errorf("the temporary file holds %v bytes (%v), want %d", info.Size(), err, size)
	}
}
