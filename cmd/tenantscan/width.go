package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// Table widths: the table fits the terminal when standard output is one
// (no narrower than minTableWidth), else defaultTableWidth (a pipe, a
// file, a CI log).
const (
	defaultTableWidth = 80
	minTableWidth     = 40
)

// tableWidth is the line width of the table formats written to standard
// output: the terminal's columns when standard output is a terminal, else
// 80.
func (e *env) tableWidth() int {
	isTerminal := e.isTerminal
	if isTerminal == nil {
		isTerminal = fileIsTerminal
	}
	if !isTerminal(e.stdout) {
		return defaultTableWidth
	}
	width := e.terminalWidth
	if width == nil {
		width = fileTerminalWidth
	}
	w := width(e.stdout)
	if w <= 0 {
		return defaultTableWidth
	}
	return max(w, minTableWidth)
}

// fileTerminalWidth asks the terminal behind w for its columns; 0 when w
// is not a file or the terminal does not say.
func fileTerminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return cols
}
