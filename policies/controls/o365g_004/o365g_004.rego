# METADATA
# title: Dynamics users hold an Office 365 Enterprise E3-or-later licence
# description: >-
#   Full integration of Office 365 with Dynamics 365 requires Office 365
#   Enterprise E3 or later; other Office 365 plans (E1, Business, F plans)
#   are not supported. Every enabled Dynamics user of an instance that uses
#   Groups must hold an E3-or-later SKU (policy data tenantscan.skus) from a
#   subscription that is Enabled (or in its Warning grace period). A licence
#   whose subscription the snapshot does not list, or a subscription without
#   a capabilityStatus, is an inconsistent export: error, never counted.
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

# Errors count only when the control has something to check: a tenant
# where nothing is in scope skips, whatever else it lacks.
error contains msg if {
	snapshot.user_controls_apply
	some msg in _error
}

_error contains msg if {
	some name in ["dynamics", "users", "subscriptions"]
	msg := snapshot.missing(name)
}

_error contains msg if some msg in snapshot.instance_users_errors

_error contains msg if some msg in snapshot.subscription_errors

_error contains msg if some msg in snapshot.licence_errors

_error contains msg if some msg in snapshot.scoped_users_lacking_licenses

skip contains msg if msg := snapshot.no_instance_in_scope

skip contains msg if msg := snapshot.no_dynamics_user

notes contains msg if some msg in snapshot.out_of_scope_notes

notes contains msg if some msg in snapshot.warning_sku_notes

_qualifying(sku) if {
	data.tenantscan.skus[sku].e3OrLater == true
	snapshot.subscription_usable(sku)
}

_has_qualifying(skus) if {
	some sku in skus
	_qualifying(sku)
}

# True when some licence's subscription is unlisted or its state not
# exported: the user's verdict is not established (the control errors).
_undetermined(skus) if {
	some sku in skus
	not snapshot.licence_determined(sku)
}

# How a licence that does not qualify is shown in the finding.
_describe(sku) := sprintf("%s (unknown SKU)", [sku]) if {
	not data.tenantscan.skus[sku]
} else := sprintf("%s (subscription %s)", [sku, snapshot.licence_state(sku)]) if {
	data.tenantscan.skus[sku].e3OrLater == true
} else := sku

_held(skus) := "has no licence" if {
	count(skus) == 0
} else := sprintf("has %s", [concat(", ", [_describe(sku) | some sku in skus])])

deny contains finding if {
	some u in snapshot.scoped_users
	skus := _failing_skus(u.user.licenses) # undefined when licenses is absent
	skus != false
	finding := {
		"msg": _message(u, skus),
		"resource": {"kind": "user", "id": u.upn},
		"path": snapshot.user_path(u),
		"evidence": {
			"licenses": skus,
			"unknownSkus": [sku | some sku in skus; not data.tenantscan.skus[sku]],
			"instances": snapshot.user_instances(u),
			"foundAmongTenantUsers": u.found,
		},
	}
}

# The SKUs of a licence list (present, even false or null) that fails the
# control: none qualifies, and each one's state is established; false when
# it does not fail. A function of the list, which users share, so OPA
# judges each distinct list once.
_failing_skus(licences) := skus if {
	skus := snapshot.skus_of(licences)
	not _has_qualifying(skus)
	not _undetermined(skus)
} else := false

_message(u, skus) := sprintf("%s has no E3-or-later licence (%s)", [u.upn, _held(skus)]) if {
	u.found
} else := sprintf("%s is not found among the tenant's users, so holds no E3-or-later licence", [u.upn])
