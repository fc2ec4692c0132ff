package waiver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/internal/safeopen"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
)

// A waiver file:
//
//	waivers:
//	  - control: O365G-004        # required, a control of the catalogue
//	    tenant: "*"               # tenant id, or a glob; default *
//	    resource: "bob@*"         # glob on the finding's resource id; default *
//	    reason: Licence ordered, PO 4711
//	    owner: it-licensing@contoso.com
//	    expires: 2027-01-31       # valid through that day (UTC)
var waiverKeys = map[string]bool{"control": true, "tenant": true, "resource": true, "reason": true, "owner": true, "expires": true}

// WaiverError is an invalid waiver file; it names the file and line.
type WaiverError struct {
	File string
	Line int
	Msg  string
}

func (e *WaiverError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// LoadWaivers reads and checks a waiver file. Control ids must be in
// known (when it is not nil). Every problem is a *WaiverError.
func LoadWaivers(path string, known map[string]bool) ([]report.Waiver, error) {
	data, err := safeopen.ReadFile(path)
	if err != nil {
		return nil, &WaiverError{File: path, Msg: snapshot.DescribeOSError(err)}
	}
	fail := func(n *yaml.Node, format string, args ...any) error {
		line := 0
		if n != nil {
			line = n.Line
		}
		return &WaiverError{File: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail(nil, "the file is empty")
		}
		pe := snapshot.YAMLSyntaxError(err)
		return nil, &WaiverError{File: path, Line: pe.Line, Msg: pe.Msg}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fail(root, "want a mapping with a waivers list")
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value != "waivers" {
			return nil, fail(k, "unknown key %q (want waivers)", k.Value)
		}
		list = root.Content[i+1]
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, fail(root, "waivers must be a list")
	}
	var out []report.Waiver
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			return nil, fail(item, "a waiver must be a mapping")
		}
		w := report.Waiver{Tenant: "*", Resource: "*", File: path, Line: item.Line}
		seen := map[string]bool{}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if !waiverKeys[k.Value] {
				return nil, fail(k, "unknown key %q in waiver (control, tenant, resource, reason, owner, expires)", k.Value)
			}
			if seen[k.Value] {
				return nil, fail(k, "duplicate key %q", k.Value)
			}
			seen[k.Value] = true
			if v.Kind != yaml.ScalarNode {
				return nil, fail(v, "%s must be a single value", k.Value)
			}
			switch k.Value {
			case "control":
				w.Control = v.Value
			case "tenant":
				w.Tenant = v.Value
			case "resource":
				w.Resource = v.Value
			case "reason":
				w.Reason = v.Value
			case "owner":
				w.Owner = v.Value
			case "expires":
				if _, err := time.Parse(time.DateOnly, v.Value); err != nil {
					return nil, fail(v, "expires %q is not a date (YYYY-MM-DD)", v.Value)
				}
				w.Expires = v.Value
			}
		}
		for _, req := range []string{"control", "reason", "owner", "expires"} {
			if !seen[req] || strings.TrimSpace(map[string]string{"control": w.Control, "reason": w.Reason, "owner": w.Owner, "expires": w.Expires}[req]) == "" {
				return nil, fail(item, "waiver lacks %s", req)
			}
		}
		if known != nil && !known[w.Control] {
			return nil, fail(item, "control %q is not in the catalogue", w.Control)
		}
		for _, g := range []string{w.Tenant, w.Resource} {
			if _, err := globRegexp(g); err != nil {
				return nil, fail(item, "pattern %q: %v", g, err)
			}
		}
		out = append(out, w)
	}
	return out, nil
}

// globRegexp turns a glob (* any run of characters, ? one character) into
// a case-insensitive, anchored regexp.
func globRegexp(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("(?is)^")
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// Set is the waivers of a scan, compiled, with the date they are
// judged on.
type Set struct {
	list      []report.Waiver
	tenants   []*regexp.Regexp
	resources []*regexp.Regexp
	today     string // YYYY-MM-DD
}

func NewSet(list []report.Waiver, today time.Time) *Set {
	ws := &Set{list: list, today: today.UTC().Format(time.DateOnly)}
	for _, w := range list {
		t, _ := globRegexp(w.Tenant)
		r, _ := globRegexp(w.Resource)
		ws.tenants = append(ws.tenants, t)
		ws.resources = append(ws.resources, r)
	}
	return ws
}

// Apply marks the tenant's findings that waivers cover and returns the
// indexes of the waivers that matched. A live waiver wins over an expired
// one; a control whose findings are all waived becomes waived.
func (ws *Set) Apply(t *report.Tenant) []int {
	if ws == nil || len(ws.list) == 0 {
		return nil
	}
	var used []int
	for ci := range t.Controls {
		c := &t.Controls[ci]
		if c.Status != report.StatusFail && c.Status != report.StatusWarn && c.Status != report.StatusError {
			continue
		}
		allWaived := len(c.Findings) > 0
		for fi := range c.Findings {
			f := &c.Findings[fi]
			match := -1
			for i, w := range ws.list {
				if w.Control != c.ID || !ws.tenants[i].MatchString(t.TenantID) || !ws.resources[i].MatchString(f.Resource.ID) {
					continue
				}
				used = append(used, i)
				if match == -1 || (ws.expired(match) && !ws.expired(i)) {
					match = i
				}
			}
			if match >= 0 {
				w := ws.list[match]
				w.Expired = ws.expired(match)
				f.Waiver = &w
			}
			if !f.Waived() {
				allWaived = false
			}
		}
		if allWaived && c.Status != report.StatusError {
			c.Status = report.StatusWaived
			reason := "every finding is waived"
			c.Reason = &reason
		}
	}
	return used
}

// expired is true once the day after the waiver's expiry date has begun.
func (ws *Set) expired(i int) bool { return ws.today > ws.list[i].Expires }
