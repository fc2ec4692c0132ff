# METADATA
# title: Users of Skype for Business PSTN hold an E5 licence
# description: >-
#   Calling and conferencing with Skype for Business PSTN requires Office 365
#   Enterprise E5. A user who uses PSTN calling needs an E5 SKU with the Phone
#   System plan (MCOEV) enabled; one who uses PSTN conferencing needs an E5
#   SKU with Audio Conferencing (MCOMEETADV) enabled, which the "without
#   Audio Conferencing" E5 variants lack unless an add-on provides it.
#   Skipped when nobody uses PSTN.
# custom:
#   id: O365G-005
#   severity: medium
#   source: A4
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements
#   remediation: >-
#     Assign each listed user an Office 365 or Microsoft 365 E5 licence with
#     Phone System (for PSTN calling) and Audio Conferencing (for PSTN
#     conferencing) enabled; for an E5 without Audio Conferencing, add the
#     Audio Conferencing add-on, or re-enable the plan if it was disabled for
#     the user.
package controls.o365g_005

import data.lib.snapshot

error contains msg if {
	some name in ["users", "subscriptions"]
	msg := snapshot.missing(name)
}

error contains msg if some msg in snapshot.subscription_errors

error contains msg if some msg in snapshot.plan_errors

error contains msg if some msg in snapshot.licence_errors

error contains msg if {
	some i in _pstn_users
	msg := snapshot.user_lacks_licenses(input.users[i], sprintf("/users/%d", [i]))
}

# Enabled users who use PSTN calling or conferencing, by index. A user
# without pstn is not assigned PSTN (the catalogue's "users assigned").
_pstn_users := {i |
	some i, u in input.users
	_uses_pstn(u.pstn) # first: cached, and false for most users
	not u.accountEnabled == false
}

# True when the pstn settings use calling or conferencing. A function of
# the settings, which users share, that is false rather than undefined:
# OPA computes it once per distinct value.
_uses_pstn(pstn) if {
	pstn.calling == true
} else if {
	pstn.conferencing == true
} else := false

skip contains "nobody uses Skype for Business PSTN calling or conferencing" if {
	snapshot.exported("users")
	count(_pstn_users) == 0
}

notes contains msg if {
	some i in _pstn_users
	some msg in snapshot.warning_notes(input.users[i])
}

_e5_skus(u) := {sku |
	some sku in snapshot.user_skus(u)
	data.tenantscan.skus[sku].e5 == true
	snapshot.subscription_usable(sku)
}

# True when a licence of the user is not established (subscription unlisted
# or its state not exported): no E5 verdict without it.
_e5_undetermined(u) if {
	some sku in snapshot.user_skus(u)
	not snapshot.licence_determined(sku)
}

# What the user lacks for the PSTN services they use; a plan whose state is
# unknown is not said to be lacking (the control errors instead).
_lack_list(u) := array.concat(array.concat(_no_e5(u), _no_calling(u)), _no_conferencing(u))

_no_e5(u) := ["an E5 licence"] if {
	count(_e5_skus(u)) == 0
	not _e5_undetermined(u)
} else := []

_no_calling(u) := ["the Phone System plan (MCOEV) for PSTN calling"] if {
	u.pstn.calling == true
	snapshot.plan_state(u, data.tenantscan.servicePlans.pstnCalling) == "off"
} else := []

_no_conferencing(u) := ["the Audio Conferencing plan (MCOMEETADV) for PSTN conferencing"] if {
	u.pstn.conferencing == true
	snapshot.plan_state(u, data.tenantscan.servicePlans.pstnConferencing) == "off"
} else := []

deny contains finding if {
	some i in _pstn_users
	u := input.users[i]
	snapshot.present(u, "licenses")
	lacks := _lack_list(u)
	count(lacks) > 0
	finding := {
		"msg": sprintf("%s uses PSTN %s but lacks %s", [u.userPrincipalName, _uses(u), concat(" and ", lacks)]),
		"resource": {"kind": "user", "id": u.userPrincipalName},
		"path": sprintf("/users/%d", [i]),
		"evidence": {
			"pstn": u.pstn,
			"licenses": snapshot.user_skus(u),
			"e5Licenses": sort(_e5_skus(u)),
			"disabledPlans": object.get(u, "disabledPlans", []),
			"enabledPstnPlans": sort(snapshot.user_plans_of(u, array.concat(data.tenantscan.servicePlans.pstnCalling, data.tenantscan.servicePlans.pstnConferencing))),
		},
	}
}

_uses(u) := "calling and conferencing" if {
	u.pstn.calling == true
	u.pstn.conferencing == true
} else := "calling" if {
	u.pstn.calling == true
} else := "conferencing"
