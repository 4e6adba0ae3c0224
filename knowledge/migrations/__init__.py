"""Alembic migrations of the SQL store (run through knowledge.migrate)."""
