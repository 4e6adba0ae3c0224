"""Text to knowledge: regulations, minutes, recommendation lists, generic documents, status clauses."""
