"""`ttscli convert`: placeholder replaced below."""
