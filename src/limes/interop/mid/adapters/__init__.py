"""Storage of the multiple-identity detector."""
