# METADATA
# title: Dynamics 365 instances run version 7.1 or later
# description: >-
#   The Office 365 Groups solution installs only on CRM Online 2015 Update 1
#   (version 7.1) or later; on an older instance the installation fails with
#   "The solution installation failed. Please try again later." Versions are
#   compared numerically, part by part, so 10.0 is later than 7.1 and
#   07.00.0001 is earlier.
# custom:
#   id: O365G-002
#   severity: critical
#   source: A9
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements
#   remediation: >-
#     Update the instance to CRM Online 2015 Update 1 (7.1) or later (in the
#     Dynamics 365 admin centre, schedule the update of the instance), then
#     install the Office 365 Groups solution.
package controls.o365g_002

import data.lib.snapshot

error contains msg if msg := snapshot.missing("dynamics")

error contains msg if {
	some i in snapshot.in_scope_instances
	not input.dynamics[i].version
	msg := snapshot.lacks("version", sprintf("instance %s", [input.dynamics[i].name]), sprintf("/dynamics/%d/version", [i]))
}

skip contains msg if msg := snapshot.no_instance_in_scope

notes contains msg if some msg in snapshot.out_of_scope_notes

deny contains finding if {
	some i in snapshot.in_scope_instances
	inst := input.dynamics[i]
	floor := data.tenantscan.minimumVersion
	not snapshot.version_at_least(inst.version, floor)
	finding := {
		"msg": sprintf("instance %s runs version %s, earlier than %s (CRM Online 2015 Update 1)", [inst.name, inst.version, floor]),
		"resource": {"kind": "dynamicsInstance", "id": inst.name},
		"path": sprintf("/dynamics/%d/version", [i]),
		"evidence": {"version": inst.version, "minimumVersion": floor},
	}
}
