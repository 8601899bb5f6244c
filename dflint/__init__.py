"""dflint: a Dockerfile linter for machine-learning inference images."""

__version__ = "0.1.0"
