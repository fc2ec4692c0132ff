# METADATA
# title: Connector activity types are tasks only
# description: >-
#   The Office 365 Connector sends only task activities to the group, as
#   connector cards (tenantscan.connector.activityTypes). A connector set up
#   for other activity types promises what it will not deliver.
# custom:
#   id: O365G-016
#   severity: low
#   source: A13
#   phase: connectors
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section "Office 365 Connectors for Groups"
#   remediation: >-
#     Configure the group's Dynamics 365 connector for task activities only,
#     and tell the group's members that other activities (email,
#     appointments, phone calls) are not posted to the group.
package controls.o365g_016

import data.lib.snapshot

# Errors count only when the control has something to check: a tenant
# where nothing is in scope skips, whatever else it lacks.
error contains msg if {
	snapshot.group_controls_apply
	some msg in _error
}

_error contains msg if {
	some name in ["groups", "dynamics"]
	msg := snapshot.missing(name)
}

_error contains msg if {
	some i in snapshot.connected_groups
	not _has_activity_types(input.groups[i].connector)
	msg := snapshot.lacks("connector.activityTypes", sprintf("group %s", [snapshot.group_label(input.groups[i])]), sprintf("/groups/%d/connector/activityTypes", [i]))
}

skip contains msg if msg := snapshot.no_connected_group

notes contains msg if some msg in snapshot.connected_out_of_scope_notes

_allowed := {lower(t) | some t in data.tenantscan.connector.activityTypes}

deny contains finding if {
	some i in snapshot.connected_groups
	g := input.groups[i]
	others := [t | some t in g.connector.activityTypes; not lower(t) in _allowed]
	count(others) > 0
	finding := {
		"msg": sprintf("group %s's connector sends %s; only %s activities are supported", [snapshot.group_label(g), concat(", ", others), concat(", ", data.tenantscan.connector.activityTypes)]),
		"resource": {"kind": "group", "id": snapshot.group_key(g)},
		"path": sprintf("/groups/%d/connector/activityTypes", [i]),
		"evidence": {"activityTypes": g.connector.activityTypes, "unsupported": others, "supported": data.tenantscan.connector.activityTypes},
	}
}

# A helper, because `not is_array(x.y)` is undefined, not true, when x.y is.
_has_activity_types(c) if is_array(c.activityTypes)
