"""Rule data: facts with sources, as JSON."""
