"""Storage and indexes: the SQL store's passages, Chroma vectors, BM25, the corpus snapshot, legal status, backups."""
