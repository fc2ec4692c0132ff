// Command tenantscan checks exported Microsoft 365 / Dynamics 365 tenant
// snapshots against the prerequisites of Office 365 Groups and writes
// reports. This package only parses flags and wires the scanner to the
// report writers; see package scanner and package report for the work.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

// Exit codes, as documented in the README.
const (
	exitOK       = 0 // scan complete, no unwaived failure at or above --fail-on
	exitFindings = 1 // scan complete, at least one such failure
	exitError    = 2 // a snapshot or policy could not be evaluated, or bad usage
)

// exitError carries the process exit code of a finished command.
type exitCodeError struct {
	code int
	err  error // nil when the code says it all (findings)
}

func (e *exitCodeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

func (e *exitCodeError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitCodeError{code: exitError, err: fmt.Errorf(format, args...)}
}

// defaultGCPercent is the garbage collector's target unless GOGC is set: a
// scan allocates many short-lived values per snapshot, and collecting half
// as often makes it about 25% faster for 1.4x the peak memory
// (docs/performance.md).
const defaultGCPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	setMemoryLimit(memlimit.FromCgroup)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal stops the run cleanly (nothing written, temporary
		// files removed); a second one, if that takes too long, kills.
		<-ctx.Done()
		stop()
	}()
	code := runEnv(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		log: slog.New(slog.DiscardHandler), setMemoryLimit: debug.SetMemoryLimit}, os.Args[1:])
	stop()
	os.Exit(code)
}

// env abstracts the process environment so commands run the same in tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTerminal reports whether a writer is a terminal; nil means check
	// the file descriptor.
	isTerminal func(io.Writer) bool
	// terminalWidth returns the columns of a terminal writer (0 when it
	// cannot tell); nil means ask the terminal (see tableWidth).
	terminalWidth func(io.Writer) int
	// now is the scan's clock (snapshot ages are measured from it); nil
	// means time.Now. Tests fix it so that ages in goldens do not change.
	now func() time.Time
	// setMemoryLimit sets the Go runtime's soft memory limit
	// (debug.SetMemoryLimit); nil leaves it alone. main sets it, so that a
	// scan without a limit bounds itself (boundMemory); tests leave the
	// test binary's limit alone.
	setMemoryLimit func(int64) int64

	// Set by the root command before any subcommand runs.
	log         *slog.Logger
	quiet       bool
	configPaths []string // paths from --config, used when none are given
	// configOrigins maps the flags --config set to "config FILE:LINE".
	configOrigins map[string]string
	bar           *progressbar.ProgressBar
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(ctx, &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, log: slog.New(slog.DiscardHandler)}, args)
}

// runEnv is run in the environment e (tests set its clock, terminal …).
func runEnv(ctx context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	root := newRootCommand(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		if ec.err != nil {
			fmt.Fprintln(stderr, "tenantscan:", configured(ec.err, e.configOrigins))
		}
		return ec.code
	}
	// Errors cobra raises itself: unknown command, bad flag, wrong arguments.
	fmt.Fprintln(stderr, "tenantscan:", err)
	return exitError
}

func newRootCommand(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "tenantscan",
		Short: "Check Microsoft 365 tenant snapshots against the Office 365 Groups prerequisites of Dynamics 365",
		Long: `tenantscan loads exported tenant configuration snapshots (YAML or JSON),
evaluates them against Rego controls for connecting Dynamics 365 (online) to
Office 365 Groups, and writes reports.

Exit codes: 0 no failure at or above --fail-on; 1 failures; 2 a snapshot or
policy could not be evaluated, or bad usage.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       toolVersion(),
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageError("%w", err)
	})
	var configFile, logFormat, logLevel string
	pf := root.PersistentFlags()
	pf.StringVar(&configFile, "config", "", "YAML file of flag values (keys are flag names, plus paths); flags on the command line win")
	pf.StringVar(&logFormat, "log-format", "text", "log format on stderr: text or json")
	pf.StringVar(&logLevel, "log-level", "warn", "log level: debug, info, warn or error")
	pf.BoolVarP(&e.quiet, "quiet", "q", false, "no progress bar")
	scan := newScanCommand(e)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if configFile != "" {
			paths, origins, err := applyConfig(configFile, cmd, scan)
			if err != nil {
				return err
			}
			e.configPaths, e.configOrigins = paths, origins
		}
		logger, err := newLogger(e.stderr, logFormat, logLevel)
		if err != nil {
			return err
		}
		e.log = logger
		if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
			e.log.Debug("Go runtime soft memory limit", "bytes", limit)
		}
		return nil
	}
	root.AddCommand(
		scan,
		newReadinessCommand(e),
		newDiffCommand(e),
		newImportCommand(e),
		newMergeCommand(e),
		newHistoryCommand(e),
		newPoliciesCommand(e),
		newVerifyCommand(e),
		newSchemaCommand(e),
		newVersionCommand(e),
	)
	return root
}

// toolVersion is the version every report and `tenantscan version` show:
// the one a release build stamps with -ldflags "-X main.version=…", else
// what the Go toolchain recorded in the binary (see buildVersion).
func toolVersion() string {
	if version != "" {
		return version
	}
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(bi)
}

// buildVersion reads the version from the build information: the module
// version for `go install …@v1.2.3` (and, since Go 1.24, the tag or
// pseudo-version of a build inside a git checkout, with +dirty for
// uncommitted changes); failing that the VCS revision ("dev+" and its
// first 12 hex digits, ".dirty" when modified); "dev" when the binary
// records neither (built with -buildvcs=false outside a module download).
func buildVersion(bi *debug.BuildInfo) string {
	if bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if revision == "" {
		return "dev"
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	if modified {
		return "dev+" + revision + ".dirty"
	}
	return "dev+" + revision
}

func newVersionCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of tenantscan",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(e.stdout, "tenantscan %s\n", toolVersion())
			return err
		},
	}
}

// memoryLimitRatio is the share of the container's memory limit (cgroup
// v1 or v2) given to the Go runtime as its soft limit: the collector works
// harder near it instead of letting the kernel kill the pod. The rest is
// headroom for what the runtime does not count.
const memoryLimitRatio = 0.9

// setMemoryLimit sets the Go runtime's soft memory limit to a share of
// what the provider says (main: the cgroup a container runs in), unless
// GOMEMLIMIT is set (automemlimit leaves it then). Outside a container, or
// when the limit cannot be read, nothing changes.
func setMemoryLimit(provider memlimit.Provider) {
	// Errors (no cgroup, an unreadable one) leave the runtime's default;
	// the limit in force is logged when a command starts (debug level).
	_, _ = memlimit.Set(memlimit.WithRatio(memoryLimitRatio), memlimit.WithProvider(provider))
}
