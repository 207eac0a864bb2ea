"""The archive's storage room: SQLAlchemy models, the database from one URL,
migrations, the writes a crawl makes, the reads it needs, and exports."""
