# METADATA
# title: Entities are enabled for Groups and customizations are published
# description: >-
#   Office 365 Groups is enabled per entity (Settings > Office 365 Groups >
#   Add Entity), and the change takes effect only after Publish All
#   Customizations. Every instance that uses Groups must have at least one
#   entity enabled and no customizations left unpublished.
# custom:
#   id: O365G-012
#   severity: medium
#   source: A11
#   phase: configuration
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section "Configure Office 365 Groups"
#   remediation: >-
#     In Dynamics 365, Settings > Office 365 Groups > Add Entity for each
#     entity that should have groups (custom entities included), then choose
#     Publish All Customizations.
package controls.o365g_012

import data.lib.snapshot

error contains msg if msg := snapshot.missing("dynamics")

error contains msg if some msg in snapshot.lacking_messages("groupEntities")

error contains msg if some msg in snapshot.lacking_messages("customizations")

error contains msg if some msg in snapshot.instance_lacks(["customizations", "unpublished"])

skip contains msg if msg := snapshot.no_instance_in_scope

notes contains msg if some msg in snapshot.out_of_scope_notes

_problems(inst) := [p |
	some p in array.concat(_no_entity(inst), _unpublished(inst))
]

# Each problem only when established: an absent list or setting is an
# error of its own, and hides neither the other problem nor other instances.
_no_entity(inst) := ["no entity is enabled for Office 365 Groups"] if {
	is_array(inst.groupEntities)
	count(inst.groupEntities) == 0
} else := []

_unpublished(inst) := ["customizations are saved but not published"] if {
	inst.customizations.unpublished == true
} else := []

deny contains finding if {
	some i in snapshot.in_scope_instances
	inst := input.dynamics[i]
	problems := _problems(inst)
	count(problems) > 0
	finding := {
		"msg": sprintf("instance %s: %s", [inst.name, concat(" and ", problems)]),
		"resource": {"kind": "dynamicsInstance", "id": inst.name},
		"path": sprintf("/dynamics/%d", [i]),
		"evidence": {
			"groupEntities": [e.entity | some e in object.get(inst, "groupEntities", [])],
			"unpublishedCustomizations": object.get(inst, ["customizations", "unpublished"], null),
		},
	}
}
