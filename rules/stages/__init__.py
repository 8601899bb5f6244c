"""Stages and base images (DF1xx)."""
