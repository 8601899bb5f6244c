"""dflint's built-in rules, one module per rule, grouped by the hundreds of their codes:
`stages` (1xx), `contents` (2xx), `layers` (3xx), `pinning` (4xx), `context` (5xx), `runtime` (6xx)."""
