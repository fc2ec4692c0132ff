package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
)

type policiesParams struct {
	policyDirs []string
	dataFiles  []string
	format     string
}

func newPoliciesCommand(e *env) *cobra.Command {
	var p policiesParams
	cmd := &cobra.Command{
		Use:   "policies",
		Short: "List the controls: id, severity, source and title, then what each source is",
		Args:  cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if _, ok := catalogueFormats[p.format]; !ok {
				return usageError("unknown --format %q for policies (%s)", p.format, strings.Join(slices.Sorted(maps.Keys(catalogueFormats)), ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return listPolicies(cmd, e, p)
		},
	}
	cmd.Flags().StringArrayVar(&p.policyDirs, "policy", nil, "folder of user Rego controls to add (repeatable)")
	cmd.Flags().StringArrayVar(&p.dataFiles, "data", nil, "policy data file (YAML/JSON) merged over the built-in data (repeatable)")
	cmd.Flags().StringVar(&p.format, "format", "table", "output format: table, json or markdown (docs/controls.md)")
	return cmd
}

func listPolicies(cmd *cobra.Command, e *env, p policiesParams) error {
	engine, err := policy.NewEngine(cmd.Context(), policy.EngineOptions{PolicyDirs: p.policyDirs, DataFiles: p.dataFiles})
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	return catalogueFormats[p.format](e.stdout, engine.Controls())
}

// catalogueFormats are the formats of tenantscan policies: the control
// catalogue, not a report (docs/controls.md is its Markdown). The flag's
// check and the dispatch read this one map.
var catalogueFormats = map[string]func(io.Writer, []report.Control) error{
	"table":    catalogueTable,
	"markdown": report.CatalogueMarkdown,
	"json": func(w io.Writer, controls []report.Control) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(controls)
	},
}

func catalogueTable(w io.Writer, controls []report.Control) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tPHASE\tSOURCE\tTITLE")
	for _, c := range controls {
		// "A6, A7" and "A6,A7" print alike; a source's own spaces
		// ("internal policy 7.3") stay.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Severity, c.Phase, strings.Join(sourceList(c.Source), ", "), c.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeSources(w, controls)
}
