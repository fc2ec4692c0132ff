# METADATA
# title: Dynamics users hold ISV Extensions at organization level
# description: >-
#   Users without the ISV Extensions privilege do not see the Office 365
#   Groups item on a record's navigation menu. Every enabled Dynamics user of
#   an instance that uses Groups must have at least one security role of that
#   instance holding prvISVExtensions at organization (Global) depth. A user
#   names a role by its id or its name (the loader rejects a name that is
#   ambiguous); a user, role or privilege whose roles, privileges or depth
#   were not exported makes the control error, never pass.
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

# Errors count only when the control has something to check: a tenant
# where nothing is in scope skips, whatever else it lacks.
error contains msg if {
	snapshot.user_controls_apply
	some msg in _error
}

_error contains msg if {
	# users: who is disabled (accountEnabled false) is out of scope.
	some name in ["dynamics", "users"]
	msg := snapshot.missing(name)
}

_error contains msg if some msg in snapshot.instance_users_errors

_error contains msg if some msg in snapshot.lacking_messages("securityRoles")

_error contains msg if {
	some e in snapshot.scoped_dynamics_entries
	e.roles == null
	msg := snapshot.lacks("roles", sprintf("Dynamics user %s of instance %s", [e.userPrincipalName, e.instance]), sprintf("%s/roles", [snapshot.entry_path(e)]))
}

# A role a user holds whose privileges, or whose ISV Extensions depth, were
# not exported.
_error contains msg if {
	some i in snapshot.in_scope_instances
	some k in _incomplete[i]
	role := input.dynamics[i].securityRoles[k]
	_held_by_ungranted(i, role)
	msg := _incomplete_message(i, k, role)
}

skip contains msg if msg := snapshot.no_instance_in_scope

skip contains "no enabled Dynamics user in the instances that use Groups" if {
	count(snapshot.in_scope_instances) > 0
	count(snapshot.instances_lacking_users) == 0
	snapshot.exported("users")
	count(snapshot.scoped_dynamics_entries) == 0
}

notes contains msg if some msg in snapshot.out_of_scope_notes

_privilege := lower(data.tenantscan.isvExtensions.privilege)

_required := data.tenantscan.isvExtensions.depth

# The references (id and name) by which a role can be named.
_refs(role) := {r | some r in [object.get(role, "id", null), role.name]; is_string(r)}

# The ISV Extensions privileges of a role.
_isv(role) := [p | some p in object.get(role, "privileges", []); lower(p.name) == _privilege]

# Roles, by index, that grant ISV Extensions at the required depth, and the
# references that name them; sets, so that two roles with one name never
# conflict.
_granting_refs := {i: refs |
	some i in snapshot.in_scope_instances
	refs := {r |
		some role in object.get(input.dynamics[i], "securityRoles", [])
		some p in _isv(role)
		p.depth == _required
		some r in _refs(role)
	}
}

# Roles, by index, whose grant cannot be established: privileges not
# exported, or the ISV Extensions privilege without a depth.
_incomplete := {i: ks |
	some i in snapshot.in_scope_instances
	ks := {k |
		some k, role in object.get(input.dynamics[i], "securityRoles", [])
		_role_incomplete(role)
	}
}

_role_incomplete(role) if not snapshot.present(role, "privileges")

_role_incomplete(role) if {
	some p in _isv(role)
	not snapshot.present(p, "depth")
}

_incomplete_message(i, k, role) := snapshot.lacks("privileges", _role_label(i, role), sprintf("/dynamics/%d/securityRoles/%d/privileges", [i, k])) if {
	not snapshot.present(role, "privileges")
} else := snapshot.lacks(sprintf("the depth of privilege %s", [data.tenantscan.isvExtensions.privilege]), _role_label(i, role), sprintf("/dynamics/%d/securityRoles/%d/privileges/%d/depth", [i, k, _depthless(role)]))

# The index of the role's first ISV Extensions privilege without a depth.
_depthless(role) := min({j |
	some j, p in role.privileges
	lower(p.name) == _privilege
	not snapshot.present(p, "depth")
})

_role_label(i, role) := sprintf("role %s (id %s) of instance %s", [role.name, role.id, input.dynamics[i].name]) if {
	is_string(role.id)
} else := sprintf("role %s of instance %s", [role.name, input.dynamics[i].name])

# True when some scoped Dynamics user of instance i names the role and no
# other role of theirs already grants the privilege: only then does the
# role's missing data decide a verdict.
_held_by_ungranted(i, role) if {
	refs := _refs(role)
	some e in snapshot.scoped_dynamics_entries
	e.instanceIndex == i
	is_array(e.roles)
	some r in e.roles
	r in refs
	not _granted(e)
}

# Whether a user is judged, and what a finding says about them, depends
# on their instance and their list of roles alone: these are functions of
# (instance index, roles), which OPA computes once per distinct pair for
# the whole evaluation (users share a few lists of roles), and they return
# false rather than nothing, so that a negative answer is remembered too.

# True when one of the entry's roles grants ISV Extensions at the depth.
_granted(e) if _grants(e.instanceIndex, e.roles)

_grants(i, roles) if {
	some r in roles
	r in _granting_refs[i]
} else := false

# True when one of the roles (of instance i) cannot be judged.
_undetermined(i, roles) if {
	some k in _incomplete[i]
	role := input.dynamics[i].securityRoles[k]
	some r in roles
	r in _refs(role)
} else := false

# The ISV Extensions depth of the role a reference names, for evidence.
_depth_of(i, r) := d if {
	some role in input.dynamics[i].securityRoles
	r in _refs(role)
	d := _best([p.depth | some p in _isv(role)])
} else := "role not found"

_best(depths) := _required if {
	_required in depths
} else := depths[0] if {
	count(depths) > 0
} else := "none"

deny contains finding if {
	some e in snapshot.scoped_dynamics_entries
	fails := _fails(e.instanceIndex, e.roles)
	fails.tail
	finding := {
		"msg": concat("", [e.upn, fails.tail]),
		"resource": {"kind": "dynamicsUser", "id": sprintf("%s/%s", [e.instance, e.upn])},
		"path": sprintf("/dynamics/%d/users/%d", [e.instanceIndex, e.userIndex]), # snapshot.entry_path(e), without a call per finding
		"evidence": fails.evidence,
	}
}

# What a finding says about a user of instance i holding roles: the
# message after the user's name (tail) and the evidence (the instance, the
# roles and the depth each holds); tail is false when such a user does not
# fail (roles not exported, or granted, or undetermined).
_fails(i, roles) := {"tail": _message_tail(i, roles), "evidence": {
	"instance": input.dynamics[i].name,
	"roles": roles,
	"isvExtensionsDepth": {r: _depth_of(i, r) | some r in roles},
	"requiredDepth": _required,
}} if {
	is_array(roles)
	is_array(input.dynamics[i].securityRoles)
	not _grants(i, roles)
	not _undetermined(i, roles)
} else := {"tail": false}

# A finding's message after the user's name.
_message_tail(i, roles) := sprintf(" has no security role in instance %s", [input.dynamics[i].name]) if {
	count(roles) == 0
} else := sprintf(" has no role with ISV Extensions at %s depth in instance %s (roles: %s)", [
	_required, input.dynamics[i].name, concat(", ", roles),
])
