package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/internal/outputs"
	"github.com/tenantscan/tenantscan/rawexport"
	"github.com/tenantscan/tenantscan/snapshot"
)

// importParams are the arguments of import.
type importParams struct {
	folder string // the raw export folder
	output string // "" means standard output
}

func newImportCommand(e *env) *cobra.Command {
	var p importParams
	cmd := &cobra.Command{
		Use:   "import FOLDER",
		Short: "Turn a raw export folder (Graph, Exchange Online, Dataverse) into a snapshot (YAML)",
		Long: `import reads a raw export folder, the responses of Microsoft Graph, Exchange
Online PowerShell and the Dataverse Web API exactly as the services return
them plus tenantscan-extra.yaml, maps it to the snapshot format v1 and
prints it as YAML, to inspect or archive. scan reads such folders directly.
See docs/export.md for the calls that produce the folder.

Beside the snapshot, on standard error, import lists every record it left
out and why (system, support and application users, rows without a
principal name, groups that are not Microsoft 365 groups, members that
are not users) and its warnings (facts not exported). The snapshot keeps
both under exporter.leftOut and exporter.warnings, and the records each
derived fact comes from under exporter.facts.`,
		Example: `  tenantscan import fixtures/export-contoso > contoso.yaml
  tenantscan import --output contoso.yaml exports/2026-11-28/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.folder = args[0]
			return runImport(cmd.Context(), e, p)
		},
	}
	cmd.Flags().StringVarP(&p.output, "output", "o", "", "write the snapshot to this file instead of standard output")
	return cmd
}

// runImport imports p.folder and writes the snapshot as YAML, the records
// left out and the warnings on standard error; exit 2 on any error.
func runImport(ctx context.Context, e *env, p importParams) error {
	if !snapshot.IsExportFolder(p.folder) {
		return usageError("%s is not an export folder (no graph/, dataverse/ or %s)", p.folder, rawexport.ExtraFile)
	}
	var set *outputs.Set
	if p.output != "" {
		var err error
		if set, err = outputs.Open([]string{p.output}); err != nil {
			return usageError("output %w", err)
		}
		defer set.Close()
	}
	res, err := rawexport.Import(p.folder, snapshot.DefaultLimits())
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	for _, w := range res.Warnings {
		e.log.Warn("import", "warning", w)
	}
	printLeftOut(e.stderr, res.LeftOut)
	data, err := snapshotYAML(res.Doc)
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	if p.output != "" {
		err := set.Write(ctx, p.output, func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		})
		if err == nil {
			err = set.Commit()
		}
		if err != nil {
			return &exitCodeError{code: exitError, err: err}
		}
		return nil
	}
	_, err = e.stdout.Write(data)
	return err
}

// printLeftOut lists the records the import left out, one a line, so
// that an administrator can check them.
func printLeftOut(w io.Writer, left []rawexport.LeftOut) {
	if len(left) == 0 {
		return
	}
	fmt.Fprintf(w, "tenantscan import: %d record(s) left out of the snapshot:\n", len(left))
	for _, l := range left {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

// snapshotYAML writes a snapshot document with its top-level keys in the
// order of the format's documentation.
func snapshotYAML(doc map[string]any) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	order := []string{"apiVersion", "kind", "exportedAt", "exporter", "tenant", "notExported", "subscriptions", "users", "groups", "dynamics"}
	done := map[string]bool{}
	add := func(k string) error {
		v, ok := doc[k]
		if !ok || done[k] {
			return nil
		}
		done[k] = true
		var val yaml.Node
		if err := val.Encode(v); err != nil {
			return fmt.Errorf("encode %s: %w", k, err)
		}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &val)
		return nil
	}
	for _, k := range order {
		if err := add(k); err != nil {
			return nil, err
		}
	}
	for k := range doc {
		if err := add(k); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	buf.WriteString("# Imported by tenantscan from a raw export folder.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	return buf.Bytes(), enc.Close()
}
