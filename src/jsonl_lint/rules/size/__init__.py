"""JL2xx: dataset size (too few distinct examples), judged per dataset group."""
