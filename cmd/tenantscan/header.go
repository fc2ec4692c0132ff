package main

import (
	"fmt"

	"github.com/tenantscan/tenantscan/policies"
	"github.com/tenantscan/tenantscan/report"
)

// policySet names the policies a scan evaluated, for the report header:
// the built-in controls of this version (and the first 12 hex digits of
// their digest), the --policy folders and the --data files.
func (s *scanFlags) policySet() *report.PolicySet {
	return &report.PolicySet{
		BuiltIn: fmt.Sprintf("tenantscan %s built-in controls (sha256 %s)", toolVersion(), policies.Digest()[:12]),
		Paths:   s.policyDirs,
		Data:    s.dataFiles,
	}
}
