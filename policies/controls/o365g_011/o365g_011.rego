# METADATA
# title: Dynamics users hold ISV Extensions at organization level
# description: >-
#   Users without the ISV Extensions privilege do not see the Office 365
#   Groups item on a record's navigation menu. Every enabled Dynamics user of
#   an instance that uses Groups must have at least one security role of that
#   instance holding prvISVExtensions at organization (Global) depth.
# custom:
#   id: O365G-011
#   severity: high
#   source: A10
#   phase: permissions
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section "Security privilege"
#   remediation: >-
#     In Dynamics 365, Settings > Security > Security Roles, open a role the
#     users hold, go to the Customization tab, set Miscellaneous Privileges >
#     ISV Extensions to Organization, then Save and Close (or give the users a
#     role that already has it).
package controls.o365g_011

import data.lib.snapshot

error contains msg if msg := snapshot.missing("dynamics")

error contains msg if {
	some name in snapshot.instances_lacking_users
	msg := sprintf("snapshot lacks the users of instance %s (dynamics[].users not exported)", [name])
}

error contains msg if some msg in snapshot.lacking_messages("securityRoles")

skip contains msg if msg := snapshot.no_instance_in_scope

skip contains "no enabled Dynamics user in the instances that use Groups" if {
	count(snapshot.in_scope_instances) > 0
	count(snapshot.instances_lacking_users) == 0
	count(snapshot.scoped_dynamics_entries) == 0
}

notes contains msg if some msg in snapshot.out_of_scope_notes

_privilege := lower(data.tenantscan.isvExtensions.privilege)

# The ISV Extensions depth of each role, by instance index and role name
# ("none" when the role lacks the privilege): one object, built once.
_depth := {i: depths |
	some i in snapshot.in_scope_instances
	is_array(input.dynamics[i].securityRoles)
	depths := {role.name: depth |
		some role in input.dynamics[i].securityRoles
		found := [p.depth | some p in object.get(role, "privileges", []); lower(p.name) == _privilege]
		depth := _first(found)
	}
}

# The roles granting ISV Extensions at the required depth, by instance.
_granting := {i: {r | some r, d in depths; d == data.tenantscan.isvExtensions.depth} | some i, depths in _depth}

# True when one of the entry's roles grants ISV Extensions at the depth.
_granted(e) if {
	some r in e.roles
	_granting[e.instanceIndex][r]
}

_first(depths) := d if {
	some d in depths
	d == data.tenantscan.isvExtensions.depth
} else := depths[0] if {
	count(depths) > 0
} else := "none"

deny contains finding if {
	some e in snapshot.scoped_dynamics_entries
	not _granted(e)
	depths := _depth[e.instanceIndex]
	finding := {
		"msg": _message(e),
		"resource": {"kind": "dynamicsUser", "id": sprintf("%s/%s", [e.instance, e.upn])},
		"path": snapshot.entry_path(e),
		"evidence": {
			"instance": e.instance,
			"roles": e.roles,
			"isvExtensionsDepth": {r: object.get(depths, r, "role not found") | some r in e.roles},
			"requiredDepth": data.tenantscan.isvExtensions.depth,
		},
	}
}

_message(e) := sprintf("%s has no security role in instance %s", [e.upn, e.instance]) if {
	count(e.roles) == 0
} else := sprintf("%s has no role with ISV Extensions at %s depth in instance %s (roles: %s)", [
	e.upn, data.tenantscan.isvExtensions.depth, e.instance, concat(", ", e.roles),
])
