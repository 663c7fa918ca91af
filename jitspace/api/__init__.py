"""The HTTP API: thin controllers over the application and the read side."""
