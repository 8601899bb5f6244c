"""What the shipped image contains (DF2xx)."""
