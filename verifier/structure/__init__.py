"""Integrity checks on the raw bytes that pyHanko's validation of each layer does not make: byte ranges, revisions, cross-reference differentials, active content, appearances over signed text."""
