package scanner

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/tenantscan/tenantscan/internal/synthetic"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
)

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// TestHostileSnapshots scans inputs that must each give a clear error row
// (or, for the encodings, load), never a panic, a hang or an OOM.
func TestHostileSnapshots(t *testing.T) {
	t.Parallel()
	garbage := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(r.UintN(256))
	}
	deep := strings.Repeat("{\"a\":", 100000) + "1" + strings.Repeat("}", 100000)
	tests := []struct {
		name    string
		file    string
		data    []byte
		wantErr string // "" means the snapshot must load and pass through
	}{
		{"empty", "empty.yaml", nil, "the file is empty"},
		{"only whitespace", "blank.json", []byte("  \n\t"), "the file is empty"},
		{"binary garbage", "garbage.yaml", garbage, "invalid YAML"},
		{"binary garbage as JSON", "garbage.json", garbage, "invalid JSON"},
		{"deeply nested JSON", "deep.json", []byte(deep), "exceeded max depth"},
		{"nested JSON past the limit", "deep2.json", []byte(strings.Repeat("[", 70) + strings.Repeat("]", 70)), "nesting deeper than 64 levels"},
		{"deeply nested YAML", "deep.yaml", []byte(strings.Repeat("- ", 5000) + "x\n"), "nesting deeper than 64 levels"},
		{"alias bomb", "bomb.yaml", []byte(synthetic.AliasBomb(9)), "YAML aliases expand to more than"},
		{"null document", "null.json", []byte("null"), "got null, want object"},
		{"UTF-16 with BOM", "utf16.yaml", utf16LE(synthetic.Minimal), ""},
		{"UTF-8 with BOM", "bom.json", append([]byte{0xEF, 0xBB, 0xBF}, []byte(`{"apiVersion":"tenantscan/v1","kind":"TenantSnapshot","exportedAt":"2026-11-20T08:00:00Z","tenant":{"id":"7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11"}}`)...), ""},
		{"NUL bytes", "nul.yaml", bytes.Repeat([]byte{0}, 100), "invalid YAML"},
	}
	dir := t.TempDir()
	var sources []snapshot.Source
	for _, tc := range tests {
		path := filepath.Join(dir, tc.file)
		if err := os.WriteFile(path, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, snapshot.Source{Name: path})
	}
	huge := filepath.Join(dir, "huge.yaml")
	if err := os.WriteFile(huge, bytes.Repeat([]byte("# padding\n"), 2000), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newTestEngine(t, policy.EngineOptions{})
	rep := mustScan(t, context.Background(), e, sources, Options{})
	for i, tc := range tests {
		tn := rep.Tenants[i]
		if tc.wantErr == "" {
			if tn.Error != nil && strings.Contains(*tn.Error, sources[i].Name+":") && !strings.Contains(*tn.Error, "could not be evaluated") {
				t.Errorf("%s: %s", tc.name, *tn.Error)
			}
			if tn.TenantID == "" {
				t.Errorf("%s: not loaded", tc.name)
			}
			continue
		}
		if tn.Status != report.TenantError || tn.Error == nil || !strings.Contains(*tn.Error, tc.wantErr) || !strings.HasPrefix(*tn.Error, sources[i].Name) {
			t.Errorf("%s: status %s, error %v; want %q", tc.name, tn.Status, deref(tn.Error), tc.wantErr)
		}
	}
	lim := snapshot.DefaultLimits()
	lim.MaxBytes = 10_000
	last := mustScan(t, context.Background(), e, []snapshot.Source{{Name: huge}}, Options{Limits: lim}).Tenants[0]
	if last.Error == nil || !strings.Contains(*last.Error, "over the limit of 10000 bytes") {
		t.Errorf("huge file: %v", deref(last.Error))
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestAgeOfSnapshotsInError: a snapshot in error says why its age is
// unknown — never read, or read without an exportedAt — and keeps its age
// when it was read with one.
func TestAgeOfSnapshotsInError(t *testing.T) {
	t.Parallel()
	// Decodes, but fails the schema (kind).
	invalid := `{"apiVersion":"tenantscan/v1","kind":"Nope",%s"tenant":{"id":"7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11"}}`
	tests := []struct {
		name, file, data string
		want             string // the age's text
	}{
		{"unreadable", "bad.yaml", "tenant: [unclosed\n", report.UnreadAge},
		{"read, no exportedAt", "noage.json", strings.Replace(invalid, "%s", "", 1), "unknown age (the snapshot has no exportedAt)"},
		{"read, with exportedAt", "aged.json", strings.Replace(invalid, "%s", `"exportedAt":"`+time.Now().Add(-73*time.Hour).UTC().Format(time.RFC3339)+`",`, 1), "3 days"},
	}
	dir := t.TempDir()
	var sources []snapshot.Source
	for _, tc := range tests {
		path := filepath.Join(dir, tc.file)
		if err := os.WriteFile(path, []byte(tc.data), 0o644); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, snapshot.Source{Name: path})
	}
	e := newTestEngine(t, policy.EngineOptions{})
	rep := mustScan(t, context.Background(), e, sources, Options{})
	for i, tc := range tests {
		tn := rep.Tenants[i]
		if tn.Status != report.TenantError {
			t.Errorf("%s: status %s, want error", tc.name, tn.Status)
		}
		if tn.Age == nil || !strings.HasPrefix(tn.Age.Text, tc.want) {
			t.Errorf("%s: age %+v, want %q", tc.name, tn.Age, tc.want)
		}
	}
}
