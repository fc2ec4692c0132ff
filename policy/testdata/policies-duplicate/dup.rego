# METADATA
# title: Claims a built-in id
# custom:
#   id: O365G-001
#   severity: high
package custom.dup

deny contains "never" if false
