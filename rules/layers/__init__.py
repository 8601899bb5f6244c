"""Caches and layers (DF3xx)."""
