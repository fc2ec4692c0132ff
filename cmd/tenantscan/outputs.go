package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tenantscan/tenantscan/internal/outputs"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/format"
)

// extraOutput is a file a command writes beside its reports (the metrics).
type extraOutput struct {
	path  string
	write func(io.Writer) error
}

// open claims every output file before the run does any work: a target
// that is given twice, or cannot be written, is a usage error naming the
// user's path (see package outputs). extra are further files, "" skipped.
func (p *outputFlags) open(extra ...string) (*outputs.Set, error) {
	var paths []string
	for _, format := range p.order {
		if file := p.targets[format]; file != "" {
			paths = append(paths, file)
		}
	}
	for _, x := range extra {
		if x != "" {
			paths = append(paths, x)
		}
	}
	set, err := outputs.Open(paths)
	if err != nil {
		return nil, usageError("output %w", err)
	}
	return set, nil
}

// write writes every report and extra file of the run as one set: each to
// its temporary file (a failing one does not stop the others, so every
// problem is reported), then, when all succeeded, all are renamed over
// their targets together and standard output gets its report. The report
// for standard output is rendered to an unlinked file in $TMPDIR first, not
// to memory, so its size costs disk, not memory, and a reader of the pipe
// gets the whole report or nothing (with a failing exit code). When one
// fails or ctx ends, no file is replaced and nothing is printed. A signal
// stops the writer within one buffer (1 MiB).
func (p *outputFlags) write(ctx context.Context, e *env, set *outputs.Set, rep *report.Report, extra ...extraOutput) error {
	e.log.Info("writing reports", "files", len(set.Paths()))
	var stdout *os.File
	defer func() {
		if stdout != nil {
			stdout.Close()
			os.Remove(stdout.Name()) // where the open file could not be unlinked at once
		}
	}()
	var errs []error
	for _, name := range p.order {
		if ctx.Err() != nil {
			break
		}
		f, err := format.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		file := p.targets[name]
		if file == "" {
			out, err := renderToTemp(f.New(format.Options{Color: e.colorOK(), Width: e.tableWidth()}), rep)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s report: %w", name, err))
			}
			stdout = out
			continue
		}
		opts := format.Options{}
		if f.Scratch {
			// Spill files go beside the target, where a killed run's
			// are found and removed, not in $TMPDIR.
			if opts.TmpDir, err = set.ScratchDir(file); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		w := f.New(opts)
		if err := set.Write(ctx, file, func(out io.Writer) error { return w.Write(out, rep) }); err != nil {
			errs = append(errs, err)
		}
	}
	for _, x := range extra {
		if ctx.Err() != nil {
			break
		}
		if err := set.Write(ctx, x.path, x.write); err != nil {
			errs = append(errs, err)
		}
	}
	if ctx.Err() != nil {
		return &exitCodeError{code: exitError, err: errInterrupted}
	}
	if len(errs) > 0 {
		return &exitCodeError{code: exitError, err: fmt.Errorf("%w\nno report was replaced", errors.Join(errs...))}
	}
	if err := set.Commit(); err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	for _, path := range set.Paths() {
		e.log.Info("written", "file", path)
	}
	if stdout != nil {
		if _, err := stdout.Seek(0, io.SeekStart); err != nil {
			return &exitCodeError{code: exitError, err: fmt.Errorf("standard output report: %w", err)}
		}
		if _, err := io.Copy(e.stdout, stdout); err != nil {
			return &exitCodeError{code: exitError, err: fmt.Errorf("write to standard output: %w", err)}
		}
	}
	return nil
}

// renderToTemp renders a report to a temporary file in $TMPDIR, unlinked at
// once where the system allows (so a killed run leaves nothing), and
// returns it open. On an error the file is returned too, for the caller to
// close.
func renderToTemp(w report.Writer, rep *report.Report) (*os.File, error) {
	f, err := os.CreateTemp("", "tenantscan-stdout-*")
	if err != nil {
		return nil, fmt.Errorf("a temporary file for standard output (is TMPDIR writable?): %w", err)
	}
	os.Remove(f.Name()) // Unix: gone from the folder, still open
	buf := bufio.NewWriterSize(f, 1<<20)
	if err := w.Write(buf, rep); err != nil {
		return f, err
	}
	if err := buf.Flush(); err != nil {
		return f, err
	}
	return f, nil
}
