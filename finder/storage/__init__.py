"""Where finder keeps things: the store, atomic writes, backups, the private data folder,
export and restore. The only package that touches the store's files.
"""
