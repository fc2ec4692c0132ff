# METADATA
# title: Dynamics users have an Exchange Online mailbox
# description: >-
#   Users must have an Exchange Online mailbox to use Office 365 Groups. Every
#   enabled Dynamics user of an instance that uses Groups must have a user
#   mailbox (RecipientTypeDetails UserMailbox) and an Exchange Online service
#   plan enabled through a usable subscription. Exchange Foundation does not
#   count, and a plan listed in the user's disabledPlans is not enabled.
# custom:
#   id: O365G-006
#   severity: high
#   source: A5
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements
#   remediation: >-
#     In the Microsoft 365 admin centre, assign each listed user a licence
#     with Exchange Online (or re-enable the Exchange Online plan switched off
#     for them) and wait for the user mailbox to be created; a shared or
#     on-premises mailbox does not count.
package controls.o365g_006

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

_error contains "snapshot lacks mailboxes (Exchange Online not exported)" if "mailboxes" in object.get(input, "notExported", [])

_error contains msg if some msg in snapshot.instance_users_errors

_error contains msg if some msg in snapshot.subscription_errors

_error contains msg if some msg in snapshot.plan_errors

_error contains msg if some msg in snapshot.licence_errors

_error contains msg if some msg in snapshot.scoped_users_lacking_licenses

skip contains msg if msg := snapshot.no_instance_in_scope

skip contains msg if msg := snapshot.no_dynamics_user

notes contains msg if some msg in snapshot.out_of_scope_notes

notes contains msg if some msg in snapshot.warning_sku_notes

_exo := data.tenantscan.servicePlans.exchangeOnline

_mailboxes_exported if not "mailboxes" in object.get(input, "notExported", [])

# Problems established for a user. A mailbox is null or absent when the
# user has none (Exchange returns no mailbox for them); a plan whose state
# is unknown (an unlisted subscription, a status or plans not exported) is
# no problem here: the control errors for it instead.
_problems(u) := [p |
	some p in array.concat(_mailbox_problem(u), _plan_problem(u))
]

_mailbox_problem(u) := ["is not found among the tenant's users"] if {
	not u.found
} else := [] if {
	not _mailboxes_exported
} else := ["has no mailbox"] if {
	not _has_mailbox(u.user)
} else := [sprintf("has a %s, not a UserMailbox", [u.user.mailbox])] if {
	u.user.mailbox != "UserMailbox"
} else := []

_plan_problem(u) := [_no_plan_message(u.user)] if {
	u.found
	snapshot.present(u.user, "licenses")
	snapshot.plan_state(u.user, _exo) == "off"
} else := []

# Why no Exchange Online plan is enabled, with where one would have come
# from: a subscription that is not usable, or a licence that switches it off.
_no_plan_message(user) := sprintf("has no enabled Exchange Online plan (its Exchange plan comes only from %s)", [concat(", ", unusable)]) if {
	unusable := snapshot.plans_from_unusable(user, _exo)
	count(unusable) > 0
} else := sprintf("has no enabled Exchange Online plan (switched off on %s)", [concat(", ", off)]) if {
	off := snapshot.plans_switched_off(user, _exo)
	count(off) > 0
} else := "has no enabled Exchange Online plan"

# The common case, checked first: found, a user mailbox, an Exchange plan.
_ok(u) if {
	u.found
	u.user.mailbox == "UserMailbox"

	# licenses absent: not ok either (plan_state "off"); _problems says why.
	snapshot.licences_plan_state(u.user.licenses, object.get(u.user, "disabledPlans", []), _exo) == "enabled"
}

deny contains finding if {
	some u in snapshot.scoped_users
	not _ok(u)
	problems := _problems(u)
	count(problems) > 0
	finding := {
		"msg": sprintf("%s %s", [u.upn, concat(" and ", problems)]),
		"resource": {"kind": "user", "id": u.upn},
		"path": snapshot.user_path(u),
		"evidence": {
			"mailbox": object.get(u.user, "mailbox", null),
			"exchangePlans": sort(snapshot.user_plans_of(u.user, _exo)),
			"exchangePlanFromUnusableSubscription": snapshot.plans_from_unusable(u.user, _exo),
			"licenses": snapshot.user_skus(u.user),
			"disabledPlans": object.get(u.user, "disabledPlans", []),
			"instances": snapshot.user_instances(u),
			"foundAmongTenantUsers": u.found,
		},
	}
}

# A helper, because `not is_string(x.y)` is undefined, not true, when x.y is.
_has_mailbox(user) if is_string(user.mailbox)
