package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// shardOf reads the shard parameter ("K/N") a sharded scan records.
func shardOf(r *Report) (k, n int, ok bool) {
	for _, p := range r.Parameters {
		if p.Name != "shard" {
			continue
		}
		ks, ns, cut := strings.Cut(p.Value, "/")
		k, err1 := strconv.Atoi(ks)
		n, err2 := strconv.Atoi(ns)
		return k, n, cut && err1 == nil && err2 == nil && k >= 1 && k <= n
	}
	return 0, 0, false
}

// parameter returns the value of a report's parameter, "" when absent.
func parameter(r *Report, name string) string {
	for _, p := range r.Parameters {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// sameRun lists the parameters that must agree between the shards of one
// run: the rules and how findings were judged.
var sameRun = []string{"policies", "data", "waivers", "as-of", "fail-on", "baseline"}

// checkShards refuses a set of reports that is not exactly the shards 1
// to N of one run: a report that is not a shard, shards of different N, a
// shard twice or missing, or shards of different tool versions, catalogues
// or rules. Messages name the files.
func checkShards(paths []string, heads []*Report) error {
	byK := map[int]int{}
	n0 := 0
	for i, h := range heads {
		k, n, ok := shardOf(h)
		if !ok {
			return fmt.Errorf("%s is not a shard report (it has no shard parameter: it was written by scan without --shard, or by merge)", paths[i])
		}
		if i == 0 {
			n0 = n
		} else if n != n0 {
			return fmt.Errorf("%s is shard %d/%d but %s is shard %s: merge the shards of one run", paths[i], k, n, paths[0], parameter(heads[0], "shard"))
		}
		if j, dup := byK[k]; dup {
			return fmt.Errorf("%s and %s are both shard %d/%d", paths[j], paths[i], k, n)
		}
		byK[k] = i
		if h.Tool.Version != heads[0].Tool.Version {
			return fmt.Errorf("%s was written by tenantscan %s, %s by %s: merge the shards of one run", paths[i], h.Tool.Version, paths[0], heads[0].Tool.Version)
		}
		if !slices.EqualFunc(h.Controls, heads[0].Controls, func(a, b Control) bool { return a.ID == b.ID && a.Severity == b.Severity }) {
			return fmt.Errorf("%s and %s have different control catalogues: merge the shards of one run", paths[i], paths[0])
		}
		for _, name := range sameRun {
			if a, b := parameter(h, name), parameter(heads[0], name); a != b {
				return fmt.Errorf("%s has %s %q, %s has %q: merge the shards of one run", paths[i], name, a, paths[0], b)
			}
		}
	}
	var missing []string
	for k := 1; k <= n0; k++ {
		if _, ok := byK[k]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", k, n0))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("shard %s missing: the merge would lack their tenants (given: %s)", strings.Join(missing, ", "), strings.Join(paths, ", "))
	}
	return nil
}

// mergedParameters describes the merge: the shards' parameters but the
// shard, then how many shards were merged and from which files.
func mergedParameters(first *Report, n int, names []string) []Parameter {
	var out []Parameter
	for _, p := range first.Parameters {
		if p.Name != "shard" && p.Name != "merged" && p.Name != "shards" {
			out = append(out, p)
		}
	}
	out = append(out, Parameter{Name: "shards", Value: fmt.Sprintf("%d of %d", n, n)})
	if names != nil {
		out = append(out, Parameter{Name: "merged", Value: strings.Join(names, ", ")})
	} else {
		out = append(out, Parameter{Name: "merged", Value: fmt.Sprintf("%d reports", n)})
	}
	return out
}
