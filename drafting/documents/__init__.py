"""Documents in and out: DOCX, PDF and Akoma Ntoso writers, and the DOCX readers.

Plain data in, bytes out (and back): nothing here reads the database or decides access. The
selectors gather what a requester may read into ``content`` objects; the services turn what
the readers found into drafts, suggestions and threads.
"""
