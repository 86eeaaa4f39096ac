"""What a record is, and the one reader per fact that turns what a source wrote into it.

``models`` (Record, Source, the canonical fields), ``normalize/`` (names, credentials, licences,
phones, money, places, URLs, ...), ``taxonomy`` and ``geo`` (NUCC codes, ZIP coordinates),
``reference`` (the shipped data tables). Nothing here knows about files, storage or the CLI.
"""
