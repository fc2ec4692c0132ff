# METADATA
# title: The tenant has SharePoint Online in an enabled subscription
# description: >-
#   Group documents are stored in SharePoint Online, and the group's OneNote
#   notebook lives there too. The tenant must hold an Enabled (or Warning)
#   subscription that includes a SharePoint Online service plan.
# custom:
#   id: O365G-008
#   severity: high
#   source: A6
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements
#   remediation: >-
#     Add SharePoint Online to the tenant: buy or reactivate an Office 365
#     Enterprise E3-or-later subscription (or a SharePoint Online plan) in the
#     Microsoft 365 admin centre.
package controls.o365g_008

import data.lib.snapshot

error contains msg if msg := snapshot.missing("subscriptions")

error contains msg if some msg in snapshot.subscription_errors

error contains msg if some msg in snapshot.plan_errors

error contains msg if some msg in snapshot.licence_errors

# True when every subscription's state and plans are known, and no licence
# names a SKU the list lacks, so that "none qualifies" is established rather
# than guessed.
_complete if {
	count(snapshot.unlisted_licences) == 0
	every s in input.subscriptions {
		snapshot.present(s, "capabilityStatus")
		snapshot.plans_known(s.skuPartNumber)
	}
}

_qualifying contains s.skuPartNumber if {
	some s in input.subscriptions
	snapshot.subscription_usable(s.skuPartNumber)
	some plan in snapshot.subscription_plans(s)
	snapshot.plan_matches(plan, data.tenantscan.servicePlans.sharePointOnline)
}

notes contains sprintf("subscription %s counts although it is in Warning (grace period)", [sku]) if {
	some sku in _qualifying
	sku in snapshot.warning_skus
}

deny contains finding if {
	snapshot.exported("subscriptions")
	count(_qualifying) == 0
	_complete
	finding := {
		"msg": "no enabled subscription includes SharePoint Online",
		"resource": {"kind": "tenant", "id": input.tenant.id},
		"path": "/subscriptions",
		"evidence": {
			"sharePointPlans": data.tenantscan.servicePlans.sharePointOnline,
			"subscriptions": [sprintf("%s (%s): %s", [
				s.skuPartNumber,
				object.get(s, "capabilityStatus", "status not exported"),
				concat(", ", snapshot.plans_shown(s)),
			]) |
				some s in input.subscriptions
			],
		},
	}
}
