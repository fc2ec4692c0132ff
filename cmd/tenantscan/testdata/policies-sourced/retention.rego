# METADATA
# title: The tenant names its default domain (internal retention rule)
# description: A user control whose source has spaces in it.
# custom:
#   id: INTERNAL-073
#   severity: medium
#   source: internal policy 7.3, A5
#   reference: Contoso information security policy, section 7.3 (records retention)
#   remediation: Export tenant.defaultDomain.
package custom.retention

deny contains "the snapshot names no default domain" if not input.tenant.defaultDomain
