"""Helpers of the PDF importer: page layout, furniture, sections, entries and fields."""
