package html

import (
	"testing"
)

// TestPointerHTML: a JSON pointer may wrap after a slash, and only there;
// snapshot text in it stays escaped.
func TestPointerHTML(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/users/12/assignedLicenses", "/<wbr>users/<wbr>12/<wbr>assignedLicenses"},
		{"fixtures/broken/bad-yaml.yaml", "fixtures/<wbr>broken/<wbr>bad-yaml.yaml"},
		{"/dynamics/<b>/x", "/<wbr>dynamics/<wbr>&lt;b&gt;/<wbr>x"},
		{"noslash", "noslash"},
	}
	for _, tc := range tests {
		if got := string(pointerHTML(tc.in)); got != tc.want {
			t.Errorf("pointerHTML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
