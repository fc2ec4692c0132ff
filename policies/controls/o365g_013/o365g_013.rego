# METADATA
# title: Auto Create is on only for entities below the high-volume threshold
# description: >-
#   Auto Create makes a new group for every new record of an entity. It is
#   recommended only for entities whose records usually need a group; on an
#   entity that gets many new records a month it floods the tenant with
#   groups. A recommendation (warn) for each entity with Auto Create on whose
#   monthlyNewRecords reaches tenantscan.autoCreateMonthlyThreshold (500 by
#   default). An entity that does not say whether Auto Create is on, or has
#   it on with no volume figure, cannot be judged: error, naming it.
# custom:
#   id: O365G-013
#   severity: low
#   source: A12
#   phase: configuration
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section "Configure Office 365 Groups"
#   remediation: >-
#     In Dynamics 365, Settings > Office 365 Groups, clear Auto Create for the
#     listed high-volume entities and let users create groups for the records
#     that need them; then Publish All Customizations.
package controls.o365g_013

import data.lib.snapshot

error contains msg if msg := snapshot.missing("dynamics")

error contains msg if some msg in snapshot.lacking_messages("groupEntities")

skip contains msg if msg := snapshot.no_instance_in_scope

# An entity that does not say whether Auto Create is on, or has it on with
# no volume figure, cannot be judged: error naming it, never a pass.
error contains msg if {
	some i in snapshot.in_scope_instances
	some j, e in input.dynamics[i].groupEntities
	not snapshot.present(e, "autoCreate")
	msg := snapshot.lacks("autoCreate", sprintf("entity %s of instance %s", [e.entity, input.dynamics[i].name]), sprintf("/dynamics/%d/groupEntities/%d/autoCreate", [i, j]))
}

error contains msg if {
	some [i, j] in _auto
	e := input.dynamics[i].groupEntities[j]
	not _has_volume(e)
	msg := sprintf("%s; Auto Create is on, and the recommendation needs the entity's volume", [snapshot.lacks("monthlyNewRecords", sprintf("entity %s of instance %s", [e.entity, input.dynamics[i].name]), sprintf("/dynamics/%d/groupEntities/%d/monthlyNewRecords", [i, j]))])
}

skip contains "no entity has Auto Create on" if {
	count(snapshot.in_scope_instances) > 0
	count(snapshot.instances_lacking("groupEntities")) == 0
	count(_auto) == 0
	every i in snapshot.in_scope_instances {
		every e in input.dynamics[i].groupEntities {
			snapshot.present(e, "autoCreate")
		}
	}
}

notes contains msg if some msg in snapshot.out_of_scope_notes

_auto contains [i, j] if {
	some i in snapshot.in_scope_instances
	some j, e in input.dynamics[i].groupEntities
	e.autoCreate == true
}

warn contains finding if {
	some [i, j] in _auto
	inst := input.dynamics[i]
	e := inst.groupEntities[j]
	threshold := data.tenantscan.autoCreateMonthlyThreshold
	e.monthlyNewRecords >= threshold
	finding := {
		"msg": sprintf("instance %s: Auto Create is on for %s, which gets %d new records a month (threshold %d)", [inst.name, e.entity, e.monthlyNewRecords, threshold]),
		"resource": {"kind": "groupEntity", "id": sprintf("%s/%s", [inst.name, e.entity])},
		"path": sprintf("/dynamics/%d/groupEntities/%d", [i, j]),
		"evidence": {"autoCreate": true, "monthlyNewRecords": e.monthlyNewRecords, "threshold": threshold},
	}
}

# A helper, because `not is_number(x.y)` is undefined, not true, when x.y is.
_has_volume(e) if is_number(e.monthlyNewRecords)
