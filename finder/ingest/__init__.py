"""The import pipeline: read files with the importers, normalise, link records into
therapists and store them in one transaction; URL fetches, hand entry and edits go the same way.
"""
