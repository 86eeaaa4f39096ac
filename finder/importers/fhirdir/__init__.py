"""Helpers of the FHIR Plan-Net importer (``finder.importers.fhir``)."""
