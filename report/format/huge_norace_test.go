//go:build !race

package format_test

// hugeField is the size of the fields of TestFormatsLinearOnHugeFields.
const hugeField = 10 << 20
