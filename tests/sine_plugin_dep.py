"""The dependency the example sine family declares (tests make it unimportable)."""
