from finder.cli import entry

entry()
