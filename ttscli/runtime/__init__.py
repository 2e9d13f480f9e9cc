"""Runtime selection: hardware profile → per-family runtime plan, and session factories."""
