package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepository: the workflows, the example and the action lint clean.
func TestRepository(t *testing.T) {
	var out bytes.Buffer
	n, err := lint(filepath.Join("..", ".."), &out)
	if err != nil || n != 0 {
		t.Errorf("%d problem(s), error %v:\n%s", n, err, out.String())
	}
}

// TestFindsMistakes: an undefined input used inside the action, and one
// passed to it by a workflow, are both reported.
func TestFindsMistakes(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".git/HEAD", "ref: refs/heads/main\n") // actionlint resolves ./ in a repository
	write("action.yml", `name: a
description: d
inputs:
  paths: {description: p, required: true}
runs:
  using: composite
  steps:
    - shell: bash
      env: {P: "${{ inputs.pathz }}"}
      run: echo "$P"
`)
	write(".github/workflows/w.yml", `on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./
        with: {paths: x, fail-onn: high}
`)
	write("examples/github-actions.yml", `on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
`)
	var out bytes.Buffer
	n, err := lint(root, &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"pathz" is not defined`, `input "fail-onn" is not defined`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
	if n != 2 {
		t.Errorf("%d problem(s), want 2:\n%s", n, out.String())
	}
}
