# METADATA
# title: Snapshot helpers
# description: >-
#   Indexes and joins over a tenant snapshot (format v1), built once per
#   input so that controls look facts up by key instead of scanning lists
#   inside lists.
package lib.snapshot

# A list the snapshot does not hold at all: "not exported", which makes the
# controls that need it report error rather than pass.
missing(name) := sprintf("snapshot lacks %s (not exported)", [name]) if not exported(name)

# A list the snapshot holds (possibly empty).
exported(name) if is_array(input[name])

# Dynamics 365 instances that use Office 365 Groups, by index.
in_scope_instances contains i if {
	some i, inst in input.dynamics
	inst.usesGroups == true
}

# Notes naming the instances that are out of scope, so that an auditor sees
# they were considered and why they were left out.
out_of_scope_notes contains msg if {
	some inst in input.dynamics
	not inst.usesGroups == true
	msg := sprintf("instance %s is out of scope: usesGroups is not true", [inst.name])
}

# Reason to skip an instance control: no instance uses Groups.
no_instance_in_scope := "no Dynamics 365 instance uses Office 365 Groups (usesGroups: true)" if {
	is_array(input.dynamics)
	count(in_scope_instances) == 0
}

# Tenant user indexes by lower-case userPrincipalName. Lookups are by key, so this
# is a complete object built once, not a partial rule: looking a key up in a
# partial object rule would evaluate its body again, a scan per lookup.
users_by_upn := {lower(u.userPrincipalName): i | some i, u in input.users}

# True when the tenant user of a lower-case UPN has accountEnabled false
# (a helper, so that "not" covers the lookup too).
account_disabled(upn) if input.users[users_by_upn[upn]].accountEnabled == false

# Subscriptions by skuPartNumber.
subscriptions_by_sku := {s.skuPartNumber: s | some s in input.subscriptions}

# A subscription counts when its capabilityStatus is usable (Enabled, or
# Warning: a grace period) or not exported.
subscription_usable(sku) if {
	s := subscriptions_by_sku[sku]
	object.get(s, "capabilityStatus", "Enabled") in data.tenantscan.usableCapabilityStatuses
}

# Enabled Dynamics users of in-scope instances, one entry each, with the
# instance and snapshot path where it appears. Disabled ones (enabled: false)
# are out of scope.
_dynamics_entries := [e |
	some i in in_scope_instances
	some j, u in input.dynamics[i].users
	not u.enabled == false
	e := {
		"upn": lower(u.userPrincipalName),
		"userPrincipalName": u.userPrincipalName,
		"instanceIndex": i,
		"instance": input.dynamics[i].name,
		"userIndex": j,
		"roles": object.get(u, "roles", []),
	}
]

# The snapshot path of a Dynamics user entry (computed for findings only).
entry_path(e) := sprintf("/dynamics/%d/users/%d", [e.instanceIndex, e.userIndex])

# Enabled Dynamics users whose tenant account is not disabled, one entry per
# instance they appear in.
scoped_dynamics_entries := [e |
	some e in _dynamics_entries
	not account_disabled(e.upn)
]

# In-scope instances that did not export their system users.
instances_lacking_users contains input.dynamics[i].name if {
	some i in in_scope_instances
	not _has_users(input.dynamics[i])
}

_has_users(inst) if is_array(inst.users)

# Enabled Dynamics users joined to the tenant user of the same UPN. A
# Dynamics user whose tenant account is disabled is out of scope; one not
# found among the tenant's users is evaluated with no licence and no mailbox.
scoped_users := {upn: _join(upn, entries) |
	some e in scoped_dynamics_entries
	upn := e.upn
	entries := [x | some x in scoped_dynamics_entries; x.upn == upn] # indexed by OPA: linear
}

_join(upn, entries) := {
	"upn": user.userPrincipalName,
	"found": true,
	"user": user,
	"index": i,
	"entries": entries,
} if {
	i := users_by_upn[upn]
	user := input.users[i]
} else := {
	"upn": upn,
	"found": false,
	"user": {"userPrincipalName": upn, "licenses": [], "disabledPlans": []},
	"entries": entries,
}

# The snapshot path of a joined user: the tenant user, else the first
# Dynamics entry (computed for findings only).
user_path(u) := sprintf("/users/%d", [u.index]) if {
	u.found
} else := entry_path(u.entries[0])

# The instances where a joined user is a Dynamics user.
user_instances(u) := sort({e.instance | some e in u.entries})

# Numeric parts of a version string, padded to four: "07.00.0001" is
# [7, 0, 1, 0]. The loader guarantees 1 to 4 numeric parts.
version_key(v) := array.concat(parts, array.slice([0, 0, 0, 0], 0, 4 - count(parts))) if {
	parts := [to_number(p) | some p in split(v, ".")]
}

# True when version v is at least version floor, comparing part by part.
version_at_least(v, floor) if version_key(v) >= version_key(floor)

# Names of the instances that use Groups.
in_scope_instance_names := {input.dynamics[i].name | some i in in_scope_instances}

# Reason to skip a user control: nobody to check.
no_dynamics_user := "no enabled Dynamics user in the instances that use Groups" if {
	count(in_scope_instances) > 0
	count(instances_lacking_users) == 0
	count(scoped_users) == 0
}

# In-scope instances that did not export an object or list a control needs.
instances_lacking(field) := {input.dynamics[i].name |
	some i in in_scope_instances
	not input.dynamics[i][field]
}

# Error messages for in-scope instances lacking a field.
lacking_messages(field) := {sprintf("snapshot lacks %s of instance %s (not exported)", [field, name]) |
	some name in instances_lacking(field)
}

# Service plans -------------------------------------------------------------

# Plan names match with or without the _GOV suffix of government clouds.
plan_matches(plan, names) if plan in names

plan_matches(plan, names) if {
	endswith(plan, "_GOV")
	trim_suffix(plan, "_GOV") in names
}

# The service plans of a subscription: those exported, with the plans the
# policy data knows its SKU always has (tenantscan.skus[sku].servicePlans),
# so that a partial list in a hand-written snapshot does not hide a plan
# the SKU includes. Per-user disabledPlans still remove them.
subscription_plans(s) := array.concat(_exported_plans(s), object.get(data.tenantscan.skus, [s.skuPartNumber, "servicePlans"], []))

_exported_plans(s) := s.servicePlans if {
	is_array(s.servicePlans)
} else := []

# The plans shown in evidence: as exported, else as the policy data knows.
plans_shown(s) := s.servicePlans if {
	is_array(s.servicePlans)
} else := object.get(data.tenantscan.skus, [s.skuPartNumber, "servicePlans"], [])

# A user's licence counts when its subscription is usable, or when the
# snapshot lists no subscription of that SKU at all (an incomplete list is
# no reason to take a licence away; a Suspended one is).
licence_usable(sku) if subscription_usable(sku)

licence_usable(sku) if not subscriptions_by_sku[sku]

# Licences held by some user with no subscription in the snapshot.
unlisted_licences := {sku |
	some u in input.users
	some sku in object.get(u, "licenses", [])
	not subscriptions_by_sku[sku]
}

# The service plans of each usable subscription, as sets, built once.
_usable_plans := {sku: {p | some p in subscription_plans(s)} |
	some sku, s in subscriptions_by_sku
	subscription_usable(sku)
}

# The service plans enabled for a user: the plans of the usable
# subscriptions named in the user's licences, less the user's disabledPlans.
user_plans(user) := {plan | some sku in object.get(user, "licenses", []); some plan in _licence_plans(sku)} - {p | some p in object.get(user, "disabledPlans", [])}

# The plans a licence brings: its subscription's, or, with no subscription
# listed, the plans the policy data knows for the SKU.
_licence_plans(sku) := _usable_plans[sku] if {
	_usable_plans[sku]
} else := {p | some p in object.get(data.tenantscan.skus, [sku, "servicePlans"], [])} if {
	not subscriptions_by_sku[sku]
} else := set()

# The user's enabled plans that are among names.
user_plans_of(user, names) := {p | some p in user_plans(user); plan_matches(p, names)}

# True when the user has an enabled plan among names. The common case, no
# disabled plans, needs no set built per user.
user_has_plan_in(user, names) if {
	count(object.get(user, "disabledPlans", [])) == 0
	some sku in object.get(user, "licenses", [])
	some p in _licence_plans(sku)
	plan_matches(p, names)
}

user_has_plan_in(user, names) if {
	count(object.get(user, "disabledPlans", [])) > 0
	count(user_plans_of(user, names)) > 0
}

# SKUs whose subscription is in its Warning grace period.
warning_skus := {s.skuPartNumber | some s in input.subscriptions; s.capabilityStatus == "Warning"}

# Notes for the Warning subscriptions whose licences some user holds, built
# once per snapshot.
warning_sku_notes := {sprintf("subscription %s is in Warning (grace period); its licences still count", [sku]) |
	some sku in warning_skus
	_held(sku)
}

# True when some user holds a licence of sku (stops at the first one).
_held(sku) if {
	some u in input.users
	sku in object.get(u, "licenses", [])
}

# Notes for the Warning subscriptions a user relies on (none, quickly,
# when no subscription is in Warning).
warning_notes(user) := set() if {
	count(warning_skus) == 0
} else := {sprintf("subscription %s is in Warning (grace period); its licences still count", [sku]) |
	some sku in object.get(user, "licenses", [])
	sku in warning_skus
}

# Groups ---------------------------------------------------------------------

# Groups whose Office 365 Connector points at an instance that uses Groups,
# by index.
connected_groups contains i if {
	some i, g in input.groups
	g.connector.instance in in_scope_instance_names
}

# Notes naming connected groups left out because their instance is out of
# scope.
connected_out_of_scope_notes contains msg if {
	some g in input.groups
	g.connector
	not g.connector.instance in in_scope_instance_names
	msg := sprintf("group %s is connected to instance %s, which is out of scope", [group_id(g), g.connector.instance])
}

# Reason to skip a connector control.
no_connected_group := "no Office 365 group has a connector to an instance that uses Groups" if {
	is_array(input.groups)
	count(connected_groups) == 0
}

# How findings name a group: its display name, else its id or mail.
group_id(g) := g.displayName if {
	g.displayName != ""
} else := g.id if {
	g.id
} else := g.mail if {
	g.mail
} else := "(unnamed group)"

# A group is private when its visibility is Private or HiddenMembership;
# absent or null visibility is Public, as Graph creates it.
group_private(g) if g.visibility in {"Private", "HiddenMembership"}

# Visibility as shown in evidence.
group_visibility(g) := g.visibility if {
	is_string(g.visibility)
} else := "Public (visibility not set)"

_sensitive_entities := {lower(e) | some e in data.tenantscan.sensitiveEntities}

# A connected record is sensitive when the snapshot says so or its entity is
# listed in the policy data.
record_sensitive(r) if r.sensitive == true

record_sensitive(r) if lower(r.entity) in _sensitive_entities

# Connected groups holding at least one sensitive record, by index.
sensitive_groups contains i if {
	some i in connected_groups
	some r in input.groups[i].connector.connectedRecords
	record_sensitive(r)
}

# The sensitive records of a group, as shown in evidence.
sensitive_records(g) := [sprintf("%s %s", [r.entity, object.get(r, "name", object.get(r, "id", ""))]) |
	some r in g.connector.connectedRecords
	record_sensitive(r)
]

_guest_upns := {lower(u.userPrincipalName) | some u in input.users; u.userType == "Guest"}

# A member is a guest when the matching user has userType Guest, when the
# name is an external (#EXT#) principal name, or when no user of the tenant
# has that name and its domain is none of the tenant's (the default domain
# and the domains of its member users).
is_guest(upn) if lower(upn) in _guest_upns

is_guest(upn) if contains(lower(upn), "#ext#")

is_guest(upn) if {
	not users_by_upn[lower(upn)]
	not upn_domain(upn) in _tenant_domains
}

# The domain of a user principal name, lower case.
upn_domain(upn) := lower(parts[count(parts) - 1]) if parts := split(upn, "@")

_tenant_domains := {d |
	some u in input.users
	not u.userType == "Guest"
	d := upn_domain(u.userPrincipalName)
} | {lower(d) | d := input.tenant.defaultDomain}
