"""Build context and files (DF5xx)."""
