"""Validation policies: what each finding means (fail, warn, info, ignore) and which legacy algorithms are accepted, named or read from a TOML file."""
