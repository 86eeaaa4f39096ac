"""How records are judged: IPT evidence, which records are one clinician (linkage, merge),
search and ranking, NPI verification, and the therapist view over merged records.
"""
