# METADATA
# title: Server-based SharePoint integration is on and points to SharePoint Online
# description: >-
#   Documents of a group are shown in Dynamics 365 only when server-based
#   SharePoint integration is enabled (the connection to SharePoint Online is
#   enough; document management itself is not needed). It is also required
#   for the group's OneNote notebook. Every instance that uses Groups must
#   have it on, connected to SharePoint Online.
# custom:
#   id: O365G-007
#   severity: high
#   source: A6, A7
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements
#   remediation: >-
#     In Dynamics 365, Settings > Document Management > Enable server-based
#     SharePoint integration, choose Online and give the SharePoint Online
#     site URL (https://<tenant>.sharepoint.com).
package controls.o365g_007

import data.lib.snapshot

error contains msg if msg := snapshot.missing("dynamics")

error contains msg if some msg in snapshot.lacking_messages("sharePoint")

error contains msg if some msg in snapshot.instance_lacks(["sharePoint", "serverBasedIntegration"])

# Integration on, but nothing says where it points: not exported.
error contains msg if {
	some i in snapshot.in_scope_instances
	sp := input.dynamics[i].sharePoint
	sp.serverBasedIntegration == true
	not sp.deploymentType
	not _online(sp)
	msg := sprintf("%s; a SharePoint Online siteUrl would also tell", [snapshot.lacks("sharePoint.deploymentType", sprintf("instance %s", [input.dynamics[i].name]), sprintf("/dynamics/%d/sharePoint/deploymentType", [i]))])
}

skip contains msg if msg := snapshot.no_instance_in_scope

notes contains msg if some msg in snapshot.out_of_scope_notes

# SharePoint Online: deploymentType online, or (not exported) a site on
# sharepoint.com.
_online(sp) if sp.deploymentType == "online"

_online(sp) if {
	not sp.deploymentType

	# SharePoint Online in the commercial cloud, GCC High (sharepoint.us),
	# DoD (sharepoint-mil.us) and 21Vianet (sharepoint.cn).
	regex.match(`^https://[^/]+\.(sharepoint\.com|sharepoint\.us|sharepoint-mil\.us|sharepoint\.cn)(/|$)`, lower(sp.siteUrl))
}

_problem(sp) := "server-based SharePoint integration is off" if {
	sp.serverBasedIntegration == false
} else := sprintf("server-based SharePoint integration points to SharePoint %s, not SharePoint Online", [sp.deploymentType]) if {
	is_string(sp.deploymentType)
	not _online(sp)
}

deny contains finding if {
	some i in snapshot.in_scope_instances
	inst := input.dynamics[i]
	sp := inst.sharePoint
	is_object(sp)
	problem := _problem(sp)
	finding := {
		"msg": sprintf("instance %s: %s", [inst.name, problem]),
		"resource": {"kind": "dynamicsInstance", "id": inst.name},
		"path": sprintf("/dynamics/%d/sharePoint", [i]),
		"evidence": {
			"serverBasedIntegration": object.get(sp, "serverBasedIntegration", null),
			"deploymentType": object.get(sp, "deploymentType", null),
			"siteUrl": object.get(sp, "siteUrl", null),
		},
	}
}
