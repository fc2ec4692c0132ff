package scanner

import (
	"context"
	"fmt"
	"github.com/tenantscan/tenantscan/rawexport"
	"github.com/tenantscan/tenantscan/snapshot"
	"io"
)

// loadContext is Load bounded by ctx: when ctx ends first (the scan's
// deadline, or a signal) it returns at once with an error naming the
// source, and the read it abandons finishes or blocks in the background
// (standard input with no writer, a hung network file system) without
// holding up the scan.
func loadContext(ctx context.Context, src snapshot.Source, stdin io.Reader, lim snapshot.Limits, owns func(string) bool) (*snapshot.Snapshot, error) {
	if ctx.Done() == nil {
		return load(src, stdin, lim, owns)
	}
	type result struct {
		snap *snapshot.Snapshot
		err  error
	}
	done := make(chan result, 1) // buffered: an abandoned load does not leak a blocked send
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: &snapshot.LoadError{File: src.Name, Problems: []*snapshot.PosError{{Msg: fmt.Sprintf("internal error while loading: %v", p)}}}}
			}
		}()
		snap, err := load(src, stdin, lim, owns)
		done <- result{snap, err}
	}()
	select {
	case r := <-done:
		return r.snap, r.err
	case <-ctx.Done():
		return nil, &snapshot.LoadError{File: src.Name, Problems: []*snapshot.PosError{{Msg: "scan cancelled while reading this snapshot: " + ctx.Err().Error()}}}
	}
}

// load is the one place a source becomes a snapshot: a raw export folder
// goes through the importer (LoadExport), a file or standard input through
// the snapshot loader (LoadOwned).
func load(src snapshot.Source, stdin io.Reader, lim snapshot.Limits, owns func(string) bool) (*snapshot.Snapshot, error) {
	if src.Export {
		return rawexport.LoadExport(src, lim, owns)
	}
	return snapshot.LoadOwned(src, stdin, lim, owns)
}
