"""JL4xx: consistency of voice, format, language, length, system prompt and schema
across a dataset, judged against the dataset's own distribution."""
