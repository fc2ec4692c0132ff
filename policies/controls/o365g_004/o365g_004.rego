# METADATA
# title: Dynamics users hold an Office 365 Enterprise E3-or-later licence
# description: >-
#   Full integration of Office 365 with Dynamics 365 requires Office 365
#   Enterprise E3 or later; other Office 365 plans (E1, Business, F plans)
#   are not supported. Every enabled Dynamics user of an instance that uses
#   Groups must hold an E3-or-later SKU (policy data tenantscan.skus) from a
#   subscription that is Enabled (or in its Warning grace period); a licence
#   whose subscription the snapshot does not list counts, with a note.
# custom:
#   id: O365G-004
#   severity: high
#   source: A3
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements
#   remediation: >-
#     In the Microsoft 365 admin centre, assign each listed user an Office 365
#     Enterprise E3, E5 or Microsoft 365 E3/E5 licence (buy seats if the
#     subscription has none left). If the user already holds a SKU that is E3
#     or later but unknown to tenantscan, add it to tenantscan.skus in the
#     policy data (--data).
package controls.o365g_004

import data.lib.snapshot

error contains msg if {
	some name in ["dynamics", "users", "subscriptions"]
	msg := snapshot.missing(name)
}

error contains msg if {
	some name in snapshot.instances_lacking_users
	msg := sprintf("snapshot lacks the users of instance %s (dynamics[].users not exported)", [name])
}

skip contains msg if msg := snapshot.no_instance_in_scope

skip contains msg if msg := snapshot.no_dynamics_user

notes contains msg if some msg in snapshot.out_of_scope_notes

notes contains msg if some msg in snapshot.warning_sku_notes

notes contains sprintf("licence %s is assigned but no subscription of it is in the snapshot; counted as held", [sku]) if {
	some sku in snapshot.unlisted_licences
	data.tenantscan.skus[sku].e3OrLater == true
}

_qualifying(sku) if {
	data.tenantscan.skus[sku].e3OrLater == true
	snapshot.licence_usable(sku)
}

_has_qualifying(licenses) if {
	some sku in licenses
	_qualifying(sku)
}

# How a licence that does not qualify is shown in the finding.
_describe(sku) := sprintf("%s (unknown SKU)", [sku]) if {
	not data.tenantscan.skus[sku]
} else := sprintf("%s (subscription %s)", [sku, snapshot.subscriptions_by_sku[sku].capabilityStatus]) if {
	data.tenantscan.skus[sku].e3OrLater == true
} else := sku

_held(licenses) := "has no licence" if {
	count(licenses) == 0
} else := sprintf("has %s", [concat(", ", [_describe(sku) | some sku in licenses])])

deny contains finding if {
	some u in snapshot.scoped_users
	licenses := object.get(u.user, "licenses", [])
	not _has_qualifying(licenses)
	finding := {
		"msg": _message(u, licenses),
		"resource": {"kind": "user", "id": u.upn},
		"path": snapshot.user_path(u),
		"evidence": {
			"licenses": licenses,
			"unknownSkus": [sku | some sku in licenses; not data.tenantscan.skus[sku]],
			"instances": snapshot.user_instances(u),
			"foundAmongTenantUsers": u.found,
		},
	}
}

_message(u, licenses) := sprintf("%s has no E3-or-later licence (%s)", [u.upn, _held(licenses)]) if {
	u.found
} else := sprintf("%s is not found among the tenant's users, so holds no E3-or-later licence", [u.upn])
