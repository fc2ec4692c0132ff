package report

// MarshalCompact is marshalCompact, for the spool tests in package
// report_test.
var MarshalCompact = marshalCompact
