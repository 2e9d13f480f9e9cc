"""`ttscli mcp`: a Model Context Protocol server on the warm engine (placeholder)."""

from __future__ import annotations
