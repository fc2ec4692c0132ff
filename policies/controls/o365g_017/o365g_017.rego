# METADATA
# title: Groups connected to sensitive records are private
# description: >-
#   Everyone in the organization can see the content of a public group. For
#   sensitive information, connect the Dynamics 365 record to a private group,
#   where only approved members see it. A record is sensitive when the
#   snapshot marks it so or its entity is in tenantscan.sensitiveEntities.
#   HiddenMembership counts as private; a group without a visibility is
#   public. Skipped when no group is connected to a sensitive record.
# custom:
#   id: O365G-017
#   severity: critical
#   source: A14
#   phase: connectors
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section "Office 365 Groups and privacy"
#   remediation: >-
#     Make the group private (Outlook or the Microsoft 365 admin centre: group
#     settings > Privacy > Private), or disconnect the sensitive record and
#     connect it to a private group.
package controls.o365g_017

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

skip contains "no group is connected to a sensitive record" if {
	count(snapshot.connected_groups) > 0
	count(snapshot.sensitive_groups) == 0
	count(snapshot.connector_records_errors) == 0
}

notes contains msg if some msg in snapshot.connected_out_of_scope_notes

deny contains finding if {
	some i in snapshot.sensitive_groups
	g := input.groups[i]
	not snapshot.group_private(g)
	finding := {
		"msg": sprintf("group %s is %s but connected to sensitive records: %s", [snapshot.group_label(g), snapshot.group_visibility(g), concat(", ", snapshot.sensitive_records(g))]),
		"resource": {"kind": "group", "id": snapshot.group_key(g)},
		"path": sprintf("/groups/%d/visibility", [i]),
		"evidence": {"visibility": snapshot.group_visibility(g), "sensitiveRecords": snapshot.sensitive_records(g)},
	}
}
