// Package snapshot turns files into validated tenant snapshots: it
// discovers them (Walk), decodes YAML and JSON within Limits, and checks
// them against the snapshot schema and its references (Load).
package snapshot
