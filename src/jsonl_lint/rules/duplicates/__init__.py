"""JL3xx: exact duplicates, conflicting answers, near duplicates and train/validation leakage."""
