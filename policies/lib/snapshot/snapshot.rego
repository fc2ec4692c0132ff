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

# Tenant users by lower-case userPrincipalName.
users_by_upn[lower(u.userPrincipalName)] := {"index": i, "user": u} if {
	some i, u in input.users
}

# Subscriptions by skuPartNumber.
subscriptions_by_sku[s.skuPartNumber] := s if {
	some s in input.subscriptions
}

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
		"instance": input.dynamics[i].name,
		"path": sprintf("/dynamics/%d/users/%d", [i, j]),
		"roles": object.get(u, "roles", []),
	}
]

# The entries grouped by lower-case UPN (a comprehension OPA indexes, so the
# grouping is linear in the number of entries).
dynamics_users[upn] := entries if {
	some e in _dynamics_entries
	upn := e.upn
	entries := [x | some x in _dynamics_entries; x.upn == upn]
}

# In-scope instances that did not export their system users.
instances_lacking_users contains input.dynamics[i].name if {
	some i in in_scope_instances
	not _has_users(input.dynamics[i])
}

_has_users(inst) if is_array(inst.users)

# Enabled Dynamics users joined to the tenant user of the same UPN. A
# Dynamics user whose tenant account is disabled is out of scope; one not
# found among the tenant's users is evaluated with no licence and no mailbox.
scoped_users[upn] := joined if {
	some upn, entries in dynamics_users
	not users_by_upn[upn].user.accountEnabled == false
	joined := _join(upn, entries)
}

_join(upn, entries) := {
	"upn": tenant.user.userPrincipalName,
	"found": true,
	"user": tenant.user,
	"path": sprintf("/users/%d", [tenant.index]),
	"instances": sort({e.instance | some e in entries}),
	"entries": entries,
} if {
	tenant := users_by_upn[upn]
}

_join(upn, entries) := {
	"upn": upn,
	"found": false,
	"user": {"userPrincipalName": upn, "licenses": [], "disabledPlans": []},
	"path": entries[0].path,
	"instances": sort({e.instance | some e in entries}),
	"entries": entries,
} if {
	not users_by_upn[upn]
}

# Numeric parts of a version string, padded to four: "07.00.0001" is
# [7, 0, 1, 0]. The loader guarantees 1 to 4 numeric parts.
version_key(v) := array.concat(parts, array.slice([0, 0, 0, 0], 0, 4 - count(parts))) if {
	parts := [to_number(p) | some p in split(v, ".")]
}

# True when version v is at least version floor, comparing part by part.
version_at_least(v, floor) if version_key(v) >= version_key(floor)
