package policy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/internal/safeopen"
	"github.com/tenantscan/tenantscan/snapshot"
)

//go:embed dataschema.json
var dataSchemaJSON []byte

// DataSchemaFile is the file in a --policy folder that declares the
// top-level data keys its controls read: a JSON Schema object whose
// "properties" are added to the policy data schema.
const DataSchemaFile = "data.schema.json"

// DataSchema returns the JSON Schema of policy data files (--data), without
// the keys user controls declare.
func DataSchema() []byte { return bytes.Clone(dataSchemaJSON) }

// compileDataSchema compiles the policy data schema with the top-level
// keys the user policy folders declare in DataSchemaFile.
func compileDataSchema(policyDirs []string) (*jsonschema.Schema, error) {
	var schema map[string]any
	if err := json.Unmarshal(dataSchemaJSON, &schema); err != nil {
		return nil, fmt.Errorf("policy data schema: %w", err)
	}
	props := schema["properties"].(map[string]any)
	declaredBy := map[string]string{}
	for _, dir := range policyDirs {
		path := filepath.Join(dir, DataSchemaFile)
		data, err := safeopen.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("policy data schema: %w", err)
		}
		var decl struct {
			Properties map[string]any `json:"properties"`
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&decl); err != nil {
			return nil, fmt.Errorf("policy data schema %s: %w", path, err)
		}
		if len(decl.Properties) == 0 {
			return nil, fmt.Errorf("policy data schema %s: declares no properties (want {\"properties\": {\"KEY\": SCHEMA}})", path)
		}
		for key, sub := range decl.Properties {
			if _, builtIn := props[key]; builtIn && declaredBy[key] == "" {
				return nil, fmt.Errorf("policy data schema %s: %q is built-in data; declare a key of your own", path, key)
			}
			if first, dup := declaredBy[key]; dup {
				return nil, fmt.Errorf("policy data schema %s: %q is declared by %s too", path, key, first)
			}
			declaredBy[key] = path
			props[key] = sub
		}
	}
	doc, err := json.Marshal(schema)
	if err != nil {
		return nil, fmt.Errorf("policy data schema: %w", err)
	}
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("policy data schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	const url = "data.schema.json"
	if err := c.AddResource(url, parsed); err != nil {
		return nil, fmt.Errorf("policy data schema: %w", err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("policy data schema (with the keys declared in %s): %w", strings.Join(policyDirs, ", "), err)
	}
	return s, nil
}

// checkData validates one decoded data file and returns its problems as
// one error, each with the file, line, column and JSON pointer; tree is
// the file's YAML node tree (nil to parse src again to find lines).
func checkData(s *jsonschema.Schema, file string, src []byte, doc any, tree *yaml.Node) error {
	err := s.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("policy data %s: %w", file, err)
	}
	problems := snapshot.SchemaProblems(ve)
	if tree == nil {
		_, tree, _ = snapshot.DecodeYAML(src, snapshot.DefaultLimits())
	}
	for _, p := range problems {
		p.Line, p.Column = snapshot.Locate(tree, p.Pointer)
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	return &snapshot.LoadError{File: "policy data " + file, Problems: problems}
}
