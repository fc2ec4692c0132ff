# METADATA
# title: No guests in groups connected to sensitive records
# description: >-
#   Data shared to a group is stored in Exchange and SharePoint and shared
#   with every member, even members who are not licensed or authorized
#   Dynamics 365 users. A group connected to a sensitive record must have no
#   guest (external) member: a member whose user has userType Guest, an
#   external #EXT# principal name, or a name no tenant user has in a domain
#   that is not the tenant's. One finding per group, naming its guests.
# custom:
#   id: O365G-018
#   severity: high
#   source: A14, A15
#   phase: connectors
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section "Office 365 Groups and privacy"
#   remediation: >-
#     Remove the guests from the group (Outlook or the Microsoft 365 admin
#     centre: group > Members), or move the sensitive record to a private
#     group that has internal members only.
package controls.o365g_018

import data.lib.snapshot

# Errors count only when the control has something to check: a tenant
# where nothing is in scope skips, whatever else it lacks.
error contains msg if {
	snapshot.group_controls_apply
	some msg in _error
}

_error contains msg if {
	some name in ["groups", "dynamics", "users"]
	msg := snapshot.missing(name)
}

_error contains msg if {
	some i in snapshot.sensitive_groups
	not _has_members(input.groups[i])
	msg := snapshot.lacks("members", sprintf("group %s", [snapshot.group_label(input.groups[i])]), sprintf("/groups/%d/members", [i]))
}

_error contains msg if some msg in snapshot.connector_records_errors

skip contains msg if msg := snapshot.no_connected_group

skip contains "no group is connected to a sensitive record" if {
	count(snapshot.connected_groups) > 0
	count(snapshot.sensitive_groups) == 0
	count(snapshot.connector_records_errors) == 0
}

notes contains msg if some msg in snapshot.connected_out_of_scope_notes

deny contains finding if {
	# Guests are told from members by the tenant's users.
	snapshot.exported("users")
	some i in snapshot.sensitive_groups
	g := input.groups[i]
	guests := [m | some m in g.members; snapshot.is_guest(m)]
	count(guests) > 0
	finding := {
		"msg": sprintf("group %s is connected to sensitive records and has %d guest member(s): %s", [snapshot.group_label(g), count(guests), concat(", ", guests)]),
		"resource": {"kind": "group", "id": snapshot.group_key(g)},
		"path": sprintf("/groups/%d/members", [i]),
		"evidence": {"guests": guests, "sensitiveRecords": snapshot.sensitive_records(g), "visibility": snapshot.group_visibility(g)},
	}
}

# A helper, because `not is_array(x.y)` is undefined, not true, when x.y is.
_has_members(g) if is_array(g.members)
