"""Pinning and reproducibility (DF4xx)."""
