package custom.orphan

deny contains "always" if true
