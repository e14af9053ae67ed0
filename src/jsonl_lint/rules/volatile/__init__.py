"""Volatile facts (JL5xx): claims that go stale and belong in retrieval."""
