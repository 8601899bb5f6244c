"""Runtime and security (DF6xx)."""
