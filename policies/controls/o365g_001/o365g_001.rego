# METADATA
# title: Dynamics 365 instances that use Groups are online
# description: >-
#   Office 365 Groups is provisioned from the Office 365 admin centre onto a
#   Dynamics 365 (online) instance. An on-premises deployment cannot use it,
#   so every instance in scope for Groups must be online.
# custom:
#   id: O365G-001
#   severity: critical
#   source: A1
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements
#   remediation: >-
#     Use Office 365 Groups only with a Dynamics 365 (online) instance: move
#     the organization to Dynamics 365 (online), or set usesGroups to false
#     for the on-premises deployment so it is not planned for Groups.
package controls.o365g_001

import data.lib.snapshot

error contains msg if msg := snapshot.missing("dynamics")

error contains msg if {
	some i in snapshot.in_scope_instances
	not input.dynamics[i].deployment
	msg := snapshot.lacks("deployment", sprintf("instance %s", [input.dynamics[i].name]), sprintf("/dynamics/%d/deployment", [i]))
}

skip contains msg if msg := snapshot.no_instance_in_scope

notes contains msg if some msg in snapshot.out_of_scope_notes

deny contains finding if {
	some i in snapshot.in_scope_instances
	inst := input.dynamics[i]
	inst.deployment != "online"
	finding := {
		"msg": sprintf("instance %s is deployed %s, not online", [inst.name, inst.deployment]),
		"resource": {"kind": "dynamicsInstance", "id": inst.name},
		"path": sprintf("/dynamics/%d", [i]),
		"evidence": {"deployment": inst.deployment, "url": object.get(inst, "url", null)},
	}
}
