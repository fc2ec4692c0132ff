# METADATA
# title: The tenant subscribes to Exchange Online or SharePoint Online
# description: >-
#   Office 365 Groups needs an Office 365 subscription, or a subscription to
#   an online service such as Exchange Online or SharePoint Online. The tenant
#   must hold at least one subscription that includes an Exchange Online or
#   SharePoint Online service plan and is Enabled (Warning, the grace period,
#   still counts and is noted; Suspended, Deleted and LockedOut do not).
# custom:
#   id: O365G-003
#   severity: critical
#   source: A2
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements
#   remediation: >-
#     In the Microsoft 365 admin centre, buy or reactivate an Office 365
#     subscription (E3 or later for full integration) or an Exchange Online or
#     SharePoint Online plan, then export the snapshot again.
package controls.o365g_003

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

_services := array.concat(data.tenantscan.servicePlans.exchangeOnline, data.tenantscan.servicePlans.sharePointOnline)

# Usable subscriptions that include Exchange Online or SharePoint Online.
_qualifying contains s.skuPartNumber if {
	some s in input.subscriptions
	snapshot.subscription_usable(s.skuPartNumber)
	some plan in snapshot.subscription_plans(s)
	snapshot.plan_matches(plan, _services)
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
		"msg": "no enabled subscription includes Exchange Online or SharePoint Online",
		"resource": {"kind": "tenant", "id": input.tenant.id},
		"path": "/subscriptions",
		"evidence": {"subscriptions": [sprintf("%s (%s): %s", [
			s.skuPartNumber,
			object.get(s, "capabilityStatus", "status not exported"),
			concat(", ", snapshot.plans_shown(s)),
		]) |
			some s in input.subscriptions
		]},
	}
}
