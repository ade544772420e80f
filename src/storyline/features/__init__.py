"""Feature extraction: shingles, MinHash signatures and friends."""
