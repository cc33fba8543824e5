"""Declarative data shipped with xharness: languages, benchmark definitions and JSON Schemas.

This package holds data only; `xtreme_harness.resources` locates it.
"""
