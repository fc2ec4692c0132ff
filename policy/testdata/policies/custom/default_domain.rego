# METADATA
# title: The tenant names its default domain
# description: A user control, written to the same contract as the built-in ones.
# custom:
#   id: CUSTOM-001
#   severity: low
#   source: internal
#   remediation: Export tenant.defaultDomain.
package custom.default_domain

deny contains "the snapshot names no default domain" if not input.tenant.defaultDomain

warn contains {
	"msg": sprintf("default domain %s is the onmicrosoft.com one", [input.tenant.defaultDomain]),
	"resource": {"kind": "tenant", "id": input.tenant.id},
	"path": "/tenant/defaultDomain",
	"evidence": {"defaultDomain": input.tenant.defaultDomain},
} if endswith(input.tenant.defaultDomain, ".onmicrosoft.com")
