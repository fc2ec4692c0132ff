package waiver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadWaiversErrors(t *testing.T) {
	t.Parallel()
	known := map[string]bool{"O365G-004": true}
	const ok = "  - control: O365G-004\n    reason: r\n    owner: o\n    expires: 2027-01-31\n"
	tests := []struct {
		name, src, want string
	}{
		{"valid", "waivers:\n" + ok, ""},
		{"empty list", "waivers: []\n", ""},
		{"bad date", "waivers:\n  - control: O365G-004\n    reason: r\n    owner: o\n    expires: 31/01/2027\n", `:5: expires "31/01/2027" is not a date (YYYY-MM-DD)`},
		{"unknown key", "waivers:\n" + ok + "    ticket: 42\n", `:6: unknown key "ticket" in waiver`},
		{"missing owner", "waivers:\n  - control: O365G-004\n    reason: r\n    expires: 2027-01-31\n", ":2: waiver lacks owner"},
		{"unknown control", "waivers:\n  - control: O365G-999\n    reason: r\n    owner: o\n    expires: 2027-01-31\n", `:2: control "O365G-999" is not in the catalogue`},
		{"top-level key", "exceptions: []\n", `:1: unknown key "exceptions"`},
		{"not a list", "waivers: {a: 1}\n", "waivers must be a list"},
		{"syntax", "waivers:\n  - control: [\n", "did not find expected"},
		{"duplicate key", "waivers:\n" + ok + "    owner: p\n", `:6: duplicate key "owner"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "waivers.yaml", tc.src)
			_, err := LoadWaivers(path, known)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("error = %v, want %q after the file name", err, tc.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	t.Parallel()
	tests := []struct {
		glob, s string
		want    bool
	}{
		{"*", "anything/at/all", true},
		{"bob@*", "BOB@litware.com", true},
		{"bob@*", "alice@litware.com", false},
		{"sales/*", "sales/bob@x", true},
		{"a?c", "abc", true},
		{"a.c", "abc", false},
	}
	for _, tc := range tests {
		re, err := globRegexp(tc.glob)
		if err != nil {
			t.Fatal(err)
		}
		if re.MatchString(tc.s) != tc.want {
			t.Errorf("glob %q on %q: %v", tc.glob, tc.s, !tc.want)
		}
	}
}
