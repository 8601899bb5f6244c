"""dflint: a Dockerfile linter for machine-learning inference images."""

__version__ = "0.1.0"

# Where the project (and its docs/rules/<CODE>.md pages, used as SARIF help links) is published.
HOMEPAGE = "https://github.com/dflint/dflint"
