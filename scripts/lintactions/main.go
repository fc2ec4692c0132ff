// Command lintactions runs actionlint (github.com/rhysd/actionlint) on the
// GitHub Actions files of the repository: the workflows in
// .github/workflows, examples/github-actions.yml, and action.yml. actionlint
// lints workflows only, so the composite action's steps are linted as the
// steps of a workflow whose inputs are the action's inputs: expressions,
// contexts and (with shellcheck on PATH) the run scripts are checked as in
// a workflow. make test runs it from the repository root.
//
//	go run ./scripts/lintactions [ROOT]
package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	n, err := lint(root, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lintactions:", err)
		os.Exit(2)
	}
	if n > 0 {
		fmt.Fprintf(os.Stderr, "lintactions: %d problem(s)\n", n)
		os.Exit(1)
	}
}

// lint lints the files under root, prints each problem to out, and returns
// how many there are.
func lint(root string, out io.Writer) (int, error) {
	opts := &actionlint.LinterOptions{}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc
	} else {
		fmt.Fprintln(out, "lintactions: shellcheck is not on PATH: run: scripts are not checked (apt-get install shellcheck)")
	}
	l, err := actionlint.NewLinter(out, opts)
	if err != nil {
		return 0, err
	}
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.y*ml"))
	if err != nil {
		return 0, err
	}
	files = append(files, filepath.Join(root, "examples", "github-actions.yml"))
	slices.Sort(files)
	errs, err := l.LintFiles(files, nil)
	if err != nil {
		return 0, err
	}
	n := len(errs)

	actionPath := filepath.Join(root, "action.yml")
	wf, err := actionAsWorkflow(actionPath)
	if err != nil {
		return n, err
	}
	errs, err = l.Lint(actionPath+" (its steps, as a workflow)", wf, nil)
	if err != nil {
		return n, err
	}
	return n + len(errs), nil
}

// actionAsWorkflow turns a composite action into a workflow that actionlint
// can check: on workflow_call with the action's inputs (all strings, as an
// action's are), one job whose steps are the action's.
func actionAsWorkflow(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var action struct {
		Inputs map[string]struct {
			Required bool    `yaml:"required"`
			Default  *string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Using string      `yaml:"using"`
			Steps []yaml.Node `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if action.Runs.Using != "composite" {
		return nil, fmt.Errorf("%s: runs.using is %q, want composite", path, action.Runs.Using)
	}
	inputs := map[string]map[string]any{}
	for name, in := range action.Inputs {
		spec := map[string]any{"type": "string", "required": in.Required}
		if in.Default != nil {
			spec["default"] = *in.Default
		}
		inputs[name] = spec
	}
	wf := map[string]any{
		"on": map[string]any{"workflow_call": map[string]any{"inputs": inputs}},
		"jobs": map[string]any{"action": map[string]any{
			"runs-on": "ubuntu-latest",
			"steps":   action.Runs.Steps,
		}},
	}
	return yaml.Marshal(wf)
}
