"""Organising conversations: folders, tags, pins, archive, duplicates, the paged sidebar, shared links."""
