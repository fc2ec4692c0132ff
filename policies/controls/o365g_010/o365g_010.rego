# METADATA
# title: The Office 365 Groups solution is installed
# description: >-
#   Office 365 Groups works only once the Office 365 Groups solution is
#   installed on the instance. Every instance that uses Groups must list the
#   solution (unique name in tenantscan.groupsSolutions) among its installed
#   solutions.
# custom:
#   id: O365G-010
#   severity: high
#   source: A8
#   phase: provisioning
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section "Provision Office 365 Groups"
#   remediation: >-
#     Sign in to the Office 365 admin portal as a global administrator, open
#     Admin centre > Dynamics 365 > Instances, select the instance, choose
#     Solutions > Office 365 Groups > Install, accept the terms and install.
#     The instance goes into maintenance mode (offline) for a short while:
#     install when it disturbs users least.
package controls.o365g_010

import data.lib.snapshot

error contains msg if msg := snapshot.missing("dynamics")

error contains msg if some msg in snapshot.lacking_messages("solutions")

skip contains msg if msg := snapshot.no_instance_in_scope

notes contains msg if some msg in snapshot.out_of_scope_notes

_wanted := {lower(n) | some n in data.tenantscan.groupsSolutions}

_installed(inst) if {
	some s in inst.solutions
	lower(s.uniqueName) in _wanted
}

deny contains finding if {
	some i in snapshot.in_scope_instances
	inst := input.dynamics[i]
	is_array(inst.solutions)
	not _installed(inst)
	finding := {
		"msg": sprintf("instance %s does not have the Office 365 Groups solution installed", [inst.name]),
		"resource": {"kind": "dynamicsInstance", "id": inst.name},
		"path": sprintf("/dynamics/%d/solutions", [i]),
		"evidence": {
			"installedSolutions": [s.uniqueName | some s in inst.solutions],
			"expected": data.tenantscan.groupsSolutions,
		},
	}
}
