// Package policy compiles the Rego controls (built-in and user folders),
// reads their catalogue from METADATA, evaluates one snapshot (Engine) and
// runs the Rego unit tests (RunPolicyTests).
package policy
