# METADATA
# title: Connected records are accounts, leads or opportunities
# description: >-
#   The Office 365 Connector for Dynamics 365 supports only account, lead and
#   opportunity records (tenantscan.connector.entities). Every record
#   connected to a group through a connector to an instance that uses Groups
#   must be of one of those entities.
# custom:
#   id: O365G-014
#   severity: medium
#   source: A13
#   phase: connectors
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section "Office 365 Connectors for Groups"
#   remediation: >-
#     In Outlook, open the group > Connectors > Dynamics 365 Online > View,
#     remove the unsupported record, and connect an account, lead or
#     opportunity instead.
package controls.o365g_014

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

_allowed := {lower(e) | some e in data.tenantscan.connector.entities}

deny contains finding if {
	some i in snapshot.connected_groups
	g := input.groups[i]
	some k, r in g.connector.connectedRecords
	not lower(r.entity) in _allowed
	name := object.get(r, "name", object.get(r, "id", "(unnamed)"))
	finding := {
		"msg": sprintf("group %s is connected to %s record %s; only %s records are supported", [snapshot.group_label(g), r.entity, name, concat(", ", data.tenantscan.connector.entities)]),
		"resource": {"kind": "connectedRecord", "id": snapshot.record_key(g, r)},
		"path": sprintf("/groups/%d/connector/connectedRecords/%d", [i, k]),
		"evidence": {"entity": r.entity, "record": name, "group": snapshot.group_label(g), "groupId": snapshot.group_key(g), "supported": data.tenantscan.connector.entities},
	}
}
