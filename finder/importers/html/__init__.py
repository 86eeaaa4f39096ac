"""What the saved-page importers share: loading a page, its text, sections and schema.org data."""
