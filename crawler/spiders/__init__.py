"""The project's spiders (one: ``portal``, driven by a site profile)."""
