"""Plain helpers with no models that every layer may import: phone numbers, JSON error shapes,
htmx helpers, rate-limit keys. Nothing here imports the project's apps."""
