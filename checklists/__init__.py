"""The shipped checklists (TOML files in this folder), installed as ``finder.checklist_files`` (``finder.checklists`` is the loader module)."""
