package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/tenantscan/tenantscan/report"
)

// articleTitle is the document the built-in controls' sources A1–A16
// number the statements of.
const articleTitle = `Microsoft, "Deploy Office 365 Groups" for Dynamics 365 (online), versions 8.x and 9.x`

// articleStatements are the statements of the article the built-in
// controls cite as A1–A16, in short (docs/controls.md and each control's
// reference give the section).
var articleStatements = map[string]string{
	"A1":  "Dynamics 365 (online) is required: the Groups solution is provisioned onto an online instance",
	"A2":  "an Office 365 subscription, or one to SharePoint Online or Exchange Online, is required",
	"A3":  "full integration requires Office 365 Enterprise E3 or later",
	"A4":  "Skype for Business PSTN calling and conferencing requires Office 365 Enterprise E5",
	"A5":  "users need an Exchange Online mailbox to use Groups",
	"A6":  "document storage with Groups requires SharePoint Online",
	"A7":  "server-based SharePoint integration must be on (also for the group's OneNote notebook)",
	"A8":  "the Office 365 Groups solution must be installed on the instance",
	"A9":  "instances must run CRM Online 2015 Update 1 (version 7.1) or later",
	"A10": "users need the ISV Extensions privilege (the article sets it for the organization)",
	"A11": "Groups are enabled per entity, then Publish All customizations",
	"A12": "Auto Create (a group per new record) is recommended only for entities that need large groups",
	"A13": "connectors: account, lead and opportunity records only, up to five per group, task activities only",
	"A14": "connect sensitive records to private groups",
	"A15": "data shared to a group is shared with its members, licensed Dynamics users or not",
	"A16": "Exchange Online must be set up for the Dynamics 365 (online) organization",
}

// sourceList splits a control's source ("A6, A7", "A14,A15", "internal
// policy 7.3") into its sources: comma-separated, each trimmed, spaces
// inside a source kept.
func sourceList(source string) []string {
	var out []string
	for _, s := range strings.Split(source, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// writeSources writes, below the policies table, what each source the
// listed controls cite is: an article statement for A1–A16, else the
// references of the controls that cite it (a --policy control's own
// words), else that nothing says.
func writeSources(w io.Writer, controls []report.Control) error {
	refs := map[string][]string{}
	var order []string
	for _, c := range controls {
		for _, s := range sourceList(c.Source) {
			if _, ok := refs[s]; !ok {
				order = append(order, s)
				refs[s] = nil
			}
			if c.Reference != "" && !slices.Contains(refs[s], c.Reference) {
				refs[s] = append(refs[s], c.Reference)
			}
		}
	}
	if len(order) == 0 {
		return nil
	}
	slices.SortStableFunc(order, compareSources)
	var b strings.Builder
	b.WriteString("\nSOURCES\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	article := false
	for _, s := range order {
		text, ok := articleStatements[s]
		switch {
		case ok:
			article = true
		case len(refs[s]) > 0:
			text = strings.Join(refs[s], "; ")
		default:
			text = "(no reference given by the controls that cite it)"
		}
		fmt.Fprintf(tw, "%s\t%s\n", report.Neutralize(s), report.Neutralize(text))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if article {
		fmt.Fprintf(&b, "A1–A16 number the statements of %s;\n", articleTitle)
		b.WriteString("each control's reference (--format json, docs/controls.md) names the section.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// compareSources orders A1 … A16 by number, before any other source (in
// text order).
func compareSources(a, b string) int {
	na, oka := articleNumber(a)
	nb, okb := articleNumber(b)
	switch {
	case oka && okb:
		return na - nb
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(a, b)
}

func articleNumber(s string) (int, bool) {
	if _, ok := articleStatements[s]; !ok {
		return 0, false
	}
	var n int
	_, err := fmt.Sscanf(s, "A%d", &n)
	return n, err == nil
}
