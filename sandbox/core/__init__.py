"""The contract between the host and its plugins: hook specifications, the registry that loads
plugins, scenarios and their validation, parameters and units, catalogue entries, and the
design types a plugin's design function returns. Nothing here evaluates a design."""
