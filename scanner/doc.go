// Package scanner is the scan pipeline: it loads each source (a snapshot
// file through package snapshot, a raw export folder through package
// rawexport), evaluates it with a policy.Engine from a pool of workers,
// marks its findings (waivers, the baseline) and collects the tenants into
// a report, in the order of the sources.
package scanner
