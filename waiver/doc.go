// Package waiver marks findings after evaluation: a waiver file accepts a
// known finding until its expiry date (LoadWaivers), and a Set applies the
// waivers to each tenant as it finishes. The baseline (baseline.Baseline)
// is the other marking step: it marks findings new, unchanged or resolved.
package waiver
