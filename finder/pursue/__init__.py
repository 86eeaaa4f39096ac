"""The user's own work: profiles, the shortlist, contacts and follow-ups, the consultation
checklists, their answers and what those answers imply.
"""
