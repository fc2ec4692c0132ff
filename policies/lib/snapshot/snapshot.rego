# METADATA
# title: Snapshot helpers
# description: >-
#   Indexes and joins over a tenant snapshot (format v1), built once per
#   input so that controls look facts up by key instead of scanning lists
#   inside lists.
package lib.snapshot

# A list the snapshot does not hold at all: "not exported", which makes the
# controls that need it report error rather than pass.
missing(name) := sprintf("snapshot lacks %s (not exported)", [name]) if not exported(name)

# A list the snapshot holds (possibly empty).
exported(name) if is_array(input[name])

# True when obj holds key, whatever its value: false and null count as
# present. Absent is never empty: a control that needs a field an in-scope
# resource lacks reports error (see lacks), never pass.
present(obj, key) if {
	_ = obj[key]
}

# The error message for a field a resource lacks: what, of which resource,
# and the JSON pointer where the export should have put it.
lacks(field, resource, pointer) := sprintf("snapshot lacks %s of %s (%s, not exported)", [field, resource, pointer])

# The first five of a list of names, and how many more, for messages.
first_names(names) := concat(", ", names) if {
	count(names) <= 5
} else := sprintf("%s and %d more", [concat(", ", array.slice(names, 0, 5)), count(names) - 5])

# Dynamics 365 instances that use Office 365 Groups, by index.
in_scope_instances contains i if {
	some i, inst in input.dynamics
	inst.usesGroups == true
}

# Notes naming the instances that are out of scope, so that an auditor sees
# they were considered and why they were left out.
out_of_scope_notes contains msg if {
	some inst in input.dynamics
	not inst.usesGroups == true
	msg := sprintf("instance %s is out of scope: usesGroups is not true", [inst.name])
}

# Reason to skip an instance control: no instance uses Groups. A tenant
# where nothing is in scope is "not applicable", never ready (see assessed).
no_instance_in_scope := "no Dynamics 365 instance uses Office 365 Groups (usesGroups: true)" if {
	is_array(input.dynamics)
	count(in_scope_instances) == 0
}

# Tenant user indexes by lower-case userPrincipalName. Lookups are by key, so this
# is a complete object built once, not a partial rule: looking a key up in a
# partial object rule would evaluate its body again, a scan per lookup.
users_by_upn := {lower(u.userPrincipalName): i | some i, u in input.users}

# True when the tenant user of a lower-case UPN has accountEnabled false
# (a helper, so that "not" covers the lookup too).
account_disabled(upn) if upn in _disabled_upns

# The lower-case UPNs of the tenant users with accountEnabled false, built
# once: a set lookup per Dynamics user instead of a function call.
_disabled_upns := {lower(u.userPrincipalName) | some u in input.users; u.accountEnabled == false}

# Enabled Dynamics users of in-scope instances, one entry each, with the
# instance and snapshot path where it appears. Disabled ones (enabled: false)
# are out of scope. roles is null when the entry lacks it (not exported).
_dynamics_entries := [e |
	some i in in_scope_instances
	inst := input.dynamics[i] # looked up once per instance, not per user
	name := inst.name
	some j, u in inst.users
	not u.enabled == false
	e := {
		"upn": lower(u.userPrincipalName),
		"userPrincipalName": u.userPrincipalName,
		"instanceIndex": i,
		"instance": name,
		"userIndex": j,
		"roles": object.get(u, "roles", null),
	}
]

# The snapshot path of a Dynamics user entry (computed for findings only).
entry_path(e) := sprintf("/dynamics/%d/users/%d", [e.instanceIndex, e.userIndex])

# Enabled Dynamics users whose tenant account is not disabled, one entry per
# instance they appear in; none when the tenant's users were not exported
# (who is disabled is then unknown, and the controls report error).
scoped_dynamics_entries := [e |
	exported("users")
	some e in _dynamics_entries
	not _disabled_upns[e.upn]
]

# In-scope instances that did not export their system users.
instances_lacking_users contains input.dynamics[i].name if {
	some i in in_scope_instances
	not _has_users(input.dynamics[i])
}

# Errors for in-scope instances that did not export their system users.
instance_users_errors contains lacks("users", sprintf("instance %s", [input.dynamics[i].name]), sprintf("/dynamics/%d/users", [i])) if {
	some i in in_scope_instances
	not _has_users(input.dynamics[i])
}

# Enabled Dynamics users joined to the tenant user of the same UPN. A
# Dynamics user whose tenant account is disabled is out of scope; one not
# found among the tenant's users is evaluated with no licence and no mailbox.
# Without the tenant's users (not exported) nobody is joined: the controls
# that need them report error.
scoped_users := {upn: _join(upn, entries) |
	exported("users")
	some e in scoped_dynamics_entries
	upn := e.upn
	entries := [x | some x in scoped_dynamics_entries; x.upn == upn] # indexed by OPA: linear
}

_join(upn, entries) := {
	"upn": user.userPrincipalName,
	"found": true,
	"user": user,
	"index": i,
	"entries": entries,
} if {
	i := users_by_upn[upn]
	user := input.users[i]
} else := {
	"upn": upn,
	"found": false,
	"user": {"userPrincipalName": upn, "licenses": [], "disabledPlans": [], "mailbox": null},
	"entries": entries,
}

# The snapshot path of a joined user: the tenant user, else the first
# Dynamics entry (computed for findings only).
user_path(u) := sprintf("/users/%d", [u.index]) if {
	u.found
} else := entry_path(u.entries[0])

# The instances where a joined user is a Dynamics user.
user_instances(u) := sort({e.instance | some e in u.entries})

# Numeric parts of a version string, padded to four: "07.00.0001" is
# [7, 0, 1, 0]. The loader guarantees 1 to 4 numeric parts.
version_key(v) := array.concat(parts, array.slice([0, 0, 0, 0], 0, 4 - count(parts))) if {
	parts := [to_number(p) | some p in split(v, ".")]
}

# True when version v is at least version floor, comparing part by part.
version_at_least(v, floor) if version_key(v) >= version_key(floor)

# Names of the instances that use Groups.
in_scope_instance_names := {input.dynamics[i].name | some i in in_scope_instances}

# Reason to skip a user control: nobody to check — no enabled Dynamics user
# in the instances in scope, or none whose tenant account is enabled.
no_dynamics_user := "no enabled Dynamics user in the instances that use Groups" if {
	count(in_scope_instances) > 0
	count(instances_lacking_users) == 0
	count(_dynamics_entries) == 0
} else := "no enabled Dynamics user in the instances that use Groups" if {
	count(in_scope_instances) > 0
	count(instances_lacking_users) == 0
	exported("users")
	count(scoped_dynamics_entries) == 0
}

# True when the snapshot lists its instances and none uses Groups: the
# instance, user and group controls skip, whatever else the export lacks,
# and the tenant is not applicable.
nothing_in_scope if {
	is_array(input.dynamics)
	count(in_scope_instances) == 0
}

# Whether the tenant was assessed: "assessed" (an instance uses Groups),
# "none" (no instance does) or "unknown" (dynamics not exported). The
# scanner reads it to tell "not applicable" tenants apart.
scope := "assessed" if {
	count(in_scope_instances) > 0
} else := "none" if {
	nothing_in_scope
} else := "unknown"

# True when a user control has somebody to check, or cannot tell: its
# errors count only then (a tenant with nobody in scope skips).
user_controls_apply if {
	not nothing_in_scope
	not no_dynamics_user
}

# True when a group control may have a connected group to check: its
# errors count only then.
group_controls_apply if not nothing_in_scope

# In-scope instances that lack a field (absent: false and null are values).
instances_lacking(field) := {input.dynamics[i].name |
	some i in in_scope_instances
	not present(input.dynamics[i], field)
}

# Error messages for in-scope instances lacking a field, or a field inside
# an object of the instance: path is the list of keys, such as
# ["customizations", "unpublished"]. A parent that is absent is reported
# once, as the parent.
lacking_messages(field) := instance_lacks([field])

instance_lacks(path) := {lacks(concat(".", path), sprintf("instance %s", [input.dynamics[i].name]), sprintf("/dynamics/%d/%s", [i, concat("/", path)])) |
	some i in in_scope_instances
	inst := input.dynamics[i]
	_parent_present(inst, path)
	object.get(inst, path, _absent) == _absent
}

_absent := "tenantscan: absent 6b1f0c2e"

_parent_present(_, path) if count(path) == 1

_parent_present(inst, path) if {
	count(path) > 1
	is_object(object.get(inst, array.slice(path, 0, count(path) - 1), null))
}

# Licences and service plans -------------------------------------------------
#
# A licence is a SKU a user holds: an entry of users[].licenses, either the
# skuPartNumber or an object {skuPartNumber, disabledPlans}. The plans
# switched off on a licence are its own disabledPlans when it is an object,
# else the user's disabledPlans (absent: none). A licence counts only when
# a subscription of its SKU is in the snapshot with a usable
# capabilityStatus. A licence on a SKU that no exported subscription holds,
# or a subscription without a capabilityStatus, makes the export
# inconsistent: every control that reads licences or subscriptions reports
# error (licence_errors, subscription_errors), never "counted as held".

# Subscriptions by skuPartNumber (unique: the loader rejects duplicates).
subscriptions_by_sku := {s.skuPartNumber: s | some s in input.subscriptions}

# True when the subscription of sku is in a usable state (Enabled, or
# Warning: a grace period).
subscription_usable(sku) if subscriptions_by_sku[sku].capabilityStatus in data.tenantscan.usableCapabilityStatuses

# The skuPartNumber of a licence entry.
licence_sku(l) := l if is_string(l)

licence_sku(l) := l.skuPartNumber if is_object(l)

# Licence facts are functions of the few fields they read (a user's
# licenses and disabledPlans), not of the user: OPA caches a function's
# value by its arguments for the whole evaluation, and thousands of users
# share a handful of licence lists, so each distinct list is judged once.
# A function of the whole user object would be judged again for every user.

# The SKUs a user holds, in order (a user without licenses: none).
user_skus(user) := skus_of(object.get(user, "licenses", []))

# The SKUs of a list of licences, in order.
skus_of(licences) := [licence_sku(l) | some l in licences]

# The plans switched off on one licence of a user: the licence's own
# disabledPlans, else (a plain SKU name, or an object without them) the
# user's, else none.
licence_disabled(user, l) := _licence_off(l, object.get(user, "disabledPlans", []))

# The plans switched off on licence l of a user whose own disabledPlans are
# user_off.
_licence_off(l, user_off) := l.disabledPlans if {
	is_object(l)
	is_array(l.disabledPlans)
} else := user_off

# The state of a licence's subscription: usable, unlisted (no subscription of
# that SKU in the snapshot), "status not exported", or the unusable status
# itself (Suspended, Deleted, LockedOut).
licence_state(sku) := "usable" if {
	subscription_usable(sku)
} else := "unlisted" if {
	not subscriptions_by_sku[sku]
} else := "status not exported" if {
	not present(subscriptions_by_sku[sku], "capabilityStatus")
} else := subscriptions_by_sku[sku].capabilityStatus

# True when a licence's state is established: usable or known unusable.
licence_determined(sku) if subscription_usable(sku)

licence_determined(sku) if {
	s := subscriptions_by_sku[sku]
	present(s, "capabilityStatus")
	not subscription_usable(sku)
}

# True when the licence's service plans are known: exported with the
# subscription, or known to the policy data for the SKU.
plans_known(sku) if is_array(subscriptions_by_sku[sku].servicePlans)

plans_known(sku) if is_array(data.tenantscan.skus[sku].servicePlans)

# Licences held by some user with no subscription in the snapshot.
unlisted_licences := {sku |
	some licences in _licence_lists
	some sku in skus_of(licences)
	not subscriptions_by_sku[sku]
}

# The distinct licence lists of the tenant's users: users share a few.
_licence_lists := {object.get(u, "licenses", []) | some u in input.users}

# Errors for an export whose licences and subscriptions disagree. Reported by
# every control that reads licences or subscriptions (003 to 006, 008).
licence_errors contains msg if {
	is_array(input.subscriptions)
	some sku in unlisted_licences
	holders := [u.userPrincipalName | some u in input.users; sku in user_skus(u)]
	msg := sprintf("licence %s is assigned to %d user(s) (%s) but no subscription of %s is in the snapshot: the export is inconsistent; export subscribedSkus together with the users", [sku, count(holders), first_names(holders), sku])
}

# Errors for subscriptions whose state was not exported.
subscription_errors contains lacks("capabilityStatus", sprintf("subscription %s", [s.skuPartNumber]), sprintf("/subscriptions/%d/capabilityStatus", [i])) if {
	some i, s in input.subscriptions
	not present(s, "capabilityStatus")
}

# Errors for subscriptions whose service plans are neither exported nor
# known to the policy data (controls that read plans report them).
plan_errors contains msg if {
	some i, s in input.subscriptions
	not plans_known(s.skuPartNumber)
	msg := sprintf("%s; the policy data does not know the plans of SKU %s either", [lacks("servicePlans", sprintf("subscription %s", [s.skuPartNumber]), sprintf("/subscriptions/%d/servicePlans", [i])), s.skuPartNumber])
}

# The service plans of a subscription: those exported, with the plans the
# policy data knows its SKU always has (tenantscan.skus[sku].servicePlans),
# so that a partial list in a hand-written snapshot does not hide a plan
# the SKU includes. Per-licence disabled plans still remove them.
subscription_plans(s) := array.concat(_exported_plans(s), object.get(data.tenantscan.skus, [s.skuPartNumber, "servicePlans"], []))

_exported_plans(s) := s.servicePlans if {
	is_array(s.servicePlans)
} else := []

# The plans shown in evidence: as exported, else as the policy data knows.
plans_shown(s) := s.servicePlans if {
	is_array(s.servicePlans)
} else := object.get(data.tenantscan.skus, [s.skuPartNumber, "servicePlans"], [])

# Plan names match with or without the _GOV suffix of government clouds.
plan_matches(plan, names) if plan in names

plan_matches(plan, names) if {
	endswith(plan, "_GOV")
	trim_suffix(plan, "_GOV") in names
}

# The service plans of each usable subscription, as sets, built once.
_usable_plans := {sku: {p | some p in subscription_plans(s)} |
	some sku, s in subscriptions_by_sku
	subscription_usable(sku)
}

# The user's enabled plans among names: plans of a usable licence that the
# licence does not switch off.
user_plans_of(user, names) := _plans_of(object.get(user, "licenses", []), object.get(user, "disabledPlans", []), names)

_plans_of(licences, user_off, names) := {p |
	some l in licences
	some p in _usable_plans[licence_sku(l)]
	plan_matches(p, names)
	not p in _licence_off(l, user_off)
}

# Whether the user has an enabled plan among names: "enabled"; "unknown"
# when not, and a licence's subscription or plans were not exported (the
# control reports error for it, never a finding); else "off".
plan_state(user, names) := licences_plan_state(object.get(user, "licenses", []), object.get(user, "disabledPlans", []), names)

# plan_state of a user whose licenses and disabledPlans are given (absent:
# []): cheaper in a loop over users, as OPA computes it once per distinct
# pair of lists.
licences_plan_state(licences, user_off, names) := "enabled" if {
	some l in licences
	some p in _usable_plans[licence_sku(l)]
	plan_matches(p, names)
	not p in _licence_off(l, user_off)
} else := "unknown" if {
	some sku in skus_of(licences)
	not _licence_complete(sku)
} else := "off"

_licence_complete(sku) if {
	licence_determined(sku)
	plans_known(sku)
}

# The licences of a user that would bring a plan among names but whose
# subscription is not usable, as "SKU (subscription Suspended)": evidence
# for a plan that is off.
plans_from_unusable(user, names) := _from_unusable(user_skus(user), names)

_from_unusable(skus, names) := sort({sprintf("%s (subscription %s)", [sku, licence_state(sku)]) |
	some sku in skus
	licence_determined(sku)
	not subscription_usable(sku)
	some p in subscription_plans(subscriptions_by_sku[sku])
	plan_matches(p, names)
})

# The licences of a user that would bring a plan among names but switch it
# off, for evidence.
plans_switched_off(user, names) := _switched_off(object.get(user, "licenses", []), object.get(user, "disabledPlans", []), names)

_switched_off(licences, user_off, names) := [licence_sku(l) |
	some l in licences
	some p in _usable_plans[licence_sku(l)]
	plan_matches(p, names)
	p in _licence_off(l, user_off)
]

# Errors for users lacking licenses: a user whose licences were not
# exported holds neither a licence nor a plan that anyone looked at.
user_lacks_licenses(u, path) := lacks("licenses", sprintf("user %s", [u.userPrincipalName]), sprintf("%s/licenses", [path])) if {
	not present(u, "licenses")
}

# Errors for the joined users (found among the tenant's users) whose
# licenses were not exported, built once for every control that reads the
# joined users' licences. It walks the tenant's users, where the test is one
# object.get with a sentinel (absent, not false or null), and joins only
# those lacking licenses: a tenant user and the joined user of its UPN are
# the same user (UPNs are unique, case aside).
scoped_users_lacking_licenses contains msg if {
	some user in input.users
	object.get(user, "licenses", _absent) == _absent
	u := scoped_users[lower(user.userPrincipalName)]
	msg := user_lacks_licenses(u.user, user_path(u))
}

# SKUs whose subscription is in its Warning grace period.
warning_skus := {s.skuPartNumber | some s in input.subscriptions; s.capabilityStatus == "Warning"}

# Notes for the Warning subscriptions whose licences some user holds, built
# once per snapshot.
warning_sku_notes := {sprintf("subscription %s is in Warning (grace period); its licences still count", [sku]) |
	some sku in warning_skus
	_held(sku)
}

# True when some user holds a licence of sku (stops at the first one).
_held(sku) if {
	some u in input.users
	sku in user_skus(u)
}

# Notes for the Warning subscriptions a user relies on (none, quickly,
# when no subscription is in Warning).
warning_notes(user) := set() if {
	count(warning_skus) == 0
} else := _warning_notes(user_skus(user))

_warning_notes(skus) := {sprintf("subscription %s is in Warning (grace period); its licences still count", [sku]) |
	some sku in skus
	sku in warning_skus
}

# Groups ---------------------------------------------------------------------

# Groups whose Office 365 Connector points at an instance that uses Groups,
# by index.
connected_groups contains i if {
	some i, g in input.groups
	g.connector.instance in in_scope_instance_names
}

# Notes naming connected groups left out because their instance is out of
# scope.
connected_out_of_scope_notes contains msg if {
	some g in input.groups
	g.connector
	not g.connector.instance in in_scope_instance_names
	msg := sprintf("group %s is connected to instance %s, which is out of scope", [group_label(g), g.connector.instance])
}

# Reason to skip a connector control.
no_connected_group := "no Office 365 group has a connector to an instance that uses Groups" if {
	is_array(input.groups)
	count(connected_groups) == 0
}

# Errors for connected groups whose connector lacks its connected records:
# every connector control needs them (which records, how many, which are
# sensitive).
connector_records_errors contains lacks("connector.connectedRecords", sprintf("group %s", [group_label(input.groups[i])]), sprintf("/groups/%d/connector/connectedRecords", [i])) if {
	some i in connected_groups
	not present(input.groups[i].connector, "connectedRecords")
}

# How resources identify a group: its id, else its mail, else its display
# name (the loader rejects two groups with one key). Waivers and drift
# fingerprints use it, so two groups with one display name stay apart.
group_key(g) := g.id if {
	is_string(g.id)
	g.id != ""
} else := g.mail if {
	is_string(g.mail)
	g.mail != ""
} else := g.displayName if {
	is_string(g.displayName)
	g.displayName != ""
} else := "(unnamed group)"

# How messages name a group: its display name, else its key.
group_label(g) := g.displayName if {
	is_string(g.displayName)
	g.displayName != ""
} else := group_key(g)

# Kept for user controls written against earlier versions: the label.
group_id(g) := group_label(g)

# A group is private when its visibility is Private or HiddenMembership;
# absent or null visibility is Public, as Graph creates it.
group_private(g) if g.visibility in {"Private", "HiddenMembership"}

# Visibility as shown in evidence.
group_visibility(g) := g.visibility if {
	is_string(g.visibility)
} else := "Public (visibility not set)"

_sensitive_entities := {lower(e) | some e in data.tenantscan.sensitiveEntities}

# A connected record is sensitive when the snapshot says so or its entity is
# listed in the policy data.
record_sensitive(r) if r.sensitive == true

record_sensitive(r) if lower(r.entity) in _sensitive_entities

# Connected groups holding at least one sensitive record, by index.
sensitive_groups contains i if {
	some i in connected_groups
	some r in input.groups[i].connector.connectedRecords
	record_sensitive(r)
}

# The sensitive records of a group, as shown in evidence.
sensitive_records(g) := [sprintf("%s %s", [r.entity, object.get(r, "name", object.get(r, "id", ""))]) |
	some r in g.connector.connectedRecords
	record_sensitive(r)
]

# How a resource id names a connected record: its group's key, entity, and
# the record's id (else its name).
record_key(g, r) := sprintf("%s/%s/%s", [group_key(g), r.entity, object.get(r, "id", object.get(r, "name", "(unnamed)"))])

_guest_upns := {lower(u.userPrincipalName) | some u in input.users; u.userType == "Guest"}

# A member is a guest when the matching user has userType Guest, when the
# name is an external (#EXT#) principal name, or when no user of the tenant
# has that name and its domain is none of the tenant's (the default domain
# and the domains of its member users).
is_guest(upn) if lower(upn) in _guest_upns

is_guest(upn) if contains(lower(upn), "#ext#")

is_guest(upn) if {
	not users_by_upn[lower(upn)]
	not upn_domain(upn) in _tenant_domains
}

# The domain of a user principal name, lower case.
upn_domain(upn) := lower(parts[count(parts) - 1]) if parts := split(upn, "@")

_tenant_domains := {d |
	some u in input.users
	u.userType == "Member"
	d := upn_domain(u.userPrincipalName)
} | {lower(d) | d := input.tenant.defaultDomain}

# A helper, because `not is_array(x.y)` is undefined, not true, when x.y is.
_has_users(inst) if is_array(inst.users)
