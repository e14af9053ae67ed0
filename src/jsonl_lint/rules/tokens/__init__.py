"""JL6xx: token counts, the model's per-example limit, trained tokens and the training budget."""
