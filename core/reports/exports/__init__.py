"""The streaming export engine: rows of every kind in batches, written as they come."""
