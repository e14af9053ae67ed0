"""Content hygiene (JL8xx): empty answers, placeholders, control characters, merged
instructions, prompts that point at unseen links, and the share of refusals."""
