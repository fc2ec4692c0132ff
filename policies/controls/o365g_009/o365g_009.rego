# METADATA
# title: OneNote integration comes with server-based SharePoint integration
# description: >-
#   The group's OneNote notebook is stored in SharePoint Online, so turning on
#   OneNote integration without server-based SharePoint integration leaves
#   the notebook unreachable. Where an instance has OneNote integration on,
#   server-based SharePoint integration must be on too. Skipped when no
#   instance that uses Groups has OneNote integration on.
# custom:
#   id: O365G-009
#   severity: medium
#   source: A7
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements
#   remediation: >-
#     Enable server-based SharePoint integration first (Settings > Document
#     Management > Enable server-based SharePoint integration, Online), then
#     turn on OneNote integration for the entities that need it.
package controls.o365g_009

import data.lib.snapshot

error contains msg if msg := snapshot.missing("dynamics")

error contains msg if some msg in snapshot.lacking_messages("sharePoint")

error contains msg if some msg in snapshot.instance_lacks(["sharePoint", "oneNoteIntegration"])

# Integration matters only where OneNote integration is on.
error contains msg if {
	some i in _onenote
	not snapshot.present(input.dynamics[i].sharePoint, "serverBasedIntegration")
	msg := snapshot.lacks("sharePoint.serverBasedIntegration", sprintf("instance %s", [input.dynamics[i].name]), sprintf("/dynamics/%d/sharePoint/serverBasedIntegration", [i]))
}

skip contains msg if msg := snapshot.no_instance_in_scope

skip contains "no instance that uses Groups has OneNote integration on" if {
	count(snapshot.in_scope_instances) > 0
	count(_onenote) == 0
	count(snapshot.instances_lacking("sharePoint")) == 0
	count(snapshot.instance_lacks(["sharePoint", "oneNoteIntegration"])) == 0
}

notes contains msg if some msg in snapshot.out_of_scope_notes

_onenote contains i if {
	some i in snapshot.in_scope_instances
	input.dynamics[i].sharePoint.oneNoteIntegration == true
}

deny contains finding if {
	some i in _onenote
	inst := input.dynamics[i]
	inst.sharePoint.serverBasedIntegration == false
	finding := {
		"msg": sprintf("instance %s has OneNote integration on but server-based SharePoint integration off", [inst.name]),
		"resource": {"kind": "dynamicsInstance", "id": inst.name},
		"path": sprintf("/dynamics/%d/sharePoint", [i]),
		"evidence": {
			"oneNoteIntegration": true,
			"serverBasedIntegration": object.get(inst.sharePoint, "serverBasedIntegration", null),
		},
	}
}
