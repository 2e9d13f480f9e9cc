"""Model families: one backend per family, one registry for all of them."""
