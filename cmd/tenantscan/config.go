package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/internal/safeopen"
	"github.com/tenantscan/tenantscan/snapshot"
)

// applyConfig sets the flags of cmd from a YAML file whose keys are flag
// names (and paths, the snapshots to scan). A flag given on the command
// line wins. Relative paths in the file are relative to its folder. A key that is no flag of cmd is an error, unless it is a flag
// of scan, so one file serves scan and readiness alike. origins maps each
// flag the file set to "config FILE:LINE", so that a value refused later
// (by a command's checks) is reported where it was written.
func applyConfig(path string, cmd, scan *cobra.Command) (paths []string, origins map[string]string, err error) {
	data, err := safeopen.ReadFile(path)
	if err != nil {
		return nil, nil, usageError("config: %w", err)
	}
	fail := func(n *yaml.Node, format string, args ...any) error {
		return usageError("config %s:%d: %s", path, n.Line, fmt.Sprintf(format, args...))
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil
		}
		return nil, nil, usageError("config %s: %w", path, err)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil, fail(root, "want a mapping of flag names to values")
	}
	origins = map[string]string{}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return nil, nil, fail(k, "duplicate key %q", k.Value)
		}
		seen[k.Value] = true
		values, err := scalars(v)
		if err != nil {
			return nil, nil, fail(v, "%s: %v", k.Value, err)
		}
		values = relativeTo(filepath.Dir(path), k.Value, values)
		if k.Value == "paths" {
			paths = values
			continue
		}
		if k.Value == "config" {
			return nil, nil, fail(k, "a config file cannot name another one")
		}
		if cmd != scan && scanOnly[k.Value] {
			continue // report settings of scan, not of this command
		}
		flag := cmd.Flag(k.Value)
		if flag == nil {
			if scan.Flag(k.Value) != nil {
				continue // a scan setting; this command has no use for it
			}
			return nil, nil, fail(k, "unknown key %q (keys are the flag names of tenantscan scan, and paths)", k.Value)
		}
		if flag.Changed {
			continue // the command line wins
		}
		for _, val := range values {
			if err := flag.Value.Set(val); err != nil {
				return nil, nil, fail(v, "%s: %v", k.Value, err)
			}
		}
		origins[k.Value] = fmt.Sprintf("config %s:%d", path, v.Line)
	}
	return paths, origins, nil
}

// configured names where a config file set the flag that a usage error
// starts with ("--fail-on …"), as "config FILE:LINE: …", so that a bad
// value in the file is reported at its line.
func configured(err error, origins map[string]string) error {
	m := leadingFlag.FindStringSubmatch(err.Error())
	if m == nil || origins[m[1]] == "" {
		return err
	}
	return fmt.Errorf("%s: %w", origins[m[1]], err)
}

var leadingFlag = regexp.MustCompile(`^--([a-z][a-z-]*)`)

// pathKeys are the keys whose values are paths; outputs are FORMAT=FILE
// (or FILE).
var pathKeys = map[string]bool{"paths": true, "policy": true, "data": true, "waivers": true,
	"baseline": true, "metrics-file": true, "output": true, "history": true}

// relativeTo resolves the relative paths of a key against dir, the config
// file's folder, so that a config file means the same from any working
// folder. "-" (standard input), baseline "history" and a PostgreSQL
// history URL stay; a SQLite history (sqlite:PATH or PATH) is a path.
func relativeTo(dir, key string, values []string) []string {
	if !pathKeys[key] {
		return values
	}
	out := make([]string, len(values))
	for i, v := range values {
		prefix, file := "", v
		switch {
		case key == "output":
			if f, rest, ok := strings.Cut(v, "="); ok {
				prefix, file = f+"=", rest
			}
		case key == "baseline" && v == historyBaseline, key == "history" && strings.Contains(v, "://"):
			out[i] = v // the history, or a PostgreSQL URL: no file
			continue
		case key == "history" && strings.HasPrefix(v, "sqlite:"):
			prefix, file = "sqlite:", strings.TrimPrefix(v, "sqlite:")
		}
		if file != "" && file != snapshot.StdinName && !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		out[i] = prefix + file
	}
	return out
}

// scanOnly are the keys that set scan's reports and exit code; other
// commands that have a flag of the same name do not take them from a file.
var scanOnly = map[string]bool{"format": true, "output": true, "fail-on": true, "baseline": true, "metrics-file": true, "shard": true}

// scalars reads a scalar or a list of scalars as strings.
func scalars(n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return nil, errors.New("want a value or a list of values")
			}
			out = append(out, item.Value)
		}
		return out, nil
	}
	return nil, errors.New("want a value or a list of values")
}
