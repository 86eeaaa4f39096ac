"""pursue."""
