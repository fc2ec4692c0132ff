package browser

import "testing"

func TestCountPDFPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pdf  string
		want int
	}{
		{"", 0},
		{"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>", 0},
		{"<< /Type /Pages /Count 2 >> << /Type /Page /Parent 2 0 R >> << /Type/Page >>", 2},
		{"<< /Type /PageLabel >>", 0},
	}
	for _, tc := range tests {
		if got := CountPDFPages([]byte(tc.pdf)); got != tc.want {
			t.Errorf("CountPDFPages(%q) = %d, want %d", tc.pdf, got, tc.want)
		}
	}
}
