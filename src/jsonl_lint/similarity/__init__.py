"""Near-duplicate machinery shared by the duplicate and leakage rules.

* :mod:`.text` picks the text a record is compared on and normalizes it, and
  hashes canonical records with a stable hash (never Python's salted ``hash()``).
* :mod:`.shingles` turns normalized word sequences into 64-bit word-shingle hashes
  (vectorized with numpy, stable across processes and runs).
* :mod:`.minhash` computes MinHash signatures in batches and generates candidate
  pairs by LSH banding (sub-quadratic).
* :mod:`.refs` keeps record locations compactly and re-reads candidate records.
* :mod:`.near` is the mergeable dataset state: signatures, not texts, plus the
  boilerplate (shared-preamble) filter and rapidfuzz verification in ``finish``.
"""
