# METADATA
# title: Exchange Online is set up for the instance
# description: >-
#   The Dynamics 365 (online) organization must be set up to use Exchange
#   Online: server-side synchronization through an email server profile for
#   Exchange Online. Every instance that uses Groups must have it.
# custom:
#   id: O365G-019
#   severity: medium
#   source: A16
#   phase: prerequisites
#   reference: Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), section Requirements ("Set up Dynamics 365 (online) to use Exchange Online")
#   remediation: >-
#     In Dynamics 365, Settings > Email Configuration: use the Microsoft
#     Exchange Online email server profile, set server-side synchronization
#     as the processing method for incoming and outgoing email, and approve
#     and test the mailboxes.
package controls.o365g_019

import data.lib.snapshot

error contains msg if msg := snapshot.missing("dynamics")

error contains msg if some msg in snapshot.lacking_messages("exchange")

error contains msg if some msg in snapshot.instance_lacks(["exchange", "serverSideSync"])

skip contains msg if msg := snapshot.no_instance_in_scope

notes contains msg if some msg in snapshot.out_of_scope_notes

deny contains finding if {
	some i in snapshot.in_scope_instances
	inst := input.dynamics[i]
	inst.exchange.serverSideSync == false
	finding := {
		"msg": sprintf("instance %s does not use server-side synchronization with Exchange Online", [inst.name]),
		"resource": {"kind": "dynamicsInstance", "id": inst.name},
		"path": sprintf("/dynamics/%d/exchange", [i]),
		"evidence": {"serverSideSync": false},
	}
}
