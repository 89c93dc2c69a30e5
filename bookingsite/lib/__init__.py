"""Plain helpers with no models that every layer may import: phone numbers, JSON error shapes and
their schema, htmx helpers, rate limits and the DRF throttles on them. Nothing here imports the project's apps."""
