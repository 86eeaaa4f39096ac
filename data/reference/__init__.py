"""Reference data shipped with finder, installed as ``finder.refdata``."""
