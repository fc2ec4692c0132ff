package main

import (
	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/snapshot"
)

func newSchemaCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the tenant snapshot format v1",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := e.stdout.Write(snapshot.SnapshotSchema())
			return err
		},
	}
}
