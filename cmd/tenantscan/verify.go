package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/policy"
)

type verifyParams struct {
	policyDirs []string
	dataFiles  []string
	verbose    bool
}

func newVerifyCommand(e *env) *cobra.Command {
	var p verifyParams
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Run the Rego unit tests of the built-in and user policies",
		Long: `verify compiles the built-in policies and those given with --policy,
with their _test.rego files, in strict mode, and runs every test_ rule.
It needs no opa binary. Exit code 1 when a test fails, 2 when the policies
do not compile.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return verify(cmd, e, p)
		},
	}
	cmd.Flags().StringArrayVar(&p.policyDirs, "policy", nil, "folder of user Rego controls and tests (repeatable)")
	cmd.Flags().StringArrayVar(&p.dataFiles, "data", nil, "policy data file (YAML/JSON) merged over the built-in data (repeatable)")
	cmd.Flags().BoolVarP(&p.verbose, "verbose", "v", false, "list every test, not only failures")
	return cmd
}

func verify(cmd *cobra.Command, e *env, p verifyParams) error {
	results, err := policy.RunPolicyTests(cmd.Context(), policy.EngineOptions{PolicyDirs: p.policyDirs, DataFiles: p.dataFiles})
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	passed, failed := 0, 0
	for _, r := range results {
		switch {
		case r.Passed:
			passed++
			if p.verbose {
				fmt.Fprintf(e.stdout, "PASS %s.%s\n", r.Package, r.Name)
			}
		case r.Error != "":
			failed++
			fmt.Fprintf(e.stdout, "ERROR %s.%s (%s:%d): %s\n", r.Package, r.Name, r.File, r.Line, r.Error)
		default:
			failed++
			fmt.Fprintf(e.stdout, "FAIL %s.%s (%s:%d)\n", r.Package, r.Name, r.File, r.Line)
		}
		if !r.Passed && r.Output != "" {
			fmt.Fprintf(e.stdout, "  output:\n%s", indent(r.Output, "    "))
		}
	}
	if len(results) == 0 {
		return usageError("no Rego tests found")
	}
	fmt.Fprintf(e.stdout, "rego: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return &exitCodeError{code: exitFindings}
	}
	return nil
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	if !strings.HasSuffix(s, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}
