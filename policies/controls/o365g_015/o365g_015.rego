# METADATA
# title: No group has more than five connected records
# description: >-
#   Up to five Dynamics 365 records can be connected to one group through the
#   Office 365 Connector (tenantscan.connector.maxConnectedRecords).
# custom:
#   id: O365G-015
#   severity: medium
#   source: A13
#   phase: connectors
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section "Office 365 Connectors for Groups"
#   remediation: >-
#     In Outlook, open the group > Connectors > Dynamics 365 Online > View and
#     remove records until at most five remain; create another group for the
#     others.
package controls.o365g_015

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

_error contains msg if some msg in snapshot.connector_records_errors

skip contains msg if msg := snapshot.no_connected_group

notes contains msg if some msg in snapshot.connected_out_of_scope_notes

deny contains finding if {
	some i in snapshot.connected_groups
	g := input.groups[i]
	records := g.connector.connectedRecords
	limit := data.tenantscan.connector.maxConnectedRecords
	count(records) > limit
	finding := {
		"msg": sprintf("group %s has %d connected records, more than %d", [snapshot.group_label(g), count(records), limit]),
		"resource": {"kind": "group", "id": snapshot.group_key(g)},
		"path": sprintf("/groups/%d/connector/connectedRecords", [i]),
		"evidence": {
			"connectedRecords": count(records),
			"limit": limit,
			"records": [sprintf("%s %s", [r.entity, object.get(r, "name", object.get(r, "id", ""))]) | some r in records],
		},
	}
}
