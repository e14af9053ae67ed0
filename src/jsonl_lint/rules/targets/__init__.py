"""JL9xx: target compatibility, one rule per kind of requirement of a target profile."""
