"""finder: a local-first tool to find a therapist trained in Interpersonal Psychotherapy."""

__version__ = "0.1.0"
