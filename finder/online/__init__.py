"""Everything that goes online, and nothing else: the one package that imports httpx."""
