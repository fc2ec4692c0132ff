package scanner

import (
	"encoding/json"
	"maps"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// depthNames maps a privilege depth, by RolePrivilege.Depth name or number
// (Basic=0 … Global=3), to the snapshot's names.
var depthNames = map[string]string{
	"basic": "Basic", "local": "Local", "deep": "Deep", "global": "Global",
	"0": "Basic", "1": "Local", "2": "Deep", "3": "Global",
}

// maskDepths maps the highest bit of privilegedepthmask to a depth.
var maskDepths = map[int]string{1: "Basic", 2: "Local", 4: "Deep", 8: "Global"}

var depthRank = map[string]int{"Basic": 1, "Local": 2, "Deep": 3, "Global": 4}

func (im *importer) dynamics(doc map[string]any, extra *extraFile) error {
	root := filepath.Join(im.root, "dataverse")
	names := map[string]bool{}
	if entries, err := os.ReadDir(root); err == nil {
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				names[e.Name()] = true
			}
		}
	}
	for name := range extra.Instances {
		names[name] = true
	}
	if len(names) == 0 {
		return nil // not exported
	}
	sorted := slices.Sorted(maps.Keys(names))
	instances := make([]any, 0, len(sorted))
	for _, name := range sorted {
		inst, err := im.instance(filepath.Join(root, name), name, extra.Instances[name])
		if err != nil {
			return err
		}
		instances = append(instances, inst)
	}
	doc["dynamics"] = instances
	return nil
}

func (im *importer) instance(dir, name string, x extraInstance) (map[string]any, error) {
	inst := map[string]any{"name": name}
	_, statErr := os.Stat(dir)
	fromAPI := statErr == nil
	// Version.
	verPath := filepath.Join(dir, "RetrieveVersion.json")
	if _, err := os.Stat(verPath); err == nil {
		v, err := readRaw(verPath, im.lim)
		if err != nil {
			return nil, rawError(verPath, err)
		}
		obj, _ := v.(map[string]any)
		switch ver := obj["Version"].(type) {
		case string:
			inst["version"] = ver
		case nil:
		default:
			return nil, rawError(verPath, &posError{Pointer: "/Version", Msg: "got " + jsonType(ver) + ", want a string"})
		}
	}
	// Deployment and scope: the Web API answers for online instances only.
	switch {
	case x.Deployment != "":
		inst["deployment"] = x.Deployment
	case fromAPI:
		inst["deployment"] = "online"
	}
	if x.UsesGroups != nil {
		inst["usesGroups"] = *x.UsesGroups
	} else {
		inst["usesGroups"] = true
		im.warn("instance %s: usesGroups not given in %s; assumed true (the instance was exported for this check)", name, ExtraFile)
	}
	if x.URL != "" {
		inst["url"] = x.URL
	}
	// organizations: SharePoint target and e-mail processing.
	orgs, ok, err := readCollection(dir, "organizations", im.lim)
	if err != nil {
		return nil, err
	}
	sharePoint := map[string]any{}
	exchange := map[string]any{}
	if ok && len(orgs) > 0 {
		org := orgs[0]
		if t, ok, err := org.number("sharepointdeploymenttype"); err != nil {
			return nil, err
		} else if ok {
			// Set only when server-based integration was configured.
			sharePoint["serverBasedIntegration"] = true
			sharePoint["deploymentType"] = map[int64]string{0: "online", 1: "onpremises"}[t]
		}
		if ch, ok, err := org.number("emailconnectionchannel"); err != nil {
			return nil, err
		} else if ok {
			exchange["serverSideSync"] = ch == 0
		}
	}
	for k, v := range x.SharePoint {
		sharePoint[k] = v
	}
	for k, v := range x.Exchange {
		exchange[k] = v
	}
	if len(sharePoint) > 0 {
		inst["sharePoint"] = sharePoint
	}
	if len(exchange) > 0 {
		inst["exchange"] = exchange
	}
	if x.Customizations != nil {
		inst["customizations"] = x.Customizations
	}
	if x.GroupEntities != nil {
		list := make([]any, len(x.GroupEntities))
		for i, e := range x.GroupEntities {
			list[i] = e
		}
		inst["groupEntities"] = list
	}
	// solutions.
	if sols, ok, err := readCollection(dir, "solutions", im.lim); err != nil {
		return nil, err
	} else if ok {
		list := make([]any, 0, len(sols))
		for _, s := range sols {
			unique, _, err := s.str("uniquename")
			if err != nil {
				return nil, err
			}
			sol := map[string]any{"uniqueName": unique}
			if v, ok, _ := s.str("friendlyname"); ok {
				sol["friendlyName"] = v
			}
			if v, ok, _ := s.str("version"); ok {
				sol["version"] = v
			}
			list = append(list, sol)
		}
		inst["solutions"] = list
	}
	roles, err := im.roles(dir)
	if err != nil {
		return nil, err
	}
	if roles != nil {
		inst["securityRoles"] = roles
	}
	users, err := im.systemUsers(dir)
	if err != nil {
		return nil, err
	}
	if users != nil {
		inst["users"] = users
	}
	return inst, nil
}

// roles reads roles.json with each role's privileges and depths, in either
// documented form: RolePrivileges embedded per role (the
// RetrieveRolePrivilegesRole function), or roleprivileges.json
// (roleprivilegescollection with privilegedepthmask) joined to
// privileges.json. Roles copied per business unit share a name: they are
// merged, keeping the deepest depth of each privilege.
func (im *importer) roles(dir string) ([]any, error) {
	items, ok, err := readCollection(dir, "roles", im.lim)
	if err != nil || !ok {
		return nil, err
	}
	privName := map[string]string{}
	if privs, ok, err := readCollection(dir, "privileges", im.lim); err != nil {
		return nil, err
	} else if ok {
		for _, p := range privs {
			id, _, _ := p.str("privilegeid")
			name, _, _ := p.str("name")
			privName[lowerKey(id)] = name
		}
	}
	byRole := map[string]map[string]string{} // role id → privilege name → depth
	if links, ok, err := readCollection(dir, "roleprivileges", im.lim); err != nil {
		return nil, err
	} else if ok {
		for _, l := range links {
			roleID, _, err := l.str("roleid")
			if err != nil {
				return nil, err
			}
			privID, _, err := l.str("privilegeid")
			if err != nil {
				return nil, err
			}
			mask, _, err := l.number("privilegedepthmask")
			if err != nil {
				return nil, err
			}
			name, known := privName[lowerKey(privID)]
			if !known {
				name = privID
			}
			if depth := maskDepth(mask); depth != "" {
				setDepth(byRole, lowerKey(roleID), name, depth)
			}
		}
	}
	type role struct {
		name  string
		privs map[string]string
	}
	var order []string
	merged := map[string]*role{}
	for _, it := range items {
		name, _, err := it.str("name")
		if err != nil {
			return nil, err
		}
		id, _, _ := it.str("roleid")
		r, seen := merged[name]
		if !seen {
			r = &role{name: name, privs: map[string]string{}}
			merged[name] = r
			order = append(order, name)
		}
		for p, d := range byRole[lowerKey(id)] {
			mergeDepth(r.privs, p, d)
		}
		embedded, _, err := it.list("RolePrivileges")
		if err != nil {
			return nil, err
		}
		for i, e := range embedded {
			rp, err := it.sub("RolePrivileges", i, e)
			if err != nil {
				return nil, err
			}
			pname, _, _ := rp.str("PrivilegeName")
			if pname == "" {
				pid, _, _ := rp.str("PrivilegeId")
				pname = privName[lowerKey(pid)]
			}
			var raw string
			switch d := rp.obj["Depth"].(type) {
			case string:
				raw = d
			case json.Number:
				raw = d.String()
			}
			if depth, ok := depthNames[strings.ToLower(raw)]; ok && pname != "" {
				mergeDepth(r.privs, pname, depth)
			}
		}
	}
	out := make([]any, 0, len(order))
	for _, name := range order {
		r := merged[name]
		privs := make([]string, 0, len(r.privs))
		for p := range r.privs {
			privs = append(privs, p)
		}
		sort.Strings(privs)
		list := make([]any, 0, len(privs))
		for _, p := range privs {
			list = append(list, map[string]any{"name": p, "depth": r.privs[p]})
		}
		out = append(out, map[string]any{"name": r.name, "privileges": list})
	}
	return out, nil
}

func maskDepth(mask int64) string {
	if mask <= 0 {
		return ""
	}
	return maskDepths[1<<(bits.Len64(uint64(mask))-1)]
}

func setDepth(m map[string]map[string]string, role, priv, depth string) {
	if m[role] == nil {
		m[role] = map[string]string{}
	}
	mergeDepth(m[role], priv, depth)
}

func mergeDepth(m map[string]string, priv, depth string) {
	if depthRank[depth] > depthRank[m[priv]] {
		m[priv] = depth
	}
}

// systemUsers reads systemusers.json with each user's roles (expanded
// systemuserroles_association). The user principal name is the Graph
// user's when azureactivedirectoryobjectid joins, else domainname, else
// internalemailaddress; users with none (system, integration) are left out.
func (im *importer) systemUsers(dir string) ([]any, error) {
	items, ok, err := readCollection(dir, "systemusers", im.lim)
	if err != nil || !ok {
		return nil, err
	}
	out := make([]any, 0, len(items))
	for _, it := range items {
		upn := ""
		if aad, ok, _ := it.str("azureactivedirectoryobjectid"); ok {
			upn = im.upnByID[lowerKey(aad)]
		}
		for _, field := range []string{"domainname", "internalemailaddress"} {
			if upn == "" {
				upn, _, _ = it.str(field)
			}
		}
		if upn == "" {
			continue
		}
		disabled, _, err := it.boolean("isdisabled")
		if err != nil {
			return nil, err
		}
		u := map[string]any{"userPrincipalName": upn, "enabled": !disabled}
		roles, _, err := it.list("systemuserroles_association")
		if err != nil {
			return nil, err
		}
		names := []any{}
		seen := map[string]bool{}
		for i, r := range roles {
			role, err := it.sub("systemuserroles_association", i, r)
			if err != nil {
				return nil, err
			}
			name, _, err := role.str("name")
			if err != nil {
				return nil, err
			}
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
		u["roles"] = names
		out = append(out, u)
	}
	return out, nil
}
