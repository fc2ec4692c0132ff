//go:build race

package format_test

// hugeField is the size of the fields of TestFormatsLinearOnHugeFields:
// smaller under the race detector, which is about ten times slower.
const hugeField = 1 << 20
