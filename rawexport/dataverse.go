package rawexport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/bits"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tenantscan/tenantscan/snapshot"
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

func (im *importer) dynamics(doc map[string]any, extra *extraFile, upnByID map[string]string) error {
	root := filepath.Join(im.root, "dataverse")
	names := map[string]bool{}
	if entries, err := os.ReadDir(root); err == nil {
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				names[e.Name()] = true
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(extra.Instances)) {
		for folder := range names {
			if folder != name && strings.EqualFold(folder, name) {
				return extra.fail(fmt.Sprintf("names the instance exported as dataverse/%s: spell it as the folder is named", folder), "instances", name)
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
		inst, err := im.instance(filepath.Join(root, name), name, extra, upnByID)
		if err != nil {
			return err
		}
		instances = append(instances, inst)
	}
	doc["dynamics"] = instances
	return nil
}

// dvCollection reads one Dataverse collection of an instance folder.
func (im *importer) dvCollection(dir, name string) ([]rawItem, bool, error) {
	return readCollection(dir, name, im.lim)
}

func (im *importer) instance(dir, name string, extra *extraFile, upnByID map[string]string) (map[string]any, error) {
	x := extra.Instances[name]
	inst := map[string]any{"name": name}
	_, statErr := os.Stat(dir)
	fromAPI := statErr == nil
	serviceURL := ""
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
			return nil, rawError(verPath, &snapshot.PosError{Pointer: "/Version", Msg: "got " + jsonType(ver) + ", want a string"})
		}
		serviceURL = odataServiceRoot(obj)
	}
	if _, ok := inst["version"]; !ok && x.Version != "" {
		inst["version"] = x.Version
	}
	orgs, _, err := im.dvCollection(dir, "organizations")
	if err != nil {
		return nil, err
	}
	var org *rawItem
	if len(orgs) > 0 {
		org = &orgs[0]
		if serviceURL == "" {
			serviceURL = odataServiceRoot(org.obj)
		}
	}
	// URL and deployment: the extra file, else the service root the Web
	// API wrote in @odata.context (a Dynamics 365 online host).
	switch {
	case x.URL != "":
		inst["url"] = x.URL
	case serviceURL != "":
		inst["url"] = serviceURL
	}
	switch {
	case x.Deployment != "":
		inst["deployment"] = x.Deployment
	case onlineHost(serviceURL):
		inst["deployment"] = "online"
		im.fact("instance %s: deployment online: the Web API answered at %s", name, serviceURL)
	case fromAPI:
		im.warn("instance %s: deployment not given in %s and no response names a Dynamics 365 online host: not exported", name, ExtraFile)
	}
	// Scope: no API says whether an instance uses Office 365 Groups.
	if x.UsesGroups == nil {
		return nil, extra.fail(fmt.Sprintf("usesGroups is required for instance %s: no API says whether an instance uses Office 365 Groups (write usesGroups: true or false)", name), "instances", name)
	}
	inst["usesGroups"] = *x.UsesGroups

	sharePoint, err := im.sharePoint(dir, name, org)
	if err != nil {
		return nil, err
	}
	exchange, err := im.exchange(dir, name, org)
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(x.SharePoint)) {
		im.override(name, "sharePoint", k, sharePoint, x.SharePoint[k])
		sharePoint[k] = x.SharePoint[k]
	}
	for _, k := range slices.Sorted(maps.Keys(x.Exchange)) {
		im.override(name, "exchange", k, exchange, x.Exchange[k])
		exchange[k] = x.Exchange[k]
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
	if sols, ok, err := im.dvCollection(dir, "solutions"); err != nil {
		return nil, err
	} else if ok {
		list := make([]any, 0, len(sols))
		for _, s := range sols {
			unique, _, err := s.str("uniquename")
			if err != nil {
				return nil, err
			}
			sol := map[string]any{"uniqueName": unique}
			if err := copyFieldsAs(sol, s.str, map[string]string{"friendlyname": "friendlyName", "version": "version"}); err != nil {
				return nil, err
			}
			list = append(list, sol)
		}
		inst["solutions"] = list
	}
	roles, err := im.roles(dir, name)
	if err != nil {
		return nil, err
	}
	if roles != nil {
		inst["securityRoles"] = roles.list
	}
	teams, err := im.teams(dir, name, roles)
	if err != nil {
		return nil, err
	}
	users, err := im.systemUsers(dir, name, roles, teams, upnByID)
	if err != nil {
		return nil, err
	}
	if users != nil {
		inst["users"] = users
	}
	return inst, nil
}

// odataServiceRoot is the service root of a Web API response, from its
// @odata.context (https://org.crm4.dynamics.com/api/data/v9.2/$metadata#…):
// the scheme and host, or "" when the response has none.
func odataServiceRoot(obj map[string]any) string {
	ctx, _ := obj["@odata.context"].(string)
	u, err := url.Parse(ctx)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return "https://" + u.Host
}

// onlineHost reports whether a service URL is a Dynamics 365 (online)
// environment: https://<org>.crm<N>.dynamics.com.
func onlineHost(service string) bool {
	u, err := url.Parse(service)
	if err != nil {
		return false
	}
	labels := strings.Split(strings.ToLower(u.Hostname()), ".")
	n := len(labels)
	return n >= 4 && labels[n-1] == "com" && labels[n-2] == "dynamics" && strings.HasPrefix(labels[n-3], "crm")
}

// fact records where a fact that no single field states came from.
func (im *importer) fact(format string, args ...any) {
	im.facts = append(im.facts, fmt.Sprintf(format, args...))
}

// override notes an extra-file value that replaces an imported one.
func (im *importer) override(instance, obj, key string, imported map[string]any, value any) {
	if old, ok := imported[key]; ok && fmt.Sprint(old) != fmt.Sprint(value) {
		im.warn("instance %s: %s.%s is %v in %s, overriding %v imported from Dataverse", instance, obj, key, value, ExtraFile, old)
	}
}

// copyFieldsAs copies fields under new names when they are present.
func copyFieldsAs[T any](dst map[string]any, read func(string) (T, bool, error), names map[string]string) error {
	for _, from := range slices.Sorted(maps.Keys(names)) {
		v, ok, err := read(from)
		if err != nil {
			return err
		}
		if ok {
			dst[names[from]] = v
		}
	}
	return nil
}

// dvRoles is an instance's security roles, by lower-case roleid.
type dvRoles struct {
	list []any                     // the snapshot's securityRoles
	byID map[string]map[string]any // lower roleid → role entry
}

// dvRole is one row of roles.json while privileges are gathered.
type dvRole struct {
	item  rawItem
	id    string
	name  string
	bu    string
	root  string
	privs map[string]string // privilege name → depth
	rows  bool              // privilege rows of its own were found
	own   bool              // its privileges were exported (rows or not)
}

// roles reads roles.json: one security role per roleid (roles copied into
// each business unit share a name but are distinct roles), with its
// business unit and root role, and its privileges and depths from
// roleprivileges.json (roleprivilegescollection, privilegedepthmask)
// joined to privileges.json, or from roleprivileges/<roleid>.json
// (RetrieveRolePrivilegesRole). A copy of a root role whose own rows were
// not exported takes the root role's privileges: Dataverse keeps inherited
// copies equal to their root. Privileges are absent (not exported) when
// neither source was exported.
func (im *importer) roles(dir, instance string) (*dvRoles, error) {
	items, ok, err := im.dvCollection(dir, "roles")
	if err != nil || !ok {
		return nil, err
	}
	buName, err := im.businessUnits(dir)
	if err != nil {
		return nil, err
	}
	privName := map[string]string{}
	privsExported := false
	if privs, ok, err := im.dvCollection(dir, "privileges"); err != nil {
		return nil, err
	} else if ok {
		privsExported = true
		for _, p := range privs {
			id, _, err := p.str("privilegeid")
			if err != nil {
				return nil, err
			}
			name, _, err := p.str("name")
			if err != nil {
				return nil, err
			}
			privName[lowerKey(id)] = name
		}
	}
	var order []*dvRole
	byID := map[string]*dvRole{}
	for _, it := range items {
		id, _, err := it.str("roleid")
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, &snapshot.LoadError{File: it.file, Problems: []*snapshot.PosError{{Pointer: it.ptr + "/roleid", Msg: "a role without roleid: add roleid to $select"}}}
		}
		name, _, err := it.str("name")
		if err != nil {
			return nil, err
		}
		if name == "" {
			return nil, &snapshot.LoadError{File: it.file, Problems: []*snapshot.PosError{{Pointer: it.ptr + "/name", Msg: "a role without name: add name to $select"}}}
		}
		r := &dvRole{item: it, id: id, name: name, privs: map[string]string{}}
		if bu, ok, err := it.str("_businessunitid_value"); err != nil {
			return nil, err
		} else if ok {
			r.bu = bu
			if n, ok := buName[lowerKey(bu)]; ok {
				r.bu = n
			} else if n, ok := it.obj["_businessunitid_value@OData.Community.Display.V1.FormattedValue"].(string); ok && n != "" {
				r.bu = n
			}
		}
		if r.root, _, err = it.str("_parentrootroleid_value"); err != nil {
			return nil, err
		}
		if _, dup := byID[lowerKey(id)]; dup {
			return nil, &snapshot.LoadError{File: it.file, Problems: []*snapshot.PosError{{Pointer: it.ptr + "/roleid", Msg: fmt.Sprintf("role %s appears twice", id)}}}
		}
		byID[lowerKey(id)] = r
		order = append(order, r)
		// Embedded RolePrivileges (older exports).
		embedded, hasEmbedded, err := it.list("RolePrivileges")
		if err != nil {
			return nil, err
		}
		if hasEmbedded {
			r.own, r.rows = true, len(embedded) > 0
			if err := addRolePrivileges(r, it, "RolePrivileges", embedded, privName); err != nil {
				return nil, err
			}
		}
	}
	// roleprivileges.json: the roleprivilegescollection.
	links, linksExported, err := im.dvCollection(dir, "roleprivileges")
	if err != nil {
		return nil, err
	}
	if linksExported && !privsExported {
		im.warn("instance %s: roleprivileges.json names privileges by id only and privileges.json was not exported: role privileges are not exported", instance)
		linksExported = false
	}
	if linksExported {
		for _, l := range links {
			roleID, _, err := l.str("roleid")
			if err != nil {
				return nil, err
			}
			privID, _, err := l.str("privilegeid")
			if err != nil {
				return nil, err
			}
			mask, ok, err := l.number("privilegedepthmask")
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, &snapshot.LoadError{File: l.file, Problems: []*snapshot.PosError{{Pointer: l.ptr + "/privilegedepthmask", Msg: "missing: add privilegedepthmask to $select"}}}
			}
			r, known := byID[lowerKey(roleID)]
			if !known {
				im.leave(l, "role privilege "+privID, fmt.Sprintf("its role %s is not in roles.json", roleID))
				continue
			}
			r.rows = true
			name, known := privName[lowerKey(privID)]
			if !known {
				continue // privileges.json names the privileges the export carries
			}
			if depth := maskDepth(mask); depth != "" {
				mergeDepth(r.privs, name, depth)
			}
		}
		for _, r := range order {
			r.own = true
		}
	}
	// roleprivileges/<roleid>.json: RetrieveRolePrivilegesRole responses.
	perRole := filepath.Join(dir, "roleprivileges")
	for _, r := range order {
		path := filepath.Join(perRole, r.id+".json")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		v, err := readRaw(path, im.lim)
		if err != nil {
			return nil, rawError(path, err)
		}
		resp := rawItem{file: path}
		if obj, ok := v.(map[string]any); ok {
			resp.obj = obj
		} else {
			return nil, rawError(path, &snapshot.PosError{Msg: fmt.Sprintf("got %s, want the RetrieveRolePrivilegesRole response object", jsonType(v))})
		}
		list, ok, err := resp.list("RolePrivileges")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, rawError(path, &snapshot.PosError{Pointer: "/RolePrivileges", Msg: "missing"})
		}
		r.own, r.rows = true, r.rows || len(list) > 0
		if err := addRolePrivileges(r, resp, "RolePrivileges", list, privName); err != nil {
			return nil, err
		}
	}
	// Inherited copies without rows of their own take their root's.
	for _, r := range order {
		if r.rows || r.root == "" || strings.EqualFold(r.root, r.id) {
			continue
		}
		if root, ok := byID[lowerKey(r.root)]; ok && root.rows {
			maps.Copy(r.privs, root.privs)
			r.own = true
		}
	}
	out := &dvRoles{byID: map[string]map[string]any{}}
	for _, r := range order {
		role := map[string]any{"id": r.id, "name": r.name}
		if r.bu != "" {
			role["businessUnit"] = r.bu
		}
		if r.root != "" {
			role["rootRoleId"] = r.root
		}
		if r.own {
			list := make([]any, 0, len(r.privs))
			for _, p := range slices.Sorted(maps.Keys(r.privs)) {
				list = append(list, map[string]any{"name": p, "depth": r.privs[p]})
			}
			role["privileges"] = list
		}
		out.list = append(out.list, role)
		out.byID[lowerKey(r.id)] = role
	}
	return out, nil
}

// addRolePrivileges adds RolePrivilege objects (PrivilegeName or
// PrivilegeId, Depth by name or number) to a role.
func addRolePrivileges(r *dvRole, it rawItem, field string, list []any, privName map[string]string) error {
	for i, e := range list {
		rp, err := it.sub(field, i, e)
		if err != nil {
			return err
		}
		pname, _, err := rp.str("PrivilegeName")
		if err != nil {
			return err
		}
		if pname == "" {
			pid, _, err := rp.str("PrivilegeId")
			if err != nil {
				return err
			}
			pname = privName[lowerKey(pid)]
		}
		var raw string
		switch d := rp.obj["Depth"].(type) {
		case string:
			raw = d
		case json.Number:
			raw = d.String()
		case nil:
		default:
			return rp.fail("Depth", "a name or a number")
		}
		depth, ok := depthNames[strings.ToLower(raw)]
		if !ok {
			return &snapshot.LoadError{File: rp.file, Problems: []*snapshot.PosError{{Pointer: rp.ptr + "/Depth", Msg: fmt.Sprintf("unknown privilege depth %q (want Basic, Local, Deep, Global or 0–3)", raw)}}}
		}
		if pname != "" {
			mergeDepth(r.privs, pname, depth)
		}
	}
	return nil
}

// businessUnits maps business unit ids (lower case) to names, from
// businessunits.json when it was exported.
func (im *importer) businessUnits(dir string) (map[string]string, error) {
	out := map[string]string{}
	items, _, err := im.dvCollection(dir, "businessunits")
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		id, _, err := it.str("businessunitid")
		if err != nil {
			return nil, err
		}
		name, _, err := it.str("name")
		if err != nil {
			return nil, err
		}
		if id != "" && name != "" {
			out[lowerKey(id)] = name
		}
	}
	return out, nil
}

func maskDepth(mask int64) string {
	if mask <= 0 {
		return ""
	}
	return maskDepths[1<<(bits.Len64(uint64(mask))-1)]
}

func mergeDepth(m map[string]string, priv, depth string) {
	if depthRank[depth] > depthRank[m[priv]] {
		m[priv] = depth
	}
}
