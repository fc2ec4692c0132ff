// Microsoft Graph: the organization, subscribed SKUs, users with their
// licences, and groups.

package rawexport

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tenantscan/tenantscan/snapshot"
)

func (im *importer) graph(name string) ([]rawItem, bool, error) {
	return readCollection(filepath.Join(im.root, "graph"), name, im.lim)
}

func (im *importer) organization(doc map[string]any) error {
	items, ok, err := im.graph("organization")
	if err != nil {
		return err
	}
	if !ok || len(items) == 0 {
		return rawError(filepath.Join(im.root, "graph", "organization.json"), errors.New("missing or empty: the tenant id comes from GET /organization"))
	}
	org := items[0]
	tenant := map[string]any{}
	id, _, err := org.str("id")
	if err != nil {
		return err
	}
	tenant["id"] = id
	if err := copyFields(tenant, org.str, "displayName"); err != nil {
		return err
	}
	domains, _, err := org.list("verifiedDomains")
	if err != nil {
		return err
	}
	for i, d := range domains {
		dom, err := org.sub("verifiedDomains", i, d)
		if err != nil {
			return err
		}
		if isDefault, _, _ := dom.boolean("isDefault"); isDefault {
			tenant["defaultDomain"], _, _ = dom.str("name")
		}
	}
	doc["tenant"] = tenant
	return nil
}

// licensing is what subscriptions learns for the steps after it: the
// names of the licences and service plans that users refer to by id.
type licensing struct {
	skuByID  map[string]string // skuId (lower) → skuPartNumber
	planByID map[string]string // servicePlanId (lower) → servicePlanName
}

// subscriptions maps graph/subscribedSkus and returns the licence
// catalogue (empty when it was not exported).
func (im *importer) subscriptions(doc map[string]any) (licensing, error) {
	lic := licensing{skuByID: map[string]string{}, planByID: map[string]string{}}
	items, ok, err := im.graph("subscribedSkus")
	if err != nil || !ok {
		return lic, err
	}
	subs := make([]any, 0, len(items))
	for _, it := range items {
		sku, _, err := it.str("skuPartNumber")
		if err != nil {
			return lic, err
		}
		s := map[string]any{"skuPartNumber": sku}
		if id, ok, err := it.str("skuId"); err != nil {
			return lic, err
		} else if ok {
			s["skuId"] = id
			lic.skuByID[lowerKey(id)] = sku
		}
		if err := copyFields(s, it.str, "capabilityStatus"); err != nil {
			return lic, err
		}
		if err := copyFields(s, it.number, "consumedUnits"); err != nil {
			return lic, err
		}
		if pu, ok := it.obj["prepaidUnits"].(map[string]any); ok {
			pit := rawItem{obj: pu, file: it.file, ptr: it.ptr + "/prepaidUnits"}
			if n, ok, err := pit.number("enabled"); err != nil {
				return lic, err
			} else if ok {
				s["prepaidUnits"] = n
			}
		}
		plans, hasPlans, err := it.list("servicePlans")
		if err != nil {
			return lic, err
		}
		if !hasPlans {
			subs = append(subs, s) // service plans not exported
			continue
		}
		names := make([]any, 0, len(plans))
		for i, p := range plans {
			plan, err := it.sub("servicePlans", i, p)
			if err != nil {
				return lic, err
			}
			name, _, err := plan.str("servicePlanName")
			if err != nil {
				return lic, err
			}
			if id, ok, _ := plan.str("servicePlanId"); ok {
				lic.planByID[lowerKey(id)] = name
			}
			names = append(names, name)
		}
		s["servicePlans"] = names
		subs = append(subs, s)
	}
	doc["subscriptions"] = subs
	return lic, nil
}

// users maps graph/users (and exchange/mailboxes) and returns the user
// ids it saw, by which groups and Dataverse users name their members.
func (im *importer) users(doc map[string]any, extra *extraFile, lic licensing) (map[string]string, error) {
	upnByID := map[string]string{} // Graph user id (lower) → userPrincipalName
	items, ok, err := im.graph("users")
	if err != nil {
		return nil, err
	}
	pstn, err := extraUsers(extra)
	if err != nil {
		return nil, err
	}
	if !ok {
		for _, key := range slices.Sorted(maps.Keys(extra.Users)) {
			return nil, extra.fail("names a user, but graph/users.json was not exported: the entry cannot be matched", "users", key)
		}
		return upnByID, nil
	}
	mailboxes, mailboxesExported, err := im.mailboxes()
	if err != nil {
		return nil, err
	}
	if !mailboxesExported {
		im.warn("exchange/mailboxes.json not found: mailboxes are not exported")
		doc["notExported"] = []any{"mailboxes"}
	}
	users := make([]any, 0, len(items))
	for _, it := range items {
		upn, _, err := it.str("userPrincipalName")
		if err != nil {
			return nil, err
		}
		u := map[string]any{"userPrincipalName": upn}
		id, hasID, err := it.str("id")
		if err != nil {
			return nil, err
		}
		if hasID {
			u["id"] = id
			upnByID[lowerKey(id)] = upn
		}
		if err := copyFields(u, it.boolean, "accountEnabled"); err != nil {
			return nil, err
		}
		if err := copyFields(u, it.str, "userType"); err != nil {
			return nil, err
		}
		licences, ok, err := im.licences(it, upn, lic)
		if err != nil {
			return nil, err
		}
		if ok {
			u["licenses"] = licences
		} else {
			im.warn("%s%s: %s has no assignedLicenses (not in $select?): its licences are not exported", im.rel(it.file), it.ptr, upn)
		}
		if mailboxesExported {
			if mb, ok := mailboxes[lowerKey(id)]; ok && hasID {
				u["mailbox"] = mb
			} else if mb, ok := mailboxes[lowerKey(upn)]; ok {
				u["mailbox"] = mb
			}
		}
		if x, ok := pstn[lowerKey(upn)]; ok {
			if x.pstn != nil {
				u["pstn"] = x.pstn
			}
			x.matched = true
		}
		users = append(users, u)
	}
	for _, key := range slices.Sorted(maps.Keys(extra.Users)) {
		if x := pstn[lowerKey(key)]; !x.matched {
			return nil, extra.fail(fmt.Sprintf("matches no user of graph/users.json (userPrincipalName %s, compared ignoring case)", key), "users", key)
		}
	}
	doc["users"] = users
	return upnByID, nil
}

// extraUser is a users: entry of the extra file, keyed by the lower-case
// principal name.
type extraUserEntry struct {
	pstn    map[string]any
	matched bool
}

// extraUsers indexes the extra file's users by lower-case principal name
// (principal names are not case-sensitive: Graph and Exchange may spell
// one name differently). Two keys that differ only in case are an error.
func extraUsers(extra *extraFile) (map[string]*extraUserEntry, error) {
	out := map[string]*extraUserEntry{}
	first := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(extra.Users)) {
		k := lowerKey(key)
		if prev, dup := first[k]; dup {
			return nil, extra.fail(fmt.Sprintf("names the same user as %s (principal names are compared ignoring case)", prev), "users", key)
		}
		first[k] = key
		out[k] = &extraUserEntry{pstn: extra.Users[key].PSTN}
	}
	return out, nil
}

// licences maps a Graph user's assignedLicenses to the snapshot's licences:
// one object per licence with its skuPartNumber and the service plans
// switched off on that licence (a plan is off for the user only when every
// licence that includes it has it off: the controls decide that).
func (im *importer) licences(it rawItem, upn string, skus licensing) ([]any, bool, error) {
	licences, ok, err := it.list("assignedLicenses")
	if err != nil || !ok {
		return nil, ok, err
	}
	out := make([]any, 0, len(licences))
	for i, l := range licences {
		lic, err := it.sub("assignedLicenses", i, l)
		if err != nil {
			return nil, false, err
		}
		skuID, _, err := lic.str("skuId")
		if err != nil {
			return nil, false, err
		}
		sku, known := skus.skuByID[lowerKey(skuID)]
		if !known {
			sku = skuID
			im.warn("%s%s: licence skuId %s of %s is not among subscribedSkus; kept as the GUID", im.rel(lic.file), lic.ptr, skuID, upn)
		}
		plans, _, err := lic.list("disabledPlans")
		if err != nil {
			return nil, false, err
		}
		disabled := make([]any, 0, len(plans))
		for j, p := range plans {
			pid, ok := p.(string)
			if !ok {
				return nil, false, &snapshot.LoadError{File: lic.file, Problems: []*snapshot.PosError{{Pointer: fmt.Sprintf("%s/disabledPlans/%d", lic.ptr, j), Msg: fmt.Sprintf("got %s, want a string", jsonType(p))}}}
			}
			name, known := skus.planByID[lowerKey(pid)]
			if !known {
				name = pid
				im.warn("%s%s: disabled plan %s of %s is not among subscribedSkus' service plans; kept as the GUID", im.rel(lic.file), lic.ptr, pid, upn)
			}
			disabled = append(disabled, name)
		}
		out = append(out, map[string]any{"skuPartNumber": sku, "disabledPlans": disabled})
	}
	return out, true, nil
}

var visibilities = map[string]string{"private": "Private", "public": "Public", "hiddenmembership": "HiddenMembership"}

func (im *importer) groups(doc map[string]any, extra *extraFile, upnByID map[string]string) error {
	items, ok, err := im.graph("groups")
	if err != nil {
		return err
	}
	if !ok {
		for _, key := range slices.Sorted(maps.Keys(extra.Groups)) {
			return extra.fail("names a group, but graph/groups.json was not exported: the entry cannot be matched", "groups", key)
		}
		return nil
	}
	groups := make([]any, 0, len(items))
	for _, it := range items {
		if types, ok, _ := it.list("groupTypes"); ok && !containsString(types, "Unified") {
			name, _, _ := it.str("displayName")
			im.leave(it, "group "+name, "not a Microsoft 365 group (groupTypes lacks Unified)")
			continue
		}
		g := map[string]any{}
		id, _, err := it.str("id")
		if err != nil {
			return err
		}
		g["id"] = id
		name, _, err := it.str("displayName")
		if err != nil {
			return err
		}
		g["displayName"] = name
		if err := copyFields(g, it.str, "mail"); err != nil {
			return err
		}
		if vis, ok, err := it.str("visibility"); err != nil {
			return err
		} else if ok {
			if norm, known := visibilities[strings.ToLower(vis)]; known {
				g["visibility"] = norm
			} else {
				im.warn("%s%s: unknown visibility %q treated as not set (public)", it.file, it.ptr, vis)
			}
		}
		members, exported, err := readCollection(filepath.Join(im.root, "graph", "groups", id), "members", im.lim)
		if err != nil {
			return err
		}
		if exported {
			list := []any{}
			for _, m := range members {
				mid, _, _ := m.str("id")
				if t, _, _ := m.str("@odata.type"); t != "" && t != "#microsoft.graph.user" {
					im.leave(m, fmt.Sprintf("member %s of group %s", mid, name), t+" is not a user")
					continue
				}
				if upn, ok, _ := m.str("userPrincipalName"); ok && upn != "" {
					list = append(list, upn)
				} else if upn, known := upnByID[lowerKey(mid)]; known && mid != "" {
					list = append(list, upn)
				} else {
					im.leave(m, fmt.Sprintf("member %s of group %s", mid, name), "no userPrincipalName, and no user of graph/users.json has this id")
				}
			}
			g["members"] = list
		}
		groups = append(groups, g)
	}
	if err := connectExtraGroups(groups, extra); err != nil {
		return err
	}
	doc["groups"] = groups
	return nil
}

// connectExtraGroups gives each group the connector of its extra-file
// entry. A key names a group by id (compared ignoring case, as GUIDs are)
// or by exact display name; a key that names no Microsoft 365 group, a
// display name two groups share, or two keys naming one group are errors
// naming the key.
func connectExtraGroups(groups []any, extra *extraFile) error {
	byKey := map[string]string{} // group id (lower) → the key naming it
	for _, key := range slices.Sorted(maps.Keys(extra.Groups)) {
		var hits []map[string]any
		for _, g := range groups {
			g := g.(map[string]any)
			if strings.EqualFold(g["id"].(string), key) {
				hits = []map[string]any{g}
				break
			}
			if g["displayName"] == key {
				hits = append(hits, g)
			}
		}
		switch len(hits) {
		case 0:
			return extra.fail("matches no Microsoft 365 group of graph/groups.json (by id, or by exact display name)", "groups", key)
		case 1:
		default:
			return extra.fail(fmt.Sprintf("%d Microsoft 365 groups are named %q: name the group by its id", len(hits), key), "groups", key)
		}
		g := hits[0]
		id := lowerKey(g["id"].(string))
		if prev, dup := byKey[id]; dup {
			return extra.fail(fmt.Sprintf("names the same group as %s", prev), "groups", key)
		}
		byKey[id] = key
		if c := extra.Groups[key].Connector; c != nil {
			g["connector"] = c
		}
	}
	return nil
}

func containsString(list []any, s string) bool {
	for _, v := range list {
		if str, ok := v.(string); ok && strings.EqualFold(str, s) {
			return true
		}
	}
	return false
}
